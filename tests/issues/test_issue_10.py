"""Issue 10: what an attacker (and an unlucky user) met in `kg serve` and `kg`, one test each.

Every test does what the report did, against the real thing: a request to `kg serve` running
as a process on 127.0.0.1, or the `kg` command. Where a request could make the server call
out (SERVICE, LOAD), it points at a listener on 127.0.0.1 that must see no connection.
tests/security/ holds the attack classes with their many variants; this file holds the
defects exactly as they were reported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.iri import DEFAULT_GRAPH_IRI
from kg.nesting import MAX_DEPTH
from tests.security.conftest import Listener
from tests.web.conftest import EXAMPLES, ROOT, TOKEN, Server, copy_store, serve

AUTH = {"Authorization": f"Bearer {TOKEN}"}
FORM = "application/x-www-form-urlencoded"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
WIKITIMES = ROOT / "tests" / "golden" / "parse" / "wikitimes-sample" / "input.json"
# An example event page, made new to the example store by what is appended to it.
PAGE = next(EXAMPLES.glob("2007-07-2_*.md")).read_bytes()
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


# -- talking to a real server ---------------------------------------------------------------------


def send(server: Server, path: str, body: bytes | Mapping[str, str], *,
         content_type: str = FORM,
         headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """Send a body (a form when given a mapping); (status, headers, text), errors included."""
    data = urllib.parse.urlencode(body).encode() if isinstance(body, Mapping) else body
    request = urllib.request.Request(server.url + path, data=data, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        # Bounded: every request here takes well under a second on the fixed server.
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read().decode()


def select(server: Server, query: str) -> object:
    """The JSON answer of a query (SELECT or ASK) the server must accept."""
    status, _, body = server.get("/sparql?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return json.loads(body)


def ask(server: Server, query: str) -> bool:
    """The answer of an ASK query."""
    answer = select(server, query)
    assert isinstance(answer, dict)
    return bool(answer["boolean"])


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    """The kg console script as a user runs it, in its own process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    return subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env=env)


# -- the servers the reports were made against ----------------------------------------------------
# `server` (tests/web/conftest.py) is the default read-only `kg serve`, with --max-rows 50.


@pytest.fixture(scope="module")
def server_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of `writable_server` (its TMPDIR), so that what lands there shows."""
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def writable_server(example_store: Path, server_tmp: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kg serve --allow-update --update-token TOKEN` on its own copy of the examples."""
    folder = tmp_path_factory.mktemp("writable")
    store = copy_store(example_store, folder / "store")
    with contextlib.ExitStack() as stack:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TMPDIR", str(server_tmp))  # read by the server process as it starts
            running = stack.enter_context(serve(store, "--allow-update", "--update-token",
                                                TOKEN, log_dir=folder))
        yield running


