"""Attacks through HTTP itself: forged cross-site writes, Host headers, leaked credentials,
missing security headers, uncapped reads and connections that never finish."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.web.state import close_app
from tests.security.conftest import TOKEN, copy_store, make_app
from tests.web.conftest import serve

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
DROP_ALL = {"update": "DROP ALL"}


def count(app: Flask) -> object:
    """The number of quads in named graphs, read through the endpoint."""
    return app.test_client().get("/sparql", query_string={"query": COUNT}).json


@pytest.fixture
def tokenless_app(example_store: Path, tmp_path: Path) -> Iterator[Flask]:
    """Writes without a token, as `kg serve --allow-update --no-update-token` on loopback."""
    app = make_app(copy_store(example_store, tmp_path / "store"), ALLOW_UPDATE=True,
                   NO_UPDATE_TOKEN=True)
    yield app
    close_app(app)


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.127.0.0.1.nip.io:8000"},
    {"Origin": "http://127.0.0.1:9999"},  # another port is another origin
])
def test_a_cross_site_form_cannot_write_without_a_token(
        tokenless_app: Flask, headers: dict[str, str]) -> None:
    before = count(tokenless_app)
    response = tokenless_app.test_client().post(
        "/sparql", data=DROP_ALL, headers={"Host": "127.0.0.1:8000", **headers})
    assert response.status_code == 403, response.text
    assert count(tokenless_app) == before


@pytest.mark.parametrize("route", ["/store?graph=http://x/g", "/ingest?name=a.md"])
def test_cross_site_writes_are_refused_on_every_write_route(
        tokenless_app: Flask, route: str) -> None:
    response = tokenless_app.test_client().post(
        route, data=b"<http://a> <http://b> <http://c> .", content_type="text/plain",
        headers={"Origin": "http://evil.example", "Host": "127.0.0.1:8000"})
    assert response.status_code == 403


def test_dns_rebinding_cannot_write_without_a_token(tokenless_app: Flask) -> None:
    before = count(tokenless_app)
    # The attacker's name resolves to 127.0.0.1: same origin for the browser.
    response = tokenless_app.test_client().post(
        "/sparql", data=DROP_ALL,
        headers={"Host": "evil.example:8000", "Origin": "http://evil.example:8000"})
    assert response.status_code == 403
    assert count(tokenless_app) == before


def test_the_servers_own_page_can_still_write_without_a_token(tokenless_app: Flask) -> None:
    response = tokenless_app.test_client().post(
        "/sparql", data={"update": "CLEAR SILENT GRAPH <http://example.org/nothing>"},
        headers={"Host": "localhost:8000", "Origin": "http://localhost:8000",
                 "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 204, response.text


def test_a_cross_site_form_is_refused_with_a_token_too(secure_app: Flask) -> None:
    before = count(secure_app)
    response = secure_app.test_client().post(
        "/sparql", data=DROP_ALL,
        headers={"Authorization": f"Bearer {TOKEN}", "Origin": "http://evil.example"})
    assert response.status_code == 403
    assert count(secure_app) == before


def test_writes_get_no_cors_headers_and_preflight_offers_no_writes(secure_app: Flask) -> None:
    client = secure_app.test_client()
    write = client.post("/sparql", data={"update": "CLEAR SILENT GRAPH <http://x/none>"},
                        headers={"Authorization": f"Bearer {TOKEN}"})
    assert write.status_code == 204
    assert "Access-Control-Allow-Origin" not in write.headers
    preflight = client.options("/sparql", headers={"Origin": "http://other.example",
                                                   "Access-Control-Request-Method": "PUT"})
    assert "PUT" not in preflight.headers.get("Access-Control-Allow-Methods", "")
    assert "Authorization" not in preflight.headers.get("Access-Control-Allow-Headers", "")
    read = client.get("/sparql", query_string={"query": "ASK {}"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%20%7B%7D", "/health", "/nope",
                                  "/id/person/vladimir-putin"])
def test_every_response_has_security_headers(secure_app: Flask, path: str) -> None:
    response = secure_app.test_client().get(path)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_host_header_mints_no_iri(secure_app: Flask) -> None:
    client = secure_app.test_client()
    created = client.post("/store", data=b"<http://a> <http://b> <http://c> .",
                          content_type="application/n-triples",
                          headers={"Authorization": f"Bearer {TOKEN}",
                                   "Host": "evil.example"})
    assert created.status_code == 201
    assert created.headers["Location"].startswith("http://127.0.0.1:8000/store/graphs/")
    description = client.get("/sparql", headers={"Host": "evil.example"}).data
    assert b"evil.example" not in description


def test_the_public_url_names_the_server(example_store: Path, tmp_path: Path) -> None:
    app = make_app(copy_store(example_store, tmp_path / "store"),
                   PUBLIC_URL="https://kg.example.org/base/")
    try:
        text = app.test_client().get("/sparql").data.decode()
        assert "<https://kg.example.org/base/sparql>" in text
    finally:
        close_app(app)


def test_passwords_of_a_remote_store_are_never_shown(tmp_path: Path) -> None:
    url = ("http://user:s3cret-one@127.0.0.1:9/query?update=http://user:s3cret-two@127.0.0.1:9"
           "/update&store=http://user:s3cret-three@127.0.0.1:9/store&timeout=1")
    app = make_app(url, QUERY_WORKERS=0)
    try:
        client = app.test_client()
        for path in ("/health", "/"):
            body = client.get(path).data.decode()
            assert "s3cret" not in body, (path, body)
            assert "127.0.0.1:9" in body
    finally:
        close_app(app)


def test_reading_the_default_graph_obeys_the_row_cap(example_store: Path,
                                                     tmp_path: Path) -> None:
    app = make_app(copy_store(example_store, tmp_path / "store"), MAX_ROWS=25)
    try:
        response = app.test_client().get("/store?default", headers={"Accept":
                                                                   "application/n-triples"})
        assert response.status_code == 200
        assert response.data.count(b"\n") == 25
        assert response.headers["X-Result-Truncated"] == "max-rows=25"
    finally:
        close_app(app)


# -- a real server: connections that never finish must not starve the others -------------------

@pytest.mark.server
def test_a_query_is_answered_with_150_slow_connections_open(example_store: Path,
                                                            tmp_path: Path) -> None:
    store = copy_store(example_store, tmp_path / "store")
    with serve(store, log_dir=tmp_path) as server:
        host, port = server.url.removeprefix("http://").split(":")
        held: list[socket.socket] = []
        try:
            for number in range(150):
                sock = socket.create_connection((host, int(port)), timeout=5)
                if number % 2:  # half send a request that never ends, half send nothing
                    sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                held.append(sock)
            started = time.monotonic()
            url = server.url + "/sparql?query=ASK%20%7B%7D"
            request = urllib.request.Request(url, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = json.loads(response.read())
            elapsed = time.monotonic() - started
            assert answer["boolean"] is True
            print(f"answered in {elapsed * 1000:.0f} ms with 150 slow connections open")
        finally:
            for sock in held:
                sock.close()


@pytest.mark.server
def test_kg_serve_cannot_connect_once_it_listens(example_store: Path, tmp_path: Path) -> None:
    store = copy_store(example_store, tmp_path / "store")
    with serve(store, "--workers", "0", log_dir=tmp_path) as server:
        status = Path(f"/proc/{server.process.pid}/status").read_text()
        assert "Seccomp:\t2" in status  # the server process itself, beside its workers
        # And the server still answers (its listening socket predates the filter).
        assert server.health()["status"] == "ok"
