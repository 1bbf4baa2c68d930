"""Issue 12, fair serving: slow queries starved cheap ones, /health waited behind them, time in
the queue was not counted, whole-graph reads were held whole in memory, and killed servers
left their checkpoint folders behind.

Each test runs a real ``kg serve`` on 127.0.0.1 (or the real worker pool) and asserts what
happens, in which order, never how long it took. Clients are told apart by their loopback
address (127.0.0.x), as the server tells clients apart.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import derivation
from kg.cli import cli
from kg.iri import INFERRED_GRAPH, LINK_GRAPH_BASE
from kg.pipeline import infer, ingest
from kg.store import OxigraphStore, open_store
from kg.store.admission import Admission, Limits
from kg.store.pool import EngineBusy, ProcessEngine, QueryTimeout
from kg.store.worker import QueryJob, SpooledResult
from tests.conftest import SEEDS
from tests.web.conftest import EXAMPLES, ROOT, TOKEN, Server, copy_store, serve

pytestmark = pytest.mark.server

#: A join of four triple patterns over the whole store: it runs until it is stopped.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} # {tag}"
WAIT = 30.0  # the longest any condition below is waited for


def send(server: Server, path: str, *, client: str = "127.0.0.1", body: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request from the loopback address ``client``: status, headers, body."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120,
                                            source_address=(client, 0))
    try:
        if body is None:
            connection.request("GET", path, headers=headers or {})
        else:
            connection.request("POST", path, body=body.encode(), headers={
                "Content-Type": "application/sparql-query", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def health(server: Server) -> dict[str, object]:
    """The /health answer (which must come, whatever the load)."""
    status, _, body = send(server, "/health")
    assert status == 200, body
    answer = json.loads(body)
    assert isinstance(answer, dict)
    return answer


def lane(server: Server, name: str, state: str = "queries_running") -> int:
    """How many queries run (or wait) in a lane now."""
    counts = health(server)[state]
    assert isinstance(counts, dict)
    return int(counts[name])


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


class Background:
    """Requests sent from threads, their answers kept in arrival order."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.answers: list[tuple[str, int, dict[str, str], bytes]] = []
        self.threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def query(self, client: str, text: str) -> None:
        """POST ``text`` from ``client`` in a thread."""
        def run() -> None:
            try:
                answer = send(self.server, "/sparql", client=client, body=text)
            except OSError as exc:
                answer = (599, {}, str(exc).encode())
            with self._lock:
                self.answers.append((client, *answer))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        """Wait for every answer."""
        for thread in self.threads:
            thread.join(120)
            assert not thread.is_alive(), "a request was never answered"


@pytest.fixture(scope="module")
def lanes_server(example_store: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Server]:
    """Three workers, two slow places, one per client; a short budget and timeout."""
    folder = tmp_path_factory.mktemp("lanes")
    store = copy_store(example_store, folder / "store")
    with serve(store, "--workers", "3", "--query-timeout", "6", "--threads", "16",
               "--setting", "fast_budget", "0.5", "--setting", "slow_workers", "2",
               "--setting", "slow_per_client", "1", log_dir=folder) as running:
        yield running


