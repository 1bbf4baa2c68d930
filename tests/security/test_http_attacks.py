"""Attacks through HTTP itself: forged cross-site writes (with their variants), CORS, the
public URL, and a server that cannot connect out.

The defects of issue 10 met over HTTP (leaked credentials, missing security headers, the Host
header, uncapped reads, slow connections) are tested on a real server in
tests/issues/test_issue_10.py.
"""

from __future__ import annotations

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


def test_the_public_url_names_the_server(example_store: Path, tmp_path: Path) -> None:
    app = make_app(copy_store(example_store, tmp_path / "store"),
                   PUBLIC_URL="https://kg.example.org/base/")
    try:
        text = app.test_client().get("/sparql").data.decode()
        assert "<https://kg.example.org/base/sparql>" in text
    finally:
        close_app(app)


# -- a real server ----------------------------------------------------------------------------

@pytest.mark.server
def test_kg_serve_cannot_connect_once_it_listens(example_store: Path, tmp_path: Path) -> None:
    store = copy_store(example_store, tmp_path / "store")
    with serve(store, "--workers", "0", log_dir=tmp_path) as server:
        status = Path(f"/proc/{server.process.pid}/status").read_text()
        assert "Seccomp:\t2" in status  # the server process itself, beside its workers
        # And the server still answers (its listening socket predates the filter).
        assert server.health()["status"] == "ok"
