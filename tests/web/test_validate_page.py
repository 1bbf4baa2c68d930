"""The validation page: the same report as ``kg validate``, shapes linked to /ontology, nothing
fetched that the input names, and a size limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from kg.cli import cli
from kg.web.ontology_doc import ontology_doc
from kg.web.validate_page import MAX_DOCUMENT
from tests.listener import Recorder

ROOT = Path(__file__).resolve().parents[2]
EVENT_PAGE = ROOT / "examples" / (
    "2008-04-13_trevor-immelman-of-south-africa-wins-the-2008-masters-tournament.md")
ARTICLE = ROOT / "examples" / "002_1bdb0463f316e372.txt"
INVALID = sorted((ROOT / "tests" / "shapes" / "invalid").glob("*.ttl"))


def _cli_report(path: Path) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["--store", "memory:", "validate", str(path),
                                      "--report", "json"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert isinstance(report, dict)
    return report


def _without_files(report: dict[str, object]) -> dict[str, object]:
    results = [{k: v for k, v in r.items() if k != "file"} for r in report["results"]]  # type: ignore[attr-defined]
    return {**report, "files": None, "results": results}


def test_the_page_offers_every_format(client: FlaskClient) -> None:
    response = client.get("/validate")
    assert response.status_code == 200 and response.mimetype == "text/html"
    for value in ("rdf:turtle", "rdf:json-ld", "rdf:rdf-xml", "doc:event-page", "doc:article"):
        assert f'value="{value}"' in response.text
    assert 'src="/static/validate.js"' in response.text


@pytest.mark.parametrize("path", [EVENT_PAGE, ARTICLE], ids=lambda p: p.name)
def test_a_document_gets_the_report_kg_validate_gives(client: FlaskClient, path: Path) -> None:
    response = client.post("/validate/document", query_string={"name": path.name},
                           data=path.read_bytes(), content_type="text/plain")
    assert response.status_code == 200, response.text
    web = response.get_json()
    assert web["files"] == [path.name]
    assert _without_files(web) == _without_files(_cli_report(path))
    assert web["results"], "the examples give warnings: the comparison compares something"


def test_rdf_posted_to_validate_gets_the_report_kg_validate_gives(client: FlaskClient) -> None:
    path = ROOT / "tests" / "shapes" / "invalid" / "actor-without-label.ttl"
    response = client.post("/validate", data=path.read_bytes(), content_type="text/turtle",
                           headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert _without_files(response.get_json()) == _without_files(_cli_report(path))


def test_every_shape_a_report_names_has_its_documentation(client: FlaskClient) -> None:
    anchors = set(ontology_doc().anchors())
    named = set()
    for path in INVALID:
        response = client.post("/validate", data=path.read_bytes(), content_type="text/turtle",
                               headers={"Accept": "application/json"})
        assert response.status_code == 200, (path.name, response.text)
        named |= {r["shape"] for r in response.get_json()["results"]}
    assert len(named) > 10
    assert not named - anchors, f"the page would link to missing anchors: {named - anchors}"


def test_a_named_format_is_used_and_an_unknown_one_refused(client: FlaskClient) -> None:
    text = EVENT_PAGE.read_bytes()
    forced = client.post("/validate/document?format=event-page&name=pasted-document", data=text)
    assert forced.status_code == 200 and forced.get_json()["results"]
    bad = client.post("/validate/document?format=yaml", data=text)
    assert bad.status_code == 400 and "event-page" in bad.text


def test_an_unreadable_document_is_a_400_without_the_servers_paths(client: FlaskClient) -> None:
    response = client.post("/validate/document?name=../../etc/empty.md", data=b"   ")
    assert response.status_code == 400
    assert "empty.md" in response.text and "kg-validate-" not in response.text


def test_a_document_over_the_limit_is_refused(client: FlaskClient) -> None:
    response = client.post("/validate/document", data=b"x" * (MAX_DOCUMENT + 1))
    assert response.status_code == 413


def test_nothing_the_input_names_is_fetched(client: FlaskClient, recorder: Recorder) -> None:
    remote = json.dumps({"@context": recorder.url + "/context.jsonld",
                         "@id": "https://w3id.org/diplomacy-kg/id/state/x", "name": "X"})
    response = client.post("/validate", data=remote, content_type="application/ld+json")
    assert response.status_code == 400
    imports = (f"<https://w3id.org/diplomacy-kg/id/x> "
               f"<http://www.w3.org/2002/07/owl#imports> <{recorder.url}/shapes.ttl> .")
    response = client.post("/validate", data=imports, content_type="text/turtle")
    assert response.status_code == 400
    article = f"Title: Talks\nURL: {recorder.url}/article\n\nTwo envoys meet in Geneva.\n"
    client.post("/validate/document?format=article", data=article)
    assert recorder.requests == []