def test_a_cheap_query_is_answered_while_the_slow_lane_is_full(lanes_server: Server) -> None:
    """Two slow queries starved every cheap one (48% got 503 beside two slow clients)."""
    wait_until(lambda: lane(lanes_server, "slow") == 0, "an idle slow lane")
    slow = Background(lanes_server)
    slow.query("127.0.0.2", SLOW.format(tag="a"))
    slow.query("127.0.0.3", SLOW.format(tag="b"))
    wait_until(lambda: lane(lanes_server, "slow") == 2, "both slow queries in the slow lane")
    status, _, body = send(lanes_server, "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                           client="127.0.0.4")
    assert status == 200 and json.loads(body)["boolean"] is True
    # A third slow query gets its fast budget, then no slow place: 503 at once, not a wait.
    status, headers, body = send(lanes_server, "/sparql", client="127.0.0.5",
                                 body=SLOW.format(tag="c"))
    assert status == 503 and "Retry-After" in headers, body
    assert b"places for slow queries are taken" in body
    assert lane(lanes_server, "slow") == 2, "the refusal came after the slow lane emptied"
    slow.join()
    assert [s for _, s, _, _ in slow.answers] == [503, 503]
    assert all(b"did not finish within 6 s" in b for *_, b in slow.answers)


def test_a_client_over_its_share_of_the_slow_lane_gets_503(lanes_server: Server) -> None:
    """Per-client fairness: one client may not take every slow place."""
    wait_until(lambda: lane(lanes_server, "slow") == 0, "an idle slow lane")
    slow = Background(lanes_server)
    slow.query("127.0.0.6", SLOW.format(tag="d"))
    wait_until(lambda: lane(lanes_server, "slow") == 1, "the first slow query in the lane")
    # The same client again: past its budget it may not have a second slow place.
    status, headers, body = send(lanes_server, "/sparql", client="127.0.0.6",
                                 body=SLOW.format(tag="e"))
    assert status == 503 and "Retry-After" in headers, body
    assert b"its share of the slow lane" in body
    # A text known to run slow is refused before it runs at all.
    refused = health(lanes_server)["queries_refused"]
    status, headers, body = send(lanes_server, "/sparql", client="127.0.0.6",
                                 body=SLOW.format(tag="e"))
    assert status == 503 and int(headers["Retry-After"]) > 0, body
    assert b"ran slow before" in body
    assert health(lanes_server)["queries_refused"] == refused + 1  # type: ignore[operator]
    # Another client still has its place.
    slow.query("127.0.0.7", SLOW.format(tag="f"))
    wait_until(lambda: lane(lanes_server, "slow") == 2, "the other client's slow query")
    slow.join()
    assert sorted(s for _, s, _, _ in slow.answers) == [503, 503]
    assert all(b"did not finish within" in b for *_, b in slow.answers), slow.answers


def test_an_export_waits_for_no_slow_place_and_takes_none_when_the_lane_is_full(
        lanes_server: Server) -> None:
    """/export read the whole store beside the lanes: any number at once, whatever the slow
    lane held. It takes a slow place as a slow query does, or gets 503 at once."""
    wait_until(lambda: lane(lanes_server, "slow") == 0, "an idle slow lane")
    slow = Background(lanes_server)
    slow.query("127.0.0.12", SLOW.format(tag="x"))
    slow.query("127.0.0.13", SLOW.format(tag="y"))
    wait_until(lambda: lane(lanes_server, "slow") == 2, "both slow queries in the slow lane")
    status, headers, body = send(lanes_server, "/export", client="127.0.0.14")
    assert status == 503 and int(headers["Retry-After"]) > 0, body
    assert b"places for slow work" in body
    # Cheap queries still run meanwhile.
    status, _, body = send(lanes_server, "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                           client="127.0.0.14")
    assert status == 200 and json.loads(body)["boolean"] is True
    slow.join()
    wait_until(lambda: lane(lanes_server, "slow") == 0, "the slow lane emptied")
    # With a place free, the export runs whole, and gives its place back when it is sent.
    status, headers, body = send(lanes_server, "/export", client="127.0.0.14")
    assert status == 200 and body.endswith(b" .\n") and body.count(b"\n") > 1000, headers
    assert lane(lanes_server, "slow") == 0


def test_an_export_holds_a_slow_place_until_it_is_released() -> None:
    """The books of /export: a slow place each, a client its share, none past the queue."""
    admission: Admission[int] = Admission(Limits(capacity=6, slow_slots=2, per_client=1))
    first = admission.hold("a")
    assert admission.status()["queries_running"] == {"fast": 0, "slow": 1}
    with pytest.raises(EngineBusy, match="its share of the slow lane"):
        admission.hold("a")
    second = admission.hold("b")
    with pytest.raises(EngineBusy, match="places for slow work") as refused:
        admission.hold("c")
    assert refused.value.retry_after > 0
    admission.release(first, None)
    admission.release(first, None)  # again: nothing more is freed
    third = admission.hold("c")
    with pytest.raises(EngineBusy, match="places for slow work"):
        admission.hold("d")
    for ticket in (second, third):
        admission.release(ticket, None)
    assert admission.status()["queries_running"] == {"fast": 0, "slow": 0}
    # Without a slow lane (queries in the server process), only the queue's bounds hold.
    inline: Admission[int] = Admission(Limits(capacity=2, slow_slots=0, per_client=1))
    inline.hold("a")
    inline.hold("b")
    with pytest.raises(EngineBusy, match="as many as it takes"):
        inline.hold("c")


def test_health_and_cheap_queries_answer_under_a_flood(example_store: Path,
                                                       tmp_path: Path) -> None:
    """At 64 clients even /health took 8 s: every thread waited on the query workers."""
    store = copy_store(example_store, tmp_path / "store")
    with serve(store, "--workers", "2", "--threads", "8", "--query-timeout", "15",
               "--setting", "fast_budget", "0.5", log_dir=tmp_path) as server:
        capacity = health(server)["query_capacity"]
        assert isinstance(capacity, int) and capacity < 8, "no thread kept free of queries"
        flood = Background(server)
        for index in range(24):
            flood.query(f"127.0.1.{index + 1}", SLOW.format(tag=f"flood {index}"))
        wait_until(lambda: lane(server, "slow") == 1, "a slow query holding the slow lane")
        wait_until(lambda: len(flood.answers) >= 24 - capacity, "the flood's quick refusals")
        # Answered while the slow query still holds its worker: nobody waited for it to end.
        assert lane(server, "slow") == 1
        # The flood's admitted queries have their fast budget each on the free worker, then
        # stop; a cheap query after them need not wait for the slow one.
        wait_until(lambda: lane(server, "fast", "queries_waiting") == 0, "the queue drained")
        status, _, body = send(server, "/sparql?query=ASK%7B%7D", client="127.0.0.9")
        assert status == 200, body
        assert lane(server, "slow") == 1
        refused = [b for _, s, _, b in flood.answers if s == 503]
        assert len(refused) >= 24 - capacity
        assert any(b"as many as it takes" in b for b in refused), refused[:3]
        flood.join()
        assert {s for _, s, _, _ in flood.answers} == {503}


# -- the worker pool itself: the queue's wait, large answers --------------------------------


@pytest.fixture(scope="module")
def larger_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/ and tests/data ingested: a default graph of several MB in N-Triples."""
    folder = tmp_path_factory.mktemp("larger") / "store"
    store = OxigraphStore(folder)
    try:
        report = ingest(store, [EXAMPLES, ROOT / "tests" / "data"], validate=False)
        assert not report.failures
    finally:
        store.close()
    return folder


@contextlib.contextmanager
def engine_on(store_folder: Path, target: Path, **options: object) -> Iterator[ProcessEngine]:
    """A worker pool on a copy of a store, closed afterwards."""
    store = OxigraphStore(copy_store(store_folder, target))
    engine = ProcessEngine(store, **options)  # type: ignore[arg-type]
    try:
        yield engine
    finally:
        engine.close()
        store.close()


def test_time_in_the_queue_counts_against_the_timeout(example_store: Path,
                                                      tmp_path: Path) -> None:
    """Waiting for a worker was not counted: a query could wait its timeout, then run one."""
    with engine_on(example_store, tmp_path / "store", workers=1, fast_budget=60) as engine:
        outcome: list[BaseException] = []

        def hold() -> None:
            try:
                engine.run(QueryJob(SLOW.format(tag="hold")), timeout=5, client="a")
            except BaseException as exc:
                outcome.append(exc)

        holder = threading.Thread(target=hold)
        holder.start()
        wait_until(lambda: engine.status()["queries_running"]["fast"] == 1,
                   "the slow query on the only worker")
        with pytest.raises(EngineBusy, match="did not run"):
            engine.run(QueryJob("ASK { }"), timeout=0.5, client="b")
        status = engine.status()
        assert status["queries_expired_waiting"] == 1
        assert status["killed_workers"] == 0, "the slow query ended before the wait did"
        holder.join(60)
        assert len(outcome) == 1 and isinstance(outcome[0], QueryTimeout)
        # The pool recovers: the killed worker is replaced and the next query runs.
        assert engine.run(QueryJob("ASK { }"), timeout=30).body


def test_a_large_answer_is_a_file_never_held_whole(larger_store: Path, tmp_path: Path) -> None:
    """Six reads of /store?default took the server from 110 MB to 2.45 GB."""
    with engine_on(larger_store, tmp_path / "store", workers=1) as engine:
        whole = engine.run(QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples",
                                    stream=True), timeout=60)
        assert isinstance(whole, SpooledResult) and whole.body == b""
        spooled = Path(whole.path)
        assert spooled.parent == engine.folder / "answers" and spooled.stat().st_size > 1 << 20
        assert whole.rows == len(spooled.read_bytes().splitlines())
        small = engine.run(QueryJob("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", stream=True),
                           timeout=60)
        assert not isinstance(small, SpooledResult) and small.rows == 5
        # Without stream=True (the pages parse the body) the answer comes whole.
        inline = engine.run(QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples"),
                            timeout=60)
        assert not isinstance(inline, SpooledResult) and len(inline.body) > 1 << 20


def test_reading_a_whole_graph_over_http_streams_it(larger_store: Path,
                                                    tmp_path: Path) -> None:
    """Graph Store GET of a large graph: complete, gzip or not, and no file left behind."""
    store = copy_store(larger_store, tmp_path / "store")
    with serve(store, "--max-rows", "1000000", "--workers", "2", log_dir=tmp_path) as server:
        status, headers, body = server.get("/store?default",
                                           {"Accept": "application/n-triples"}, timeout=120)
        assert status == 200 and "X-Result-Truncated" not in headers
        assert int(headers["X-Result-Rows"]) == len(body.splitlines()) > 10_000
        assert int(headers["Content-Length"]) == len(body) > 1 << 20
        status, headers, packed = server.get("/store?default", {
            "Accept": "application/n-triples", "Accept-Encoding": "gzip"}, timeout=120)
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed) == body
        (folder,) = tmp_path.glob(f".kg-snapshots-{server.process.pid}-*")
        assert not list((folder / "answers").iterdir()), "an answer file was left behind"


# -- checkpoint folders of dead servers ---------------------------------------------------------


def dead_pid() -> int:
    """The pid of a process that has exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_checkpoint_folders_of_dead_servers_are_removed(example_store: Path,
                                                        tmp_path: Path) -> None:
    """Every killed `kg serve` left a .kg-snapshots-* folder (60-130 MB), never removed."""
    store = copy_store(example_store, tmp_path / "store")
    dead = tmp_path / f".kg-snapshots-{dead_pid()}-x1y2"
    live = tmp_path / f".kg-snapshots-{os.getpid()}-keep"  # this test's process: alive
    legacy = tmp_path / ".kg-snapshots-abc123"  # no pid in the name: its owner is unknown
    for folder in (dead, live, legacy):
        (folder / "snapshot-1").mkdir(parents=True)
    with serve(store, "--workers", "1", log_dir=tmp_path) as server:
        assert not dead.exists(), "the folder of a dead server is still there"
        assert live.exists() and legacy.exists()
        own = list(tmp_path.glob(f".kg-snapshots-{server.process.pid}-*"))
        assert len(own) == 1, "the server's folder is not named for its pid"
    assert not own[0].exists(), "the server did not remove its own folder at exit"


# -- web writes and the derived data ------------------------------------------------------------

EX = "http://example.org/"
#: A document graph changed by a client: the derived data no longer follows from the documents.
UPDATE = f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}s> <{EX}p> 'x' }} }}"
#: A write the SHACL gate rejects (an event with none of what an event needs).
REJECTED = ("PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
            f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}event/1> a dip:Event }} }}")