@pytest.fixture(scope="module")
def tokenless_server(example_store: Path,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kg serve --allow-update --no-update-token` on loopback."""
    folder = tmp_path_factory.mktemp("tokenless")
    store = copy_store(example_store, folder / "store")
    with serve(store, "--allow-update", "--no-update-token", log_dir=folder) as running:
        yield running


def remote_store_url(oxigraph_server: str) -> str:
    """The URL of a remote store with a password in it and in its update= and store= URLs."""
    host = oxigraph_server.removeprefix("http://")
    return (f"http://user:s3cret-one@{host}/query?update=http://user:s3cret-two@{host}/update"
            f"&store=http://user:s3cret-three@{host}/store")


@pytest.fixture(scope="module")
def remote_server(oxigraph_server: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kg serve` over a real Oxigraph server reached with passwords."""
    folder = tmp_path_factory.mktemp("remote")
    with serve(remote_store_url(oxigraph_server), log_dir=folder) as running:
        yield running


# -- SERVICE and injection -----------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("escape", ["\\#", "\\'"], ids=["hash", "quote"])
def test_service_behind_an_escaped_local_name_is_refused(server: Server, listener: Listener,
                                                         escape: str) -> None:
    """SERVICE is refused only by a regex tokenizer: ex:p\\# / ex:p\\' hide it."""
    # The old tokenizer read \# as a comment and \' as the start of a string. Guards the
    # grammar's analysis (kg/sparql/analysis.py): its message, not the sandbox, answers here.
    query = (f"PREFIX ex: <http://ex/> SELECT * WHERE {{ OPTIONAL {{ ?s ex:p{escape} ?o }} "
             f"SERVICE <{listener.url}> {{ ?x ?y ?z }} }} #'")
    status, _, body = server.get("/sparql?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    assert status == 400, body
    assert b"SERVICE is refused" in body and b"INTERNAL-SECRET" not in body
    listener.assert_untouched()


@pytest.mark.server
@pytest.mark.parametrize("rest", [
    "x> ?p ?o } WHERE { SERVICE <{url}> { ?p ?o ?x } } #",
    "person/x> ?p ?o } WHERE { ?s ?p ?o } #",
], ids=["service", "whole-store"])
def test_an_id_path_cannot_carry_sparql(server: Server, listener: Listener, rest: str) -> None:
    """/id/<path> pastes the path into SPARQL: it dumps the store, or reaches out."""
    # Guards the IRI check of /id (kg/web/pages.py, kg/terms.py); before it the first answered
    # 404 after calling the listener, the second 200 with every triple.
    path = "/id/" + urllib.parse.quote(rest.replace("{url}", listener.url), safe="/")
    status, _, body = server.get(path, headers={"Accept": "text/turtle"})
    assert status == 400 and b"is not an IRI of this graph" in body, body[:500]
    assert b"INTERNAL-SECRET" not in body
    listener.assert_untouched()


@pytest.mark.server
@pytest.mark.parametrize("update", [
    "PREFIX ex: <http://ex/> DELETE {{ GRAPH ex:g\\# {{ ?s ?p ?o }} }} "
    "WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://ex/> INSERT DATA {{ GRAPH ex:g\\' {{ ex:a ex:b ex:c }} }} ; "
    "LOAD <{url}> INTO GRAPH <http://ex/g> #'",
], ids=["service", "load"])
def test_a_token_holder_cannot_hide_service_or_load(writable_server: Server, listener: Listener,
                                                    update: str) -> None:
    """A token holder can hide LOAD or SERVICE (plan_update read the same tokens)."""
    # Guards the update plan read from the parse (kg/sparql/analysis.py, kg/validate/writes.py).
    status, _, body = send(writable_server, "/sparql",
                           {"update": update.format(url=listener.url)}, headers=AUTH)
    assert status == 400 and "is refused" in body, body
    listener.assert_untouched()


@pytest.mark.server
def test_a_token_holder_cannot_write_the_default_graph_behind_an_escape(
        writable_server: Server) -> None:
    """A token holder can write into the default graph and break the merge."""
    # Outside any GRAPH: the old tokenizer took "# ex:b ex:c }" for a comment and saw no write.
    update = "PREFIX ex: <http://ex/> INSERT DATA { ex:a\\# ex:b ex:c }"
    status, _, body = send(writable_server, "/sparql", {"update": update}, headers=AUTH)
    assert status == 400 and "default graph" in body, body
    assert not ask(writable_server, "ASK { <http://ex/a#> <http://ex/b> <http://ex/c> }")


@pytest.mark.server
def test_a_graph_hidden_behind_an_escape_is_still_gated_and_merged(
        writable_server: Server) -> None:
    """A token holder can skip the SHACL gate (a graph hidden behind ex:p\\')."""
    update = (
        "PREFIX ex: <http://ex/>\nPREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
        "INSERT DATA { GRAPH <http://example.org/g1> { ex:a ex:p\\' ex:b } "
        "GRAPH <http://example.org/g2> { ex:e a dip:Event } } #'"
    )
    status, _, body = send(writable_server, "/sparql", {"update": update}, headers=AUTH)
    assert status == 422, body  # the event breaks the shapes
    for graph in ("http://example.org/g1", "http://example.org/g2"):
        assert not ask(writable_server, f"ASK {{ GRAPH <{graph}> {{ }} }}")
    assert not ask(writable_server, "ASK { <http://ex/e> ?p ?o }")  # nor in the merge


# -- bombs and deep nesting ----------------------------------------------------------------------


@pytest.mark.server
def test_an_entity_bomb_posted_to_validate_is_refused(server: Server) -> None:
    """Entity expansion in RDF/XML: under 1 KB posted anonymously to /validate takes GBs."""
    # Five levels (3 MB once expanded) are enough to tell, and stay harmless if it is expanded.
    entities = '<!ENTITY l0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 6))
    bomb = (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{entities}]>\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://e/">\n'
            '<rdf:Description rdf:about="http://e/a"><ex:p>&l5;</ex:p></rdf:Description>\n'
            "</rdf:RDF>\n").encode()
    assert len(bomb) < 1024
    status, _, body = send(server, "/validate", bomb, content_type="application/rdf+xml")
    assert status == 400 and "entity declarations are refused" in body, body[:500]


@pytest.mark.server
def test_a_deeply_nested_query_gets_400_and_the_server_lives(server: Server) -> None:
    """Deep nesting crashes: a query with thousands of nested { kills the worker (500)."""
    # Guards the nesting bound of kg/sparql/parse.py, met before pyoxigraph reads the text.
    query = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    status, _, body = send(server, "/sparql", query.encode(),
                           content_type="application/sparql-query")
    assert status == 400 and "nest" in body, body[:500]
    assert ask(server, "ASK {}")


@pytest.mark.server
def test_a_deeply_nested_update_gets_400_and_the_server_lives(writable_server: Server) -> None:
    """Deep nesting crashes: in an update's dry run the whole server dies (SIGSEGV)."""
    # Before the fix, a dry run (to find syntax errors) ran the update in the server process.
    update = "INSERT { GRAPH <http://ex/g> { ?s ?p ?o } } WHERE " + "{" * 5000 + "}" * 5000
    status, _, body = send(writable_server, "/sparql", {"update": update}, headers=AUTH)
    assert status == 400 and "nest" in body, body[:500]
    assert writable_server.process.poll() is None
    assert writable_server.health()["status"] == "ok"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "SELECT * WHERE { BIND(" + "+".join(["1"] * 20000) + " AS ?x) }",
])
def test_kg_query_refuses_deep_nesting_without_crashing(example_store: Path, tmp_path: Path,
                                                         query: str) -> None:
    """Deep nesting crashes: `kg query` exits 139."""
    store = copy_store(example_store, tmp_path / "store")
    done = kg("--store", str(store), "query", query)
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "error:" in done.stderr and "Traceback" not in done.stderr


