"""POST /ingest keeps uploads in memory and records them by name, never by a server path.

The defect: uploads were written to ``<tmp>/kg-uploads/<hash of the store URL>``, a folder
another local user could create first, with a symlink named like an upload that made the
server write elsewhere; and the stored provenance named that temporary file.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.conftest import EXAMPLES, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
# An example event page, one byte longer so that it is new to the example store.
PAGE = next(EXAMPLES.glob("2007-07-2_*.md")).read_bytes() + b"\n"
PAGE_HASH = hashlib.sha256(PAGE).hexdigest()
NAME = "kennebunkport.md"
SOURCE_PATH = "https://w3id.org/diplomacy-kg/ontology#sourcePath"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
# The provenance of every document graph: what is said of the graph and of its ingestion.
PROVENANCE = """
PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?hash ?s ?p ?o WHERE { GRAPH ?g {
  ?g dip:contentHash ?hash ; prov:wasGeneratedBy ?a .
  { ?g ?p ?o BIND (?g AS ?s) } UNION { ?a ?p ?o BIND (?a AS ?s) }
} }
"""

Send = Callable[[FlaskClient, str, bytes], TestResponse]


def send_body(client: FlaskClient, name: str, data: bytes) -> TestResponse:
    """Upload ``data`` as the request body, named by ``?name=``."""
    return client.post("/ingest", query_string={"name": name}, data=data,
                       content_type="text/plain", headers=AUTH)


def send_multipart(client: FlaskClient, name: str, data: bytes) -> TestResponse:
    """Upload ``data`` as a multipart file called ``name``."""
    return client.post("/ingest", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=AUTH)


SENDERS = pytest.mark.parametrize("send", [send_body, send_multipart], ids=["body", "multipart"])


@pytest.fixture
def client(writer: FlaskClient) -> FlaskClient:
    """The test client of a writable app on its own copy of the examples (tests/web)."""
    return writer


@pytest.fixture
def system_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary folder, private to this test, so that what lands there shows."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    assert tempfile.gettempdir() == str(folder)
    return folder


def old_upload_folder(client: FlaskClient, system_tmp: Path) -> Path:
    """Where the defective /ingest wrote the uploads for this app's store."""
    store_url = client.get("/health").get_json()["store"]
    return system_tmp / "kg-uploads" / hashlib.sha256(store_url.encode()).hexdigest()[:16]


def provenance(client: FlaskClient) -> dict[str, list[tuple[str, str, str]]]:
    """Content hash -> the provenance triples (as strings) of the documents with that text."""
    response = client.get("/sparql", query_string={"query": PROVENANCE},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    found: dict[str, list[tuple[str, str, str]]] = {}
    for row in response.get_json()["results"]["bindings"]:
        triple = (row["s"]["value"], row["p"]["value"], row["o"]["value"])
        found.setdefault(row["hash"]["value"], []).append(triple)
    return found


def assert_stored(response: TestResponse, name: str = NAME) -> None:
    assert response.status_code == 200, response.text
    (result,) = response.get_json()["results"]
    assert (result["file"], result["status"]) == (name, "stored"), result


def assert_recorded_by_name(client: FlaskClient, system_tmp: Path, name: str = NAME) -> None:
    """The upload's provenance names it, and no provenance names a file: or temporary path."""
    everything = provenance(client)
    (derived,) = [o for _, p, o in everything[PAGE_HASH] if p == DERIVED_FROM]
    (source_path,) = [o for _, p, o in everything[PAGE_HASH] if p == SOURCE_PATH]
    assert source_path == name
    assert derived.endswith(quote(name, safe="")) and not derived.startswith("file:"), derived
    for term in (term for triple in everything[PAGE_HASH] for term in triple):
        assert not term.startswith("file:"), term
    for term in (term for triples in everything.values() for t in triples for term in t):
        assert "kg-uploads" not in term and str(system_tmp) not in term, term


@SENDERS
def test_an_upload_writes_nothing_under_the_temp_dir(
    client: FlaskClient, system_tmp: Path, send: Send
) -> None:
    assert_stored(send(client, NAME, PAGE))
    assert not (system_tmp / "kg-uploads").exists()
    assert not any(system_tmp.iterdir()), list(system_tmp.iterdir())


@SENDERS
def test_a_symlink_planted_at_the_old_upload_path_is_not_followed(
    client: FlaskClient, system_tmp: Path, tmp_path: Path, send: Send
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    planted = old_upload_folder(client, system_tmp) / NAME
    planted.parent.mkdir(parents=True)
    planted.symlink_to(victim)
    assert_stored(send(client, NAME, PAGE))
    assert victim.read_text(encoding="utf-8") == "precious"
    assert planted.is_symlink() and planted.resolve() == victim  # left alone, too


@SENDERS
def test_the_provenance_names_the_upload_not_a_server_path(
    client: FlaskClient, system_tmp: Path, send: Send
) -> None:
    assert_stored(send(client, NAME, PAGE))
    assert_recorded_by_name(client, system_tmp)


@pytest.mark.parametrize(("send", "sent", "shown"), [
    (send_body, "../../etc/kennebunkport\x1b[31m.md", "kennebunkport[31m.md"),
    # (A backslash in a multipart file name is a quoted-string escape: "/" is what splits.)
    (send_multipart, "/home/me/kennebunk\u202eport\x7f.md", "kennebunkport.md"),
    (send_body, "..", "document.txt"),
], ids=["body-path-and-escape", "multipart-path-and-bidi", "body-dot-dot"])
def test_an_upload_name_loses_its_directory_and_control_characters(
    client: FlaskClient, system_tmp: Path, send: Send, sent: str, shown: str
) -> None:
    assert_stored(send(client, sent, PAGE), shown)
    assert_recorded_by_name(client, system_tmp, shown)


def test_the_same_upload_twice_is_stored_once(client: FlaskClient, system_tmp: Path) -> None:
    assert_stored(send_body(client, NAME, PAGE))
    again = send_multipart(client, "again.md", PAGE)
    assert again.status_code == 200, again.text
    report = again.get_json()
    assert [r["status"] for r in report["results"]] == ["unchanged"]
    assert report["triples_added"] == 0
    graphs = {s for s, p, _ in provenance(client)[PAGE_HASH] if p == SOURCE_PATH}
    assert len(graphs) == 1
    assert_recorded_by_name(client, system_tmp)  # the first upload's name stays
