"""The endpoint as clients meet it: ``kg serve`` (waitress) on loopback, real clients."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from tests.web.conftest import TOKEN, Server, copy_store, serve

pytestmark = pytest.mark.server

PUTIN = "https://w3id.org/diplomacy-kg/id/person/vladimir-putin"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def request(server: Server, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request: status, headers, body."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def write_server(example_store: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Server]:
    """``kg serve`` taking writes with a token, a short timeout and a small body limit."""
    folder = tmp_path_factory.mktemp("write-server")
    store = copy_store(example_store, folder / "store")
    with serve(store, "--allow-update", "--update-token", TOKEN, "--query-timeout", "2",
               "--workers", "2", log_dir=folder) as running:
        yield running


# -- real clients


def test_sparqlwrapper_json_xml_csv(server: Server) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(f'SELECT ?label WHERE {{ <{PUTIN}> <{LABEL}> ?label }}')
    client.setReturnFormat(JSON)
    data = client.query().convert()
    assert data["results"]["bindings"][0]["label"]["value"] == "Vladimir Putin"  # type: ignore[index, call-overload]
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert "Vladimir Putin" in document.toxml()  # type: ignore[union-attr]
    client.setReturnFormat(CSV)
    text = client.query().convert()
    assert text.decode().splitlines() == ["label", "Vladimir Putin"]  # type: ignore[union-attr]


def test_sparqlwrapper_construct_to_turtle(server: Server) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(f"CONSTRUCT WHERE {{ <{PUTIN}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    body = client.query().convert()
    graph = Graph().parse(data=body, format="turtle")  # type: ignore[arg-type]
    assert (URIRef(PUTIN), URIRef(LABEL), Literal("Vladimir Putin")) in graph


def test_sparqlwrapper_post(server: Server) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setMethod("POST")
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True  # type: ignore[index, call-overload]


def test_rdflib_sparqlstore(server: Server) -> None:
    graph = Graph(store=SPARQLStore(f"{server.url}/sparql"))
    labels = list(graph.objects(URIRef(PUTIN), URIRef(LABEL)))
    assert labels == [Literal("Vladimir Putin")]
    result = graph.query(f"SELECT ?o WHERE {{ <{PUTIN}> <{LABEL}> ?o }}")
    assert [str(row[0]) for row in result] == ["Vladimir Putin"]  # type: ignore[index]
    asked = graph.query(f"ASK {{ <{PUTIN}> ?p ?o }}")
    assert asked.askAnswer is True


# -- errors, as raw HTTP


def test_every_error_status(server: Server, write_server: Server) -> None:
    cases = [
        (server, "GET", "/sparql?query=SELECT%20*%20%7B", None, {}, 400),
        (server, "POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"},
         403),
        (write_server, "POST", "/sparql", b"CLEAR ALL",
         {"Content-Type": "application/sparql-update"}, 401),
        (server, "GET", "/queries/no-such-query", None, {}, 404),
        (server, "PUT", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query"}, 405),
        (server, "GET", "/sparql?query=ASK%7B%7D&format=docx", None, {}, 406),
        (server, "GET", "/sparql?query=ASK%7B%7D", None, {"Accept": "image/png"}, 406),
        (server, "POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415),
        (write_server, "PUT", "/store?graph=http://example.org/bad",
         b"@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> . "
         b"<http://example.org/e> a dip:Event .",
         {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}, 422),
    ]
    for target, method, path, body, headers, expected in cases:
        status, _, text = request(target, method, path, body, headers)
        assert status == expected, (method, path, status, text)
        assert text.strip(), f"{status} without a message"


def test_timeout_kills_the_worker_and_the_next_request_is_answered(write_server: Server
                                                                   ) -> None:
    before = write_server.health()
    workers = set(before["workers"])  # type: ignore[arg-type]
    status, headers, body = request(write_server, "POST", "/sparql", CARTESIAN.encode(),
                                    {"Content-Type": "application/sparql-query"})
    assert status == 503, body
    assert b"did not finish within 2 s" in body
    assert "Retry-After" in headers
    status, _, body = request(write_server, "GET", "/sparql?query=ASK%7B%7D")
    assert status == 200
    after = write_server.health()
    assert after["killed_workers"] == before["killed_workers"] + 1  # type: ignore[operator]
    gone = workers - set(after["workers"])  # type: ignore[arg-type]
    assert len(gone) == 1
    (pid,) = gone
    assert not Path(f"/proc/{pid}").exists(), "the killed worker still exists"
    deadline = time.monotonic() + 30
    while len(write_server.health()["workers"]) < 2:  # type: ignore[arg-type]
        assert time.monotonic() < deadline, "no worker replaced the killed one"
        time.sleep(0.2)


def test_service_contacts_nothing(server: Server) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(1.0)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        status, _, body = request(server, "POST", "/sparql", query.encode(),
                                  {"Content-Type": "application/sparql-query"})
        assert status == 400 and b"SERVICE" in body
        lower = query.replace("SERVICE", "service")
        status, _, _ = request(server, "GET", "/sparql?" + urllib.parse.urlencode(
            {"query": lower}))
        assert status == 400
        with pytest.raises(TimeoutError):
            listener.accept()


def test_a_50_mb_upload_is_refused_with_413(write_server: Server) -> None:
    parts = urllib.parse.urlsplit(write_server.url)
    size = 50 * 1024 * 1024
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(
            f"POST /store?graph=http://example.org/big HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: text/turtle\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Length: {size}\r\n\r\n".encode())
        chunk = b"#" * (1024 * 1024)
        try:
            for _ in range(50):
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the end: as it should
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_readers_never_see_half_a_document(write_server: Server) -> None:
    per_document, documents = 200, 12
    predicate = "urn:kg-test:p"
    stop = threading.Event()
    seen: list[int] = []
    errors: list[str] = []

    def write() -> None:
        for d in range(documents):
            lines = "\n".join(f'<urn:kg-test:s{d}-{i}> <{predicate}> "{i}" .'
                              for i in range(per_document))
            status, _, body = request(
                write_server, "PUT", f"/store?graph=urn:kg-test:doc{d}", lines.encode(),
                {"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"})
            if status not in (201, 204):
                errors.append(f"write {d}: {status} {body[:200]!r}")
        stop.set()

    def read() -> None:
        query = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }} "
                 "GROUP BY ?g")
        merged = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?o }}"
        while not stop.is_set():
            for text in (query, merged):
                # A 503 says "busy, try again" (a loaded machine): what is tested here is
                # that no answer shows half a document, so the reader does as told.
                for _ in range(10):
                    status, headers, body = request(
                        write_server, "POST", "/sparql", text.encode(),
                        {"Content-Type": "application/sparql-query"})
                    if status != 503:
                        break
                    time.sleep(min(float(headers.get("Retry-After", "1")), 2.0))
                if status != 200:
                    errors.append(f"read: {status} {body[:200]!r}")
                    return
                for row in json.loads(body)["results"]["bindings"]:
                    seen.append(int(row["n"]["value"]))

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read)
                                                  for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert seen, "no reader was answered while the writer wrote"
    assert all(n % per_document == 0 for n in seen), sorted(set(seen))


def test_gzip_and_cors_over_http(server: Server) -> None:
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 40"})
    status, headers, body = request(server, "GET", f"/sparql?{query}",
                                    headers={"Accept-Encoding": "gzip",
                                             "Origin": "https://example.org"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip" and body[:2] == b"\x1f\x8b"
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_row_cap_over_http(server: Server) -> None:
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    status, headers, body = request(server, "GET", f"/sparql?{query}")
    assert status == 200
    assert headers["X-Result-Truncated"] == "max-rows=50"
    assert len(json.loads(body)["results"]["bindings"]) == 50


def test_json_access_log(server: Server) -> None:
    request(server, "GET", "/health?probe=access-log")
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in server.log.read_text().splitlines() if line.startswith("{")]
        entries = [json.loads(line) for line in lines]
        probe = [e for e in entries if e["query"] == "probe=access-log"]
        if probe or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert probe, lines[-5:]
    entry = probe[0]
    assert entry["method"] == "GET" and entry["path"] == "/health" and entry["status"] == 200
    assert entry["bytes"] > 0 and entry["ms"] >= 0 and entry["remote"] == "127.0.0.1"