def test_deep_json_fails_alone_in_a_folder_ingest(tmp_path: Path) -> None:
    """Deeply nested JSON: an uncaught RecursionError (a traceback; the folder stores nothing)."""
    # Guards the depth bound of kg/nesting.py on WikiTimes JSON (read by kg/parse/wikitimes.py).
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "good.json").write_bytes(WIKITIMES.read_bytes())
    record = '{"date": "2015-09-02", "description": "Something deep happens.", "entity": '
    (folder / "deep.json").write_text("[" + record + "[" * 100_000 + "]" * 100_000 + "}]",
                                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest", "-q",
                                      "--no-validate", str(folder)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "deep.json" in result.output and f"deeper than {MAX_DEPTH}" in result.output
    assert " 0 documents stored" not in result.output and "documents stored" in result.output


# -- writes from where the user did not mean them -------------------------------------------------


@pytest.mark.server
def test_a_cross_site_form_cannot_drop_everything_without_a_token(
        tokenless_server: Server) -> None:
    """With --no-update-token, any web page can POST update=DROP ALL as a simple form."""
    # A browser sends the page's Origin with a form; guards refuse_cross_site_writes (web/http.py).
    before = select(tokenless_server, COUNT)
    status, _, body = send(tokenless_server, "/sparql", {"update": "DROP ALL"},
                           headers={"Origin": "http://evil.example"})
    assert status == 403 and "another origin" in body, body
    assert select(tokenless_server, COUNT) == before


@pytest.mark.server
def test_an_upload_follows_no_symlink_in_the_temp_dir(writable_server: Server,
                                                      server_tmp: Path, tmp_path: Path) -> None:
    """/ingest writes into a predictable folder under the temp dir and follows symlinks."""
    # Where the old /ingest wrote: <tmp>/kg-uploads/<hash of the store URL>/<name>.
    store_url = str(writable_server.health()["store"])
    planted = (server_tmp / "kg-uploads" / hashlib.sha256(store_url.encode()).hexdigest()[:16]
               / "planted.md")
    planted.parent.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    planted.symlink_to(victim)
    before = sorted(server_tmp.rglob("*"))
    status, _, body = send(writable_server, "/ingest?name=planted.md", PAGE + b"\n",
                           content_type="text/plain", headers=AUTH)
    assert status == 200 and '"stored"' in body, body
    assert victim.read_text(encoding="utf-8") == "precious"
    assert sorted(server_tmp.rglob("*")) == before  # nothing written under the temp dir


@pytest.mark.server
def test_the_provenance_of_an_upload_names_it_not_a_server_path(writable_server: Server,
                                                                server_tmp: Path) -> None:
    """/ingest: provenance and messages name server paths (file: IRIs into kg-uploads)."""
    page = PAGE + b"\n\n"
    status, _, body = send(writable_server, "/ingest?name=kennebunkport.md", page,
                           content_type="text/plain", headers=AUTH)
    assert status == 200 and '"stored"' in body, body
    assert str(server_tmp) not in body and "file:" not in body
    # Found by its content, so that a graph recorded under a temporary path shows too.
    answer = select(writable_server, f"""
        PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?p ?o WHERE {{ GRAPH ?g {{
          ?g dip:contentHash "{hashlib.sha256(page).hexdigest()}" ; prov:wasGeneratedBy ?a .
          {{ ?g ?p ?o }} UNION {{ ?a ?p ?o }} }} }}""")
    assert isinstance(answer, dict)
    said = {(row["p"]["value"], row["o"]["value"]) for row in answer["results"]["bindings"]}
    assert ("https://w3id.org/diplomacy-kg/ontology#sourcePath", "kennebunkport.md") in said
    for _, term in said:
        assert not term.startswith("file:") and "kg-uploads" not in term, term
        assert str(server_tmp) not in term, term


@pytest.mark.server
def test_a_triple_term_is_refused_and_nothing_changes(writable_server: Server) -> None:
    """An update reported "failed and changed nothing" was committed (a triple term)."""
    # The triple term broke the gate after the write; guards the rollback (kg/validate/writes.py).
    before = select(writable_server, COUNT)
    update = (f"INSERT DATA {{ GRAPH <{DEFAULT_GRAPH_IRI}> {{ << <a:s> <a:p> <a:o> >> "
              "<a:q> <a:r> } }")
    status, _, body = send(writable_server, "/sparql", {"update": update}, headers=AUTH)
    assert status == 400, body
    assert select(writable_server, COUNT) == before


# -- what the server shows and keeps -------------------------------------------------------------


@pytest.mark.server
def test_passwords_of_a_remote_store_are_never_shown(remote_server: Server,
                                                     oxigraph_server: str) -> None:
    """Passwords in update=/store= URLs of a remote store show at /health and /."""
    # Guards redact_url (kg/store/endpoints.py), which hid the main URL's password only.
    for path in ("/health", "/"):
        status, _, body = remote_server.get(path)
        assert status == 200, body
        assert b"s3cret" not in body, (path, body)
        assert oxigraph_server.removeprefix("http://").encode() in body


@pytest.mark.server
def test_kg_stats_shows_no_password_of_a_remote_store(oxigraph_server: str) -> None:
    """Passwords in update=/store= URLs of a remote store show in `kg stats`."""
    result = CliRunner().invoke(cli, ["--store", remote_store_url(oxigraph_server), "stats"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    assert oxigraph_server.removeprefix("http://") in result.output


@pytest.mark.server
def test_reading_the_default_graph_obeys_the_row_cap(server: Server) -> None:
    """Graph Store GET ?default ignores --max-rows and the query timeout."""
    status, headers, body = server.get("/store?default",
                                       headers={"Accept": "application/n-triples"})
    assert status == 200
    assert body.count(b"\n") == 50  # `server` runs with --max-rows 50
    assert headers["X-Result-Truncated"] == "max-rows=50"


@pytest.mark.server
def test_the_host_header_mints_no_iri(writable_server: Server) -> None:
    """The Host header is reflected into sd:endpoint and into new graph IRIs."""
    # Guards public_url (kg/web/http.py): IRIs come from --public-url or the address served.
    status, headers, body = send(writable_server, "/store",
                                 b"<http://a> <http://b> <http://c> .",
                                 content_type="application/n-triples",
                                 headers={**AUTH, "Host": "evil.example"})
    assert status == 201, body
    assert headers["Location"].startswith(writable_server.url + "/store/graphs/")
    status, _, description = writable_server.get("/sparql", headers={"Host": "evil.example"})
    assert status == 200 and b"evil.example" not in description


@pytest.mark.server
@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%20%7B%7D", "/health", "/nope",
                                  "/id/person/vladimir-putin"])
def test_every_response_has_security_headers(server: Server, path: str) -> None:
    """No security headers (CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy)."""
    _, headers, _ = server.get(path)
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.server
def test_a_query_is_answered_with_150_slow_connections_open(server: Server) -> None:
    """About 100 slow connections (waitress's default connection_limit) stop the service."""
    host, port = server.url.removeprefix("http://").split(":")
    held: list[socket.socket] = []
    try:
        for number in range(150):
            sock = socket.create_connection((host, int(port)), timeout=5)
            if number % 2:  # half send a request that never ends, half send nothing
                sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            held.append(sock)
        started = time.monotonic()
        # Before the fix the server accepted no more connections: this timed out.
        status, _, body = server.get("/sparql?query=ASK%20%7B%7D",
                                     headers={"Accept": "application/json"}, timeout=10)
        elapsed = time.monotonic() - started
        assert status == 200 and json.loads(body)["boolean"] is True
        print(f"answered in {elapsed * 1000:.0f} ms with 150 slow connections open")
    finally:
        for sock in held:
            sock.close()


# -- the kg command -------------------------------------------------------------------------------


def test_a_failed_export_leaves_the_old_file(tmp_path: Path) -> None:
    """`kg export -o FILE` truncates FILE before the store is opened."""
    # Guards the export written to a temporary file and renamed (kg/cli/read.py).
    out = tmp_path / "graph.ttl"
    out.write_text("old content\n")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "missing"), "export",
                                      "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_export_of_an_unknown_graph_fails(example_store: Path, tmp_path: Path) -> None:
    """`kg export --graph <missing>` exits 0 with an empty file."""
    store = copy_store(example_store, tmp_path / "store")
    out = tmp_path / "out.nq"
    result = CliRunner().invoke(cli, ["--store", str(store), "export", "-f", "nquads",
                                      "--graph", "http://example.org/no-such-graph",
                                      "-o", str(out)])
    assert result.exit_code == 1 and "there is no graph" in result.output
    assert not out.exists()


