"""Soak: readers, writers and slow queries beside a ``kg serve`` killed with -9 every few seconds.

Starts a real ``kg serve`` (a subprocess on 127.0.0.1, on a fixed port) over a store made from
examples/, tests/data and a synthetic corpus (bench/corpus.py), then for ``--seconds`` runs at
once:

- readers: named queries (GET /queries/<name>) and SPARQL (POST /sparql), back to back;
- a slow client: a cross join that runs into the query timeout;
- writers: Graph Store PUTs that replace document graphs with new versions, SPARQL
  ``INSERT DATA`` batches into a named graph, and POST /ingest of synthetic documents;
- the killer: every 2-8 s (seeded) ``kill -9`` of the server, then a restart on the same store.

Every write answered 2xx is logged as committed: the graph and a fingerprint of the content
sent (GSP), the batch (update), the document's content hash and expected size (ingest). After
each restart the live server is checked (cheap: every committed write present, in the version
acknowledged last or a later one sent, no torn graph, the default graph the merge of the named
graphs); at the end the same again after one last ingest, then, with the server stopped,
``kg check`` and a scan for processes and folders the killed servers left behind.

    python bench/soak.py --seconds 120                   # while developing
    nice -n 10 python bench/soak.py                      # the full 10 minutes
    python bench/soak.py --seconds 60 --canary           # the checks find planted losses

Exit status 1 if a write was lost or an invariant broke. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from kg.terms import Triple

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
SOAK = "http://soak.example/"
BATCH = URIRef(SOAK + "batch")
VERSION = URIRef(SOAK + "version")
VALUE = URIRef(SOAK + "value")
SHARED = URIRef(SOAK + "shared")
UPDATE_GRAPH = SOAK + "updates"
TRIPLES_PER_BATCH = 3
GSP_TARGETS = 8
HTTP_TIMEOUT = 60.0
#: The statuses counted for requests without an answer: no server listening, or the
#: connection cut before the answer (killed while it worked on it).
REFUSED, CUT = 598, 599
START_TIMEOUT = 120.0
#: Seconds of one core per answer on this store: it runs into the query timeout.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a a ?t . ?b a ?u . VALUES ?k {{ 1 2 }} }} # {tag}"
#: Each document graph with its content hash and size (ingested documents carry both).
DOCUMENTS = (
    "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
    "SELECT ?g ?hash (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g dip:contentHash ?hash . ?s ?p ?o } }"
    " GROUP BY ?g ?hash"
)
#: The findings of `kg check` about derived data, which a soak leaves stale or interrupted.
DERIVED_CHECKS = {"inferred", "links"}
NAMED = {"events_with_actor": {"actor": "Vladimir Putin"},
         "events_with_two_actors": {"actor1": "George W. Bush", "actor2": "Vladimir Putin"},
         "post_holders": {}}


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class Tally:
    """Requests of every kind: statuses, and the latencies of the 2xx answers."""

    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    #: The first answer of each (kind, error status), to say why.
    first_errors: dict[tuple[str, int], str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int, seconds: float, body: bytes = b"") -> None:
        with self.lock:
            self.statuses.setdefault(kind, Counter())[status] += 1
            if 200 <= status < 300:
                self.latencies.setdefault(kind, []).append(seconds)
            elif status < REFUSED:
                self.first_errors.setdefault((kind, status), body[:200].decode(errors="replace"))

    def lines(self) -> list[str]:
        out = []
        for kind in sorted(self.statuses):
            ordered = sorted(self.latencies.get(kind, []))
            total = sum(self.statuses[kind].values())
            out.append(f"  {kind:<12} {total:>6} requests, "
                       f"p50 {quantile_ms(ordered, 0.5):>6.0f} ms, "
                       f"p95 {quantile_ms(ordered, 0.95):>6.0f} ms, statuses "
                       f"{dict(sorted(self.statuses[kind].items()))}")
        return out


def quantile_ms(ordered: list[float], q: float) -> float:
    """The ``q`` quantile of sorted seconds, in ms (nan for none)."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