MORE = next(EXAMPLES.glob("2007-07-2_*.md"))


@pytest.fixture(scope="module")
def derived_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three seed documents, their links and inference current (copy it before use)."""
    path = tmp_path_factory.mktemp("derived") / "store"
    with open_store(path) as store:
        assert not ingest(store, SEEDS).failures
        infer(store)
        records = derivation.read_records(store)
        assert {r.status for r in records.values()} == {derivation.CURRENT}
    return path


def write(server: Server, method: str, path: str, body: bytes, content_type: str) -> int:
    """A write with the token: its status."""
    request = urllib.request.Request(server.url + path, data=body, method=method, headers={
        "Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def checks(server: Server) -> dict[str, str]:
    """/health's checks: ok, or FAIL with what was found."""
    found = server.health()["checks"]
    assert isinstance(found, dict)
    return {str(k): str(v) for k, v in found.items()}


def kg(store: Path, *args: str) -> tuple[int, str]:
    """A kg command on ``store``, as a user runs it: exit status and output."""
    result = CliRunner().invoke(cli, ["--store", str(store), *args])
    return result.exit_code, result.output


WEB_WRITES = {
    "update": ("POST", "/sparql", UPDATE.encode(), "application/sparql-update", 204),
    "graph store PUT": ("PUT", f"/store?graph={urllib.parse.quote(EX + 'doc')}",
                        f"<{EX}s> <{EX}p> 'x' .".encode(), "text/turtle", 201),
    "graph store DELETE": ("DELETE", "/store?graph=" + urllib.parse.quote(
        "https://w3id.org/diplomacy-kg/graph/doc/"), b"", "text/plain", 204),
    "ingest": ("POST", f"/ingest?name={urllib.parse.quote(MORE.name)}", MORE.read_bytes(),
               "text/markdown", 200),
}