@pytest.mark.parametrize("command", [
    ["query", "ASK {}"], ["export"], ["stats"], ["validate", "--all"],
])
def test_read_commands_do_not_create_a_missing_store(tmp_path: Path,
                                                     command: list[str]) -> None:
    """A mistyped --store for a read command silently creates an empty store."""
    # Guards the store opened for reading only if it exists (kg/store/oxigraph.py).
    missing = tmp_path / "kg-stroe"
    result = CliRunner().invoke(cli, ["--store", str(missing), *command])
    assert result.exit_code in (1, 2), result.output
    assert "there is no store" in result.output
    assert not missing.exists()


@pytest.mark.parametrize("query", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://ex/> SELECT * WHERE {{ OPTIONAL {{ ?s ex:p\\# ?o }} "
    "SERVICE <{url}> {{ ?x ?y ?z }} }}",
])
def test_kg_query_never_follows_service(example_store: Path, tmp_path: Path,
                                        listener: Listener, query: str) -> None:
    """`kg query` follows SERVICE although the docs say kg never uses the network."""
    # The analysis refuses it; that the process cannot connect either is test_sandbox's.
    store = copy_store(example_store, tmp_path / "store")
    done = kg("--store", str(store), "query", query.format(url=listener.url))
    assert done.returncode == 1 and "SERVICE is refused" in done.stderr
    listener.assert_untouched()