# ---------------------------------------------------------------------------------------------
# The commit log


@dataclass
class Ledger:
    """What was sent and what was acknowledged, per graph and batch; the writers' only record."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    #: GSP: graph -> fingerprints of the versions sent, in order (index 0: the prepared one).
    gsp_sent: dict[str, list[str]] = field(default_factory=dict)
    #: GSP: graph -> its prepared content as N-Triples (what ``--canary`` puts back).
    gsp_first: dict[str, bytes] = field(default_factory=dict)
    #: GSP: graph -> index of the last version answered 2xx.
    gsp_acked: dict[str, int] = field(default_factory=dict)
    update_sent: set[int] = field(default_factory=set)
    update_acked: set[int] = field(default_factory=set)
    #: /ingest: content hash -> the document graph's expected size, for documents answered 2xx.
    ingest_acked: dict[str, int] = field(default_factory=dict)
    committed: Counter[str] = field(default_factory=Counter)

    def snapshot(self) -> tuple[dict[str, list[str]], dict[str, int], set[int], dict[str, int]]:
        """The acknowledged state as of now (a check compares the store with it)."""
        with self.lock:
            return ({g: list(v) for g, v in self.gsp_sent.items()}, dict(self.gsp_acked),
                    set(self.update_acked), dict(self.ingest_acked))


# ---------------------------------------------------------------------------------------------
# HTTP


class Client:
    """Requests to the server's fixed address, a new connection each (the server dies often)."""

    def __init__(self, port: int, token: str, tally: Tally, index: int) -> None:
        from fairness import source_address

        self.port, self.token, self.tally = port, token, tally
        # Each client from its own loopback address, as separate machines: the server gives
        # every client its share of the slow lane.
        self.address = source_address(index)

    def send(self, kind: str, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None, *, write: bool = False,
             timeout: float = HTTP_TIMEOUT) -> tuple[int, bytes]:
        """One request; status REFUSED when the server was down, CUT when it died answering."""
        sent = dict(headers or {})
        if write:
            sent["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                                source_address=(self.address, 0))
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            status, data = response.status, response.read()
        except ConnectionRefusedError:
            status, data = REFUSED, b""
        except (OSError, http.client.HTTPException):
            status, data = CUT, b""
        finally:
            connection.close()
        self.tally.add(kind, status, time.perf_counter() - started, data)
        return status, data

    def select(self, kind: str, query: str, tries: int = 5) -> list[dict[str, str]] | None:
        """The rows of a SELECT as {variable: value}; None if no try got an answer."""
        for _ in range(tries):
            status, data = self.send(kind, "POST", "/sparql", query.encode(), {
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json"})
            if status == 200:
                rows = json.loads(data)["results"]["bindings"]
                return [{k: v["value"] for k, v in row.items()} for row in rows]
            time.sleep(0.5)
        return None

    def graph(self, kind: str, graph: str, tries: int = 5) -> Graph | None:
        """A named graph read by the Graph Store (empty if absent); None if never answered."""
        path = "/store?" + urllib.parse.urlencode({"graph": graph})
        for _ in range(tries):
            status, data = self.send(kind, "GET", path, headers={"Accept": "application/n-triples"})
            if status == 200:
                return Graph().parse(data=data.decode("utf-8"), format="nt")
            if status == 404:
                return Graph()
            time.sleep(0.5)
        return None


def fingerprint(graph: Graph) -> str:
    """A digest of a graph's content, the same for the same triples however written."""
    return f"{to_isomorphic(graph).graph_digest():x}"


# ---------------------------------------------------------------------------------------------
# The server


class Server:
    """``kg serve`` on the store, started again and again on the same port."""

    def __init__(self, code: Path, store: Path, log: Path, port: int, token: str,
                 timeout: float) -> None:
        self.code, self.store, self.log, self.port, self.token = code, store, log, port, token
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.groups: list[int] = []  # process groups of every server started

    def start(self) -> float:
        """Start it and wait until /health answers; returns the seconds that took."""
        command = [sys.executable, "-c", "from kg.cli import main; main()",
                   "--store", str(self.store), "serve", "--port", str(self.port),
                   "--allow-update", "--query-timeout", str(self.timeout)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
        env.update(KG_ACCESS_LOG="", KG_UPDATE_TOKEN=self.token, PYTHONPATH=str(self.code))
        started = time.perf_counter()
        with self.log.open("ab") as out:
            out.write(f"--- start at {time.strftime('%H:%M:%S')}\n".encode())
            out.flush()
            # A session of its own: its query workers can be told apart after a kill.
            self.process = subprocess.Popen(command, stdout=out, stderr=out, env=env, cwd=self.code,
                                            start_new_session=True)
        self.groups.append(self.process.pid)
        deadline = started + START_TIMEOUT
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited with {self.process.returncode}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    return time.perf_counter() - started
            except (OSError, http.client.HTTPException):
                pass
            finally:
                connection.close()
            time.sleep(0.05)
        raise RuntimeError(f"kg serve did not answer /health within {START_TIMEOUT:.0f} s")

    def kill(self) -> None:
        """``kill -9`` of the server process (its workers are left to notice)."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)
            self.process = None

    def stop(self) -> int:
        """Stop it as an operator would (SIGTERM); its exit status."""
        if self.process is None:
            return 0
        self.process.terminate()
        try:
            status = self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait(30)
        self.process = None
        return status

    def survivors(self, *, dead_only: bool = False) -> list[int]:
        """Processes still alive in the sessions of the servers started (their query workers),
        or (``dead_only``) of the servers killed before the running one."""
        groups, found = set(self.groups), []
        if dead_only and self.process is not None:
            groups.discard(self.process.pid)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) in groups and fields[0] != "Z":
                found.append(int(entry.name))
        return found


# ---------------------------------------------------------------------------------------------
# The store


@dataclass
class Prepared:
    """The store, and what the writers send and the checks expect."""

    store: Path
    #: GSP targets: graph -> its prepared triples (documents of the store).
    targets: dict[str, list[Triple]]
    #: Documents for /ingest: (name, bytes, content hash).
    documents: list[tuple[str, bytes, str]]
    #: Content hash -> size of the document graph it makes.
    sizes: dict[str, int]
    #: The prepared document graphs (not GSP targets): graph -> size.
    before: dict[str, int]
    info: dict[str, int]


def prepare(folder: Path, events: int, seed: int) -> Prepared:
    """The store (sample data and a third of the corpus) and the rest of the corpus to ingest."""
    from corpus import write_corpus

    from kg.pipeline import ingest
    from kg.store import OxigraphStore

    write_corpus(folder / "corpus", events, seed=seed)
    files = sorted((folder / "corpus").iterdir())
    preload, held = folder / "preload", files[len(files) // 3:]
    preload.mkdir()
    for file in files[:len(files) // 3]:
        file.rename(preload / file.name)
    store = OxigraphStore(folder / "store")
    ingest(store, [ROOT / "examples", ROOT / "tests" / "data", preload], validate=False)
    stored = _document_sizes(store)
    rng = random.Random(seed)
    picked = rng.sample(sorted(g for g, _ in stored.values()), GSP_TARGETS)
    targets = {g: list(store.graph_triples(g)) for g in picked}
    info = {"triples": store.triple_count(), "named_graphs": len(store.named_graphs()),
            "documents": len(stored), "to_ingest": len(held)}
    store.close()
    # The size each held document's graph will have: ingested into a scratch store first.
    scratch = OxigraphStore(folder / "scratch")
    ingest(scratch, held, validate=False, link=False)
    sizes = {h: n for h, (_, n) in _document_sizes(scratch).items()}
    scratch.close()
    documents = []
    for file in held:
        data = file.read_bytes()
        documents.append((file.name, data, hashlib.sha256(data).hexdigest()))
    before = {g: n for g, n in stored.values() if g not in targets}
    return Prepared(folder / "store", targets, documents, sizes, before, info)


def _document_sizes(store: object) -> dict[str, tuple[str, int]]:
    """Content hash -> (document graph, size), read from an open store."""
    rows = store.query(DOCUMENTS).rows  # type: ignore[attr-defined]
    return {str(h): (str(g), int(str(n))) for g, h, n in rows}


# ---------------------------------------------------------------------------------------------
# The clients


def reader(client: Client, stop: threading.Event, texts: list[str], index: int) -> None:
    """Cheap queries back to back: named queries and SPARQL."""
    count = index
    while not stop.is_set():
        count += 1
        if count % 2:
            name = list(NAMED)[count % len(NAMED)]
            query = urllib.parse.urlencode(NAMED[name])
            status, _ = client.send("read-named", "GET", f"/queries/{name}?{query}",
                                    headers={"Accept": "application/sparql-results+json"})
        else:
            status, _ = client.send("read-sparql", "POST", "/sparql",
                                    texts[count % len(texts)].encode(), {
                                        "Content-Type": "application/sparql-query",
                                        "Accept": "application/sparql-results+json"})
        if status != 200:
            stop.wait(0.2)


def slow_client(client: Client, stop: threading.Event) -> None:
    """Slow queries, one after the other (each stopped by the query timeout)."""
    count = 0
    while not stop.is_set():
        count += 1
        status, _ = client.send("slow", "POST", "/sparql",
                                SLOW.format(tag=f"soak {count}").encode(), {
                                    "Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"})
        if status != 200:
            stop.wait(1.0)


def gsp_writer(client: Client, stop: threading.Event, ledger: Ledger,
               targets: dict[str, list[Triple]], seed: int) -> None:
    """PUT new versions of document graphs: their triples, a version, a varying tail."""
    rng = random.Random(seed)
    graphs = sorted(targets)
    while not stop.is_set():
        graph = rng.choice(graphs)
        with ledger.lock:
            version = len(ledger.gsp_sent[graph])
        content = Graph()
        for triple in targets[graph]:
            content.add(triple)
        content.add((URIRef(graph), VERSION, Literal(str(version))))
        if version % 2:  # held by every odd version: the merge keeps it while one holds it
            content.add((URIRef(SOAK + "everyone"), SHARED, Literal("odd")))
        for i in range(rng.randrange(0, 400)):
            content.add((URIRef(f"{SOAK}filler/{i}"), VALUE, Literal(f"{graph} v{version} {i}")))
        with ledger.lock:
            ledger.gsp_sent[graph].append(fingerprint(content))
        body = content.serialize(format="nt", encoding="utf-8")
        path = "/store?" + urllib.parse.urlencode({"graph": graph})
        status, _ = client.send("gsp-put", "PUT", path, body,
                                {"Content-Type": "application/n-triples"}, write=True)
        if 200 <= status < 300:
            with ledger.lock:
                ledger.gsp_acked[graph] = max(ledger.gsp_acked[graph], version)
                ledger.committed["gsp-put"] += 1
        else:
            stop.wait(0.2)


def update_writer(client: Client, stop: threading.Event, ledger: Ledger) -> None:
    """INSERT DATA batches of three triples into one named graph."""
    from kg.terms import ntriples_line, sparql_iri

    batch = 0
    while not stop.is_set():
        batch += 1
        lines = [ntriples_line(URIRef(f"{SOAK}u/{batch}/{i}"), BATCH, Literal(str(batch)))
                 for i in range(TRIPLES_PER_BATCH)]
        text = (f"INSERT DATA {{ GRAPH {sparql_iri(UPDATE_GRAPH)} {{\n"
                + "\n".join(lines) + "\n} }")
        with ledger.lock:
            ledger.update_sent.add(batch)
        status, _ = client.send("update", "POST", "/sparql", text.encode(),
                                {"Content-Type": "application/sparql-update"}, write=True)
        if 200 <= status < 300:
            with ledger.lock:
                ledger.update_acked.add(batch)
                ledger.committed["update"] += 1
        else:
            stop.wait(0.2)


def ingest_writer(client: Client, stop: threading.Event, ledger: Ledger,
                  documents: list[tuple[str, bytes, str]], sizes: dict[str, int]) -> None:
    """POST /ingest one document at a time; one not acknowledged is sent again later."""
    queue = list(documents)
    done: list[tuple[str, bytes, str]] = []
    while not stop.is_set():
        if not queue:  # all stored: the same again (each "unchanged")
            queue, done = done, []
        document = queue.pop(0)
        if post_ingest(client, ledger, document, sizes):
            done.append(document)
        else:
            queue.append(document)
            stop.wait(0.2)


def post_ingest(client: Client, ledger: Ledger, document: tuple[str, bytes, str],
                sizes: dict[str, int], kind: str = "ingest") -> bool:
    """One document to /ingest; True (and logged) if it was stored or already there."""
    name, data, digest = document
    status, body = client.send(kind, "POST", "/ingest?" + urllib.parse.urlencode({"name": name}),
                               data, {"Content-Type": "text/plain; charset=utf-8"}, write=True)
    if not 200 <= status < 300:
        return False
    results = json.loads(body)["results"]
    if not results or results[0]["status"] not in ("stored", "unchanged"):
        return False
    with ledger.lock:
        ledger.ingest_acked[digest] = sizes[digest]
        ledger.committed["ingest"] += 1
    return True


# ---------------------------------------------------------------------------------------------
# The checks


@dataclass
class Findings:
    """Invariant violations found, by kind, with a few examples each."""

    lost: Counter[str] = field(default_factory=Counter)
    violations: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    checks: int = 0
    skipped: int = 0

    def lose(self, kind: str, detail: str) -> None:
        self.lost[kind] += 1
        self._example(f"lost {kind}: {detail}")

    def violate(self, kind: str, detail: str) -> None:
        self.violations[kind] += 1
        self._example(f"{kind}: {detail}")

    def _example(self, text: str) -> None:
        if len(self.examples) < 30:
            self.examples.append(f"[{time.strftime('%H:%M:%S')}] {text}")


def check_live(client: Client, ledger: Ledger, prepared: Prepared, findings: Findings,
               *, full: bool, merge: bool = True) -> None:
    """Compare the live server with what was acknowledged (``full``: the untouched documents
    too; ``merge``: the default graph against the named graphs, which reads the whole store)."""
    from kg.store.merge import MISSING_COUNT, ORPHANS_COUNT
    from kg.terms import sparql_iri

    sent, acked, updates, ingested = ledger.snapshot()  # before reading: later writes may show
    findings.checks += 1
    for graph, versions in sent.items():
        content = client.graph("check-graph", graph)
        if content is None:
            findings.skipped += 1
            continue
        found = fingerprint(content)
        if found in versions[acked[graph]:]:
            continue
        if found in versions[:acked[graph]]:
            findings.lose("gsp-put", f"<{graph}> holds version {versions.index(found)}, "
                                     f"version {acked[graph]} was acknowledged")
        elif not len(content):
            findings.lose("gsp-put", f"<{graph}> is gone, version {acked[graph]} was acknowledged")
        else:
            findings.violate("torn-graph", f"<{graph}> ({len(content)} triples) is no version sent")
    rows = client.select("check", "SELECT ?b (COUNT(*) AS ?n) WHERE { GRAPH "
                         f"{sparql_iri(UPDATE_GRAPH)} {{ ?x {sparql_iri(str(BATCH))} ?b }} }}"
                         " GROUP BY ?b")
    if rows is None:
        findings.skipped += 1
    else:
        present = {int(r["b"]): int(r["n"]) for r in rows}
        for batch in sorted(updates - set(present)):
            findings.lose("update", f"batch {batch} of <{UPDATE_GRAPH}>")
        for batch, size in present.items():
            if size != TRIPLES_PER_BATCH:
                findings.violate("torn-update", f"batch {batch} has {size} of "
                                                f"{TRIPLES_PER_BATCH} triples")
    rows = client.select("check", DOCUMENTS)
    if rows is None:
        findings.skipped += 1
    else:
        stored = {r["hash"]: (r["g"], int(r["n"])) for r in rows}
        for digest, size in ingested.items():
            if digest not in stored:
                findings.lose("ingest", f"document {digest[:12]} ({size} triples)")
        for digest, (graph, size) in stored.items():
            expected = prepared.sizes.get(digest) or prepared.before.get(graph)
            if expected is not None and size != expected:
                findings.violate("torn-document", f"<{graph}> has {size} of {expected} triples")
        if full:
            graphs = {g for g, _ in stored.values()}
            for graph in sorted(set(prepared.before) - graphs):
                findings.lose("prepared", f"document <{graph}>")
    for name, query in (("orphans", ORPHANS_COUNT), ("missing", MISSING_COUNT)) if merge else ():
        rows = client.select("check", query, tries=10)
        if rows is None:
            findings.skipped += 1
        elif int(rows[0]["n"]):
            findings.violate(f"merge-{name}", f"{rows[0]['n']} quads")


def plant_losses(client: Client, ledger: Ledger) -> Counter[str]:
    """Undo acknowledged writes behind the ledger's back (``--canary``), one of each kind:
    the final check must find them, or it could not find a real loss either."""
    from kg.terms import ntriples_line, sparql_iri

    planted: Counter[str] = Counter()
    _, acked, updates, ingested = ledger.snapshot()
    if updates:
        batch = min(updates)
        lines = [ntriples_line(URIRef(f"{SOAK}u/{batch}/{i}"), BATCH, Literal(str(batch)))
                 for i in range(TRIPLES_PER_BATCH)]
        text = (f"DELETE DATA {{ GRAPH {sparql_iri(UPDATE_GRAPH)} {{\n"
                + "\n".join(lines) + "\n} }")
        status, _ = client.send("canary", "POST", "/sparql", text.encode(),
                                {"Content-Type": "application/sparql-update"}, write=True)
        planted["update"] += 200 <= status < 300
    rows = client.select("canary", DOCUMENTS) or []
    graphs = {r["hash"]: r["g"] for r in rows}
    victim = next((graphs[h] for h in sorted(ingested) if h in graphs), None)
    if victim is not None:
        status, _ = client.send("canary", "DELETE",
                                "/store?" + urllib.parse.urlencode({"graph": victim}), write=True)
        planted["ingest"] += 200 <= status < 300
    graph = next((g for g in sorted(acked) if acked[g] > 0), None)
    if graph is not None:  # its first version again: older than the one acknowledged
        with ledger.lock:
            content = ledger.gsp_first[graph]
        status, _ = client.send("canary", "PUT", "/store?" + urllib.parse.urlencode(
            {"graph": graph}), content, {"Content-Type": "application/n-triples"}, write=True)
        planted["gsp-put"] += 200 <= status < 300
    return +planted


def kg_check(code: Path, store: Path, *options: str) -> tuple[int, str]:
    """``kg check`` on the stopped server's store: its exit status and output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PYTHONPATH"] = str(code)
    done = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()",
                           "--store", str(store), "check", *options], capture_output=True,
                          text=True, cwd=code, env=env, timeout=600, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def copy_code(folder: Path) -> Path:
    """The package and its data files as they are now: the servers of a long run all run the
    same code, whatever is edited in the checkout meanwhile."""
    code = folder / "code"
    for part in ("kg", "queries", "shapes", "ontology"):
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, code / part,
                            ignore=shutil.ignore_patterns("__pycache__"))
    return code


# ---------------------------------------------------------------------------------------------
# The run


def run(args: argparse.Namespace, folder: Path, say: Callable[[str], None]) -> bool:
    """Prepare, soak, check; True if nothing was lost and every invariant held."""
    from endpoint import free_port, query_texts

    code = args.kg_root or copy_code(folder)
    prepared = prepare(folder, args.events, args.seed)
    say(f"store: {json.dumps(prepared.info)}; {os.cpu_count()} cores, beside other work")
    tally, ledger, findings = Tally(), Ledger(), Findings()
    for graph, triples in prepared.targets.items():
        content = Graph()
        for triple in triples:
            content.add(triple)
        ledger.gsp_sent[graph] = [fingerprint(content)]
        ledger.gsp_first[graph] = content.serialize(format="nt", encoding="utf-8")
        ledger.gsp_acked[graph] = 0
    token = secrets.token_hex(16)
    port = free_port()
    server = Server(code, prepared.store, folder / "serve.log", port, token, args.query_timeout)
    clients = iter(Client(port, token, tally, i) for i in range(100))
    client = next(clients)  # the checks'
    rng = random.Random(args.seed)
    ready: list[float] = [server.start()]
    kills, failed_starts, check_seconds, most_left = 0, 0, [], 0
    stop = threading.Event()
    texts = [*query_texts().values(), "ASK { ?s a ?t }"]
    threads = [threading.Thread(target=reader, args=(next(clients), stop, texts, i),
                                daemon=True)
               for i in range(args.readers)]
    threads += [threading.Thread(target=slow_client, args=(next(clients), stop), daemon=True)
                for _ in range(args.slow)]
    threads += [
        threading.Thread(target=gsp_writer, daemon=True,
                         args=(next(clients), stop, ledger, prepared.targets, args.seed)),
        threading.Thread(target=update_writer, args=(next(clients), stop, ledger), daemon=True),
        threading.Thread(target=ingest_writer, daemon=True,
                         args=(next(clients), stop, ledger, prepared.documents, prepared.sizes)),
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    end = started + args.seconds
    while time.monotonic() < end:
        time.sleep(max(0.0, min(rng.uniform(args.kill_min, args.kill_max),
                                end - time.monotonic())))
        if time.monotonic() >= end:
            break
        server.kill()
        kills += 1
        try:
            ready.append(server.start())
        except RuntimeError as exc:
            failed_starts += 1
            findings.violate("no-restart", str(exc))
            server.kill()
            ready.append(server.start())  # once more; a second failure ends the run
        begun = time.perf_counter()
        check_live(client, ledger, prepared, findings, full=False,
                   merge=kills % args.merge_every == 0)
        check_seconds.append(time.perf_counter() - begun)
        # Left by the servers killed so far: query workers that ran on after their server died.
        most_left = max(most_left, len(server.survivors(dead_only=True)))
    stop.set()
    for thread in threads:
        thread.join(HTTP_TIMEOUT + 10)
    soaked = time.monotonic() - started
    # The next command after the last kill: one more document, which also finishes the links
    # an interrupted ingest left; then the whole comparison.
    settled = post_ingest(client, ledger, prepared.documents[0], prepared.sizes, kind="settle")
    planted = plant_losses(client, ledger) if args.canary else Counter()
    lost_before = Counter(findings.lost)
    check_live(client, ledger, prepared, findings, full=True)
    stop_status = server.stop()
    deadline = time.monotonic() + 10  # workers notice the end of their pipe
    while server.survivors() and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = server.survivors()
    for pid in survivors:  # ours: query workers of killed servers
        os.kill(pid, signal.SIGKILL)
    leftovers = sorted(p.name for p in folder.glob(".kg-*"))
    status, output = kg_check(code, prepared.store)
    failing = [line.split()[1].rstrip(":") for line in output.splitlines()
               if line.startswith("FAIL")]
    repaired = False
    if status != 0 and set(failing) <= DERIVED_CHECKS:
        # Client writes make derived data stale by design (recomputed by the next `kg link`
        # or `kg infer`), and a kill in an ingest leaves it interrupted: repaired, it must hold.
        repaired = True
        _, more = kg_check(code, prepared.store, "--repair")
        output += "\n$ kg check --repair\n" + more
        status, after = kg_check(code, prepared.store)
        output += "\n$ kg check\n" + after
    if status != 0:
        findings.violate("kg-check", output.replace("\n", " | "))
    if survivors:
        findings.violate("orphan-processes", f"{len(survivors)} processes of killed servers")
    if leftovers:
        findings.violate("leftover-folders", ", ".join(leftovers[:5]))
    ordered = sorted(ready[1:])
    say(f"soaked {soaked:.0f} s: {kills} kills, {len(ready) - 1} restarts "
        f"({failed_starts} failed), ready in p50 {quantile_ms(ordered, 0.5):.0f} ms, "
        f"p95 {quantile_ms(ordered, 0.95):.0f} ms, max {quantile_ms(ordered, 1.0):.0f} ms "
        f"(first start {ready[0] * 1000:.0f} ms)")
    say(f"requests by kind ({REFUSED}: connection refused, the server was down; {CUT}: cut "
        "before the answer, killed meanwhile):")
    for line in tally.lines():
        say(line)
    for (kind, answer), text in sorted(tally.first_errors.items()):
        say(f"  first {answer} of {kind}: {' '.join(text.split())}")
    acked = sum(ledger.committed.values())
    say(f"committed writes: {acked} {dict(sorted(ledger.committed.items()))}; "
        f"GSP versions sent {sum(len(v) - 1 for v in ledger.gsp_sent.values())}, "
        f"update batches sent {len(ledger.update_sent)}")
    say(f"live checks: {findings.checks} ({findings.skipped} parts skipped, busy), "
        f"p50 {quantile_ms(sorted(check_seconds), 0.5):.0f} ms each; settle ingest "
        f"{'ok' if settled else 'FAILED'}; server stop exit {stop_status}; processes of killed "
        f"servers alive after a restart's check: at most {most_left}")
    if args.canary:
        found = findings.lost - lost_before
        say(f"canary: planted {dict(planted)}, the final check found {dict(found)}")
        if found != planted:
            findings.violate("canary", "the final check did not find exactly what was planted")
        findings.lost = lost_before
    say(f"lost writes: {sum(findings.lost.values())} {dict(findings.lost)}")
    say(f"invariant violations: {sum(findings.violations.values())} {dict(findings.violations)}")
    verdict = "ok" if status == 0 else f"exit {status}"
    if repaired:
        verdict += " after `kg check --repair` of the derived data"
    say(f"kg check: {verdict} (code from {code})")
    for line in output.splitlines():
        say(f"  {line}")
    for example in findings.examples:
        say(f"  ! {example}")
    return not findings.lost and not findings.violations


def main() -> None:
    """Run the soak and print its figures; exit status 1 if a write was lost or a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--events", type=int, default=600,
                        help="synthetic events (a third preloaded, the rest ingested)")
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--slow", type=int, default=1, help="slow-query clients")
    parser.add_argument("--kill-min", type=float, default=2.0)
    parser.add_argument("--kill-max", type=float, default=8.0)
    parser.add_argument("--query-timeout", type=float, default=10.0)
    parser.add_argument("--merge-every", type=int, default=4,
                        help="check the merge (a read of the whole store) after every n-th restart")
    parser.add_argument("--canary", action="store_true",
                        help="undo one acknowledged write of each kind before the final check, "
                             "which must find exactly those")
    parser.add_argument("--kg-root", type=Path,
                        help="the checkout whose kg serve runs (default: a copy of this one)")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    args = parser.parse_args()

    def say(text: str) -> None:
        print(text, flush=True)

    if args.keep is not None:
        args.keep.mkdir(parents=True)
        ok = run(args, args.keep, say)
    else:
        with tempfile.TemporaryDirectory(prefix="kg-bench-soak-") as tmp:
            ok = run(args, Path(tmp), say)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