@pytest.mark.parametrize("path", WEB_WRITES)
def test_a_web_write_of_documents_makes_the_derived_data_stale(
        path: str, derived_store: Path, tmp_path: Path) -> None:
    """A SPARQL update or a Graph Store write through `kg serve` left the inferred graph and
    the links recorded current, so `kg check` and /health passed on data no longer derived
    from the documents, and nothing brought them back; /health kept its checks from start."""
    store = copy_store(derived_store, tmp_path / "store")
    method, target, body, content_type, expected = WEB_WRITES[path]
    if path == "graph store DELETE":  # a document graph of the store: dropped
        with open_store(store) as opened:
            graph = next(g for g in opened.named_graphs() if "/graph/doc/" in g)
        target = "/store?graph=" + urllib.parse.quote(graph)
    with serve(store, "--allow-update", "--update-token", TOKEN, log_dir=tmp_path) as server:
        assert set(checks(server).values()) == {"ok"}
        assert write(server, method, target, body, content_type) == expected
        now = checks(server)
        assert now["inferred"].startswith("FAIL: stale"), now
        if path == "ingest":  # ingest computes the links of what it wrote, at once
            assert now["links"] == "ok", now
        else:
            assert now["links"].startswith("FAIL: stale"), now
    status, output = kg(store, "check")
    assert status == 1 and "stale" in output, output
    # The next commands bring them back, each its own.
    assert kg(store, "infer")[0] == 0
    assert kg(store, "link")[0] == 0
    status, output = kg(store, "check")
    assert status == 0, output


def test_a_web_write_that_changes_nothing_leaves_the_derived_data_current(
        derived_store: Path, tmp_path: Path) -> None:
    """A write refused before it is made (the gate, a missing graph) says nothing is stale."""
    store = copy_store(derived_store, tmp_path / "store")
    with serve(store, "--allow-update", "--update-token", TOKEN, log_dir=tmp_path) as server:
        assert write(server, "POST", "/sparql", REJECTED.encode(),
                     "application/sparql-update") == 422
        assert write(server, "DELETE", "/store?graph=" + urllib.parse.quote(EX + "none"), b"",
                     "text/plain") == 404
        assert set(checks(server).values()) == {"ok"}
    status, output = kg(store, "check")
    assert status == 0, output


def test_kg_serve_runs_again_a_derivation_left_halfway(derived_store: Path,
                                                       tmp_path: Path) -> None:
    """Every command that opens a store to write finishes what a killed `kg infer` or `kg link`
    left halfway (a record with a start and no end); `kg serve` served it as it was."""
    store = copy_store(derived_store, tmp_path / "store")
    with open_store(store) as opened:
        inferred = len(opened.graph_triples(INFERRED_GRAPH))
        links = [g for g in opened.named_graphs() if g.startswith(LINK_GRAPH_BASE)]
        assert inferred and links
        # What a kill halfway leaves: both runs started, half their graphs written.
        derivation.start(opened, derivation.INFERENCE, "kg infer --engine fast")
        derivation.start(opened, derivation.LINKS)
        opened.drop_graphs([INFERRED_GRAPH, links[0]])
    with serve(store, log_dir=tmp_path) as server:
        assert set(checks(server).values()) == {"ok"}
        log = server.log.read_text(errors="replace")
        assert "kg infer --engine fast (interrupted)" in log and "kg link (interrupted)" in log
    with open_store(store) as opened:
        assert len(opened.graph_triples(INFERRED_GRAPH)) == inferred
        assert links[0] in opened.named_graphs()
    status, output = kg(store, "check")
    assert status == 0, output
