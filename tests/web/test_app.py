"""The endpoint through Flask's test client: protocol details, formats, errors, writes."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from kg.iri import DEFAULT_GRAPH_IRI, INFERRED_STATE_GRAPH, LINKS_STATE_GRAPH
from kg.jsonld import inline_context
from kg.terms import sparql_iri
from kg.web import SETTINGS, create_app
from kg.web.state import close_app
from tests.web.conftest import ROOT, TOKEN, make_app

PUTIN = "https://w3id.org/diplomacy-kg/id/person/vladimir-putin"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: COUNT but the records of the derived data, which a client's write marks stale (issue 12).
DOCUMENTS_COUNT = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . MINUS { VALUES ?state { "
                   f"{sparql_iri(INFERRED_STATE_GRAPH)} {sparql_iri(LINKS_STATE_GRAPH)} }} "
                   "GRAPH ?state { ?s ?p ?o } } }")
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EX = "http://example.org/"


def rows(response: object) -> list[dict[str, dict[str, str]]]:
    data = json.loads(response.data)  # type: ignore[attr-defined]
    return list(data["results"]["bindings"])


def count(client: FlaskClient, query: str = DOCUMENTS_COUNT) -> int:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.text
    return int(rows(response)[0]["n"]["value"])


# -- settings


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The SPARQL endpoint", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in SETTINGS if f"| `KG_{name}` |" not in section]
    assert not missing, f"settings missing from the README's settings table: {missing}"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("KG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KG_MAX_ROWS", "7")
    monkeypatch.setenv("KG_UPDATE_TOKEN", "12345")
    monkeypatch.setenv("KG_ALLOW_UPDATE", "true")
    monkeypatch.setenv("KG_QUERY_WORKERS", "0")
    monkeypatch.setenv("KG_ACCESS_LOG", "")
    app = create_app()
    try:
        assert app.config["MAX_ROWS"] == 7
        assert app.config["UPDATE_TOKEN"] == "12345"  # a string, though it looks like JSON
        assert app.config["ALLOW_UPDATE"] is True
        assert app.config["STORE"] == str(tmp_path / "store")
    finally:
        close_app(app)


def test_tokenless_updates_are_refused_off_loopback(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not a loopback"):
        make_app(tmp_path / "s", ALLOW_UPDATE=True, NO_UPDATE_TOKEN=True, HOST="0.0.0.0")


# -- queries and formats


def test_query_by_get_post_form_and_post_direct(client: FlaskClient) -> None:
    query = f"ASK {{ <{PUTIN}> ?p ?o }}"
    by_get = client.get("/sparql", query_string={"query": query})
    by_form = client.post("/sparql", data={"query": query})
    direct = client.post("/sparql", data=query, content_type="application/sparql-query")
    for response in (by_get, by_form, direct):
        assert response.status_code == 200, response.text
        assert response.mimetype == "application/sparql-results+json"
        assert json.loads(response.data)["boolean"] is True


@pytest.mark.parametrize(("accept", "mimetype"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_formats_by_accept(client: FlaskClient, accept: str, mimetype: str) -> None:
    response = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("fmt", "mimetype"), [
    ("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
    ("json-ld", "application/ld+json"), ("rdf-xml", "application/rdf+xml"),
    ("trig", "application/trig"), ("nquads", "application/n-quads"),
    ("text/turtle", "text/turtle"),
])
# rdflib 7.6 warns about its own ConjunctiveGraph use when it parses quad formats.
@pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning:rdflib")
def test_construct_formats_by_parameter(client: FlaskClient, fmt: str, mimetype: str) -> None:
    query = f"CONSTRUCT WHERE {{ <{PUTIN}> ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200, response.text
    assert response.mimetype == mimetype
    data = response.data
    if mimetype == "application/ld+json":  # it names the served context: put inline, offline
        document = json.loads(data)
        data = json.dumps(inline_context(document, document["@context"])).encode("utf-8")
    graph = Graph().parse(data=data, format={
        "text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
        "application/rdf+xml": "xml", "application/trig": "trig",
        "application/n-quads": "nquads"}[mimetype])
    assert (URIRef(PUTIN), None, None) in graph


def test_unknown_and_impossible_formats_are_406(client: FlaskClient) -> None:
    unknown = client.get("/sparql", query_string={"query": COUNT, "format": "pdf"})
    assert unknown.status_code == 406 and "unknown format" in unknown.text
    impossible = client.get("/sparql", query_string={"query": COUNT},
                            headers={"Accept": "text/turtle"})
    assert impossible.status_code == 406 and "available" in impossible.text
    csv_graph = client.get("/sparql", query_string={
        "query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"})
    assert csv_graph.status_code == 406


def test_protocol_errors(client: FlaskClient) -> None:
    syntax = client.get("/sparql", query_string={"query": "SELECT * WHERE {"})
    assert syntax.status_code == 400 and "syntax error" in syntax.text
    media = client.post("/sparql", data="ASK {}", content_type="text/plain")
    assert media.status_code == 415
    missing = client.post("/sparql", data="ASK {}")
    assert missing.status_code == 415
    utf16 = client.post("/sparql", data="ASK {}".encode("utf-16"),
                        content_type="application/sparql-query; charset=UTF-16")
    assert utf16.status_code == 415
    get_update = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    assert get_update.status_code == 400 and "GET" in get_update.text
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400
    put = client.put("/sparql", data="ASK {}")
    assert put.status_code == 405 and "POST" in put.headers["Allow"]
    update_as_query = client.get("/sparql", query_string={"query": "CLEAR ALL"})
    assert update_as_query.status_code == 400


def test_dataset_parameters_are_applied(client: FlaskClient) -> None:
    documents = client.get("/sparql", query_string={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    graph = sorted(r["g"]["value"] for r in rows(documents))[0]
    everything = count(client, COUNT)
    one = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": graph})
    assert 0 < int(rows(one)[0]["n"]["value"]) < everything
    nothing = client.get("/sparql", query_string={
        "query": COUNT, "default-graph-uri": "http://example.org/no-such-graph"})
    assert rows(nothing)[0]["n"]["value"] == "0"
    rdflib_default = client.get("/sparql", query_string={
        "query": COUNT, "default-graph-uri": "urn:x-rdflib:default"})
    assert int(rows(rdflib_default)[0]["n"]["value"]) == everything
    named = client.get("/sparql", query_string={
        "query": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": graph})
    assert rows(named)[0]["n"]["value"] == "1"


def test_service_is_refused(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 400 and "SERVICE" in response.text


def test_service_description(client: FlaskClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = list(graph.objects(None, URIRef(sd + "endpoint")))
    # The address it listens on (PUBLIC_URL unset), never the client's Host header.
    assert endpoints == [URIRef("http://127.0.0.1:8000/sparql")]
    languages = set(graph.objects(None, URIRef(sd + "supportedLanguage")))
    assert URIRef(sd + "SPARQL11Query") in languages
    assert URIRef(sd + "SPARQL11Update") not in languages  # updates are off
    as_xml = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert as_xml.mimetype == "application/rdf+xml"
    browser = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["Location"] == "/"


def test_row_cap_is_reported(example_store: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(example_store, tmp_path / "store")
    app = make_app(tmp_path / "store", MAX_ROWS=5)
    try:
        client = app.test_client()
        query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
        response = client.get("/sparql", query_string={"query": query})
        assert len(rows(response)) == 5
        assert response.headers["X-Result-Truncated"] == "max-rows=5"
        assert response.headers["X-Result-Rows"] == "5"
        graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }",
                                                    "format": "ntriples"})
        assert len(graph.data.splitlines()) == 5
        assert graph.headers["X-Result-Truncated"] == "max-rows=5"
        small = client.get("/sparql", query_string={"query": query + " LIMIT 3"})
        assert "X-Result-Truncated" not in small.headers
    finally:
        close_app(app)


def test_cors_and_preflight(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT},
                          headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Result-Truncated" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_gzip_for_large_answers(client: FlaskClient) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 500"
    zipped = client.get("/sparql", query_string={"query": query},
                        headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(rows_of(gzip.decompress(zipped.data))) == 500
    plain = client.get("/sparql", query_string={"query": query})
    assert "Content-Encoding" not in plain.headers
    tiny = client.get("/sparql", query_string={"query": "ASK {}"},
                      headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in tiny.headers


def rows_of(data: bytes) -> list[object]:
    return list(json.loads(data)["results"]["bindings"])


# -- named queries


def test_named_queries_are_listed(client: FlaskClient) -> None:
    data = client.get("/queries").get_json()
    names = {q["name"] for q in data["queries"]}
    assert {"events_with_actor", "documents", "post_holders"} <= names
    actor = next(q for q in data["queries"] if q["name"] == "events_with_actor")
    assert actor["params"][0]["name"] == "actor"
    assert actor["url"] == "/queries/events_with_actor"


def test_named_query_runs_with_parameters(client: FlaskClient) -> None:
    response = client.get("/queries/events_with_actor", query_string={"actor": "Vladimir Putin"})
    assert response.status_code == 200, response.text
    assert rows(response)
    as_csv = client.get("/queries/events_with_actor",
                        query_string={"actor": "Vladimir Putin", "format": "csv"})
    assert as_csv.mimetype == "text/csv"


def test_named_query_parameter_cannot_carry_sparql(client: FlaskClient) -> None:
    before = count(client)
    attack = '" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    response = client.get("/queries/events_with_actor", query_string={"actor": attack})
    assert response.status_code == 200, response.text
    assert rows(response) == []
    iri_attack = client.get("/queries/events_with_actor",
                            query_string={"actor": "http://x> } ; DROP ALL #"})
    assert iri_attack.status_code in (200, 400)
    assert count(client) == before


def test_named_query_errors(client: FlaskClient) -> None:
    assert client.get("/queries/nope").status_code == 404
    missing = client.get("/queries/events_with_actor")
    assert missing.status_code == 400 and "actor" in missing.text
    unknown = client.get("/queries/documents", query_string={"evil": "1"})
    assert unknown.status_code == 400


# -- pages


def test_index_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "events_with_actor" in response.text
    assert "http://" not in re.sub(r"https?://[^\"'<> ]*w3id\.org[^\"'<> ]*|https?://www\.w3\.org[^\"'<> ]*|http://localhost[^\"'<> ]*", "", response.text.split("<script type=\"application/json\"")[0])  # noqa: E501


def test_linked_data_page(client: FlaskClient) -> None:
    html = client.get("/id/person/vladimir-putin", headers={"Accept": "text/html"})
    assert html.status_code == 200, html.text
    assert "Vladimir Putin" in html.text
    assert "dip:Person" in html.text
    assert 'href="/id/' in html.text
    turtle = client.get("/id/person/vladimir-putin", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (URIRef(PUTIN), None, Literal("Vladimir Putin")) in graph
    jsonld = client.get("/id/person/vladimir-putin", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    assert client.get("/id/person/nobody-at-all").status_code == 404
    other = client.get("/resource", query_string={"iri": "https://w3id.org/diplomacy-kg/ontology#Person"})
    assert other.status_code == 200


def test_health(client: FlaskClient) -> None:
    data = client.get("/health").get_json()
    assert data["status"] == "ok" and data["triples"] > 1000
    assert data["engine"] == "process" and len(data["workers"]) == 1


def test_export_streams_a_download(client: FlaskClient) -> None:
    response = client.get("/export", query_string={"format": "nquads"})
    assert response.status_code == 200
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.data.decode().splitlines()
    assert len(lines) > 1000 and all(line.endswith(".") for line in lines)
    turtle = client.get("/export", query_string={"format": "turtle"})
    assert (URIRef(PUTIN), None, None) in Graph().parse(data=turtle.data, format="turtle")
    assert client.get("/export", query_string={"format": "docx"}).status_code == 406
    assert client.get("/export", query_string={"graph": "http://nope"}).status_code == 404


def test_validate_reports(client: FlaskClient) -> None:
    bad = f"""@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> .
<{EX}event/1> a dip:Event ."""
    response = client.post("/validate", data=bad, content_type="text/turtle")
    assert response.status_code == 200
    report = response.get_json()
    assert report["conforms"] is False and report["counts"]["violation"] > 0
    as_turtle = client.post("/validate", data=bad, content_type="text/turtle",
                            headers={"Accept": "text/turtle"})
    assert "ValidationReport" in as_turtle.text
    assert client.post("/validate", data=bad, content_type="text/plain").status_code == 415


def test_validate_refuses_remote_contexts_and_entities(client: FlaskClient) -> None:
    remote = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld",
                         "@id": f"{EX}a", "name": "x"})
    response = client.post("/validate", data=remote, content_type="application/ld+json")
    assert response.status_code == 400 and "not fetched" in response.text
    xxe = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
    response = client.post("/validate", data=xxe, content_type="application/rdf+xml")
    assert response.status_code == 400 and "entities" in response.text


# -- writes


def test_updates_are_off_by_default(client: FlaskClient) -> None:
    response = client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update")
    assert response.status_code == 403


def test_updates_need_the_token(writer: FlaskClient) -> None:
    update = f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}b> <{EX}c> }} }}"
    none = writer.post("/sparql", data=update, content_type="application/sparql-update")
    assert none.status_code == 401 and "Bearer" in none.headers["WWW-Authenticate"]
    wrong = writer.post("/sparql", data=update, content_type="application/sparql-update",
                        headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = writer.post("/sparql", data=update, content_type="application/sparql-update",
                        headers=AUTH)
    assert right.status_code == 204, right.text


def test_update_keeps_the_default_graph_the_merge(writer: FlaskClient) -> None:
    before = count(writer)
    fact = f"<{EX}a> <{EX}b> <{EX}c>"
    ask = f"ASK {{ {fact} }}"

    def update(text: str) -> None:
        response = writer.post("/sparql", data=text, content_type="application/sparql-update",
                               headers=AUTH)
        assert response.status_code == 204, response.text

    update(f"INSERT DATA {{ GRAPH <{EX}g1> {{ {fact} }} GRAPH <{EX}g2> {{ {fact} }} }}")
    assert count(writer) == before + 1  # one fact, held by two graphs, merged once
    update(f"DELETE DATA {{ GRAPH <{EX}g1> {{ {fact} }} }}")
    assert json.loads(writer.get("/sparql", query_string={"query": ask}).data)["boolean"]
    update(f"PREFIX ex: <{EX}> DELETE WHERE {{ GRAPH ex:g2 {{ ?s ?p ?o }} }}")
    assert not json.loads(writer.get("/sparql", query_string={"query": ask}).data)["boolean"]
    assert count(writer) == before
    update(f"INSERT DATA {{ GRAPH <{EX}g3> {{ {fact} }} }}")
    assert count(writer) == before + 1
    update(f"MOVE GRAPH <{EX}g3> TO GRAPH <{EX}g4>")
    assert count(writer) == before + 1
    update(f"CLEAR GRAPH <{EX}g4>")
    assert count(writer) == before


def test_update_through_a_graph_variable_rebuilds(writable_app: Flask) -> None:
    writable_app.config["SHACL_GATE"] = False
    writer = writable_app.test_client()
    before = count(writer)
    fact = f"<{EX}a> <{EX}b> <{EX}c>"
    for text in (f"INSERT DATA {{ GRAPH <{EX}g1> {{ {fact} }} }}",
                 f"DELETE WHERE {{ GRAPH ?g {{ ?s <{EX}b> ?o }} }}"):
        response = writer.post("/sparql", data={"update": text}, headers=AUTH)
        assert response.status_code == 204, response.text
    assert count(writer) == before


def test_update_into_the_default_graph_is_refused(writer: FlaskClient) -> None:
    response = writer.post("/sparql", data=f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }}",
                           content_type="application/sparql-update", headers=AUTH)
    assert response.status_code == 400 and "named graph" in response.text


def test_update_is_atomic(writer: FlaskClient) -> None:
    before = count(writer)
    text = (f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}b> <{EX}c> }} }} ;\n"
            f"CREATE GRAPH <{EX}g>")  # fails: the graph exists by now
    response = writer.post("/sparql", data=text, content_type="application/sparql-update",
                           headers=AUTH)
    assert response.status_code == 400, response.text
    assert "changed nothing" in response.text
    assert count(writer) == before
    assert count(writer, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         f"FILTER (?g = <{EX}g>) }}") == 0


def test_update_load_and_service_are_refused(writer: FlaskClient) -> None:
    for text in (f"LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <{EX}g>",
                 f"INSERT {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }} WHERE "
                 "{ SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"):
        response = writer.post("/sparql", data=text, content_type="application/sparql-update",
                               headers=AUTH)
        assert response.status_code == 400
        assert "refused" in response.text


def test_shacl_gate_on_updates(writable_app: Flask) -> None:
    writer = writable_app.test_client()
    before = count(writer)
    bad = (f"PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
           f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}event/1> a dip:Event }} }}")
    response = writer.post("/sparql", data=bad, content_type="application/sparql-update",
                           headers={**AUTH, "Accept": "application/json"})
    assert response.status_code == 422, response.text
    assert response.get_json()["results"]
    assert count(writer) == before  # undone
    graph_var = writer.post("/sparql", content_type="application/sparql-update", headers=AUTH,
                            data="DELETE WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graph_var.status_code == 400 and "gate" in graph_var.text
    writable_app.config["SHACL_GATE"] = False
    response = writer.post("/sparql", data=bad, content_type="application/sparql-update",
                           headers=AUTH)
    assert response.status_code == 204
    assert count(writer) == before + 1


def test_graph_store_round_trip(writer: FlaskClient) -> None:
    turtle = f"<{EX}s> <{EX}p> \"one\" ."
    url = f"/store?graph={EX}gsp"
    assert writer.put(url, data=turtle, content_type="text/turtle").status_code == 401
    created = writer.put(url, data=turtle, content_type="text/turtle", headers=AUTH)
    assert created.status_code == 201
    replaced = writer.put(url, data=turtle, content_type="text/turtle", headers=AUTH)
    assert replaced.status_code == 204
    added = writer.post(url, data=f"<{EX}s> <{EX}p> \"two\" .", content_type="text/turtle",
                        headers=AUTH)
    assert added.status_code == 204
    got = writer.get(url, headers={"Accept": "application/n-triples"})
    assert len(got.data.splitlines()) == 2
    assert count(writer, f'ASK {{ <{EX}s> <{EX}p> "two" }}'.replace("ASK", "SELECT (COUNT(*) AS ?n) WHERE")) == 1  # noqa: E501
    assert writer.delete(url, headers=AUTH).status_code == 204
    assert writer.get(url).status_code == 404
    assert writer.delete(url, headers=AUTH).status_code == 404
    bad_type = writer.put(url, data="x", content_type="application/pdf", headers=AUTH)
    assert bad_type.status_code == 415
    bad_syntax = writer.put(url, data="<a> <b", content_type="text/turtle", headers=AUTH)
    assert bad_syntax.status_code == 400


def test_graph_store_default_graph(writer: FlaskClient) -> None:
    turtle = f"<{EX}s> <{EX}p> <{EX}o> ."
    response = writer.put("/store?default", data=turtle, content_type="text/turtle",
                          headers=AUTH)
    assert response.status_code in (201, 204)
    graph = Graph().parse(data=writer.get("/store?default").data, format="turtle")
    assert (URIRef(f"{EX}s"), URIRef(f"{EX}p"), URIRef(f"{EX}o")) in graph
    own = writer.get("/store", query_string={"graph": DEFAULT_GRAPH_IRI})
    assert len(Graph().parse(data=own.data, format="turtle")) == 1


def test_graph_store_gate(writer: FlaskClient) -> None:
    bad = f"@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> . <{EX}e> a dip:Event ."
    response = writer.put(f"/store?graph={EX}bad", data=bad, content_type="text/turtle",
                          headers=AUTH)
    assert response.status_code == 422
    assert writer.get(f"/store?graph={EX}bad").status_code == 404


def test_ingest_answers_the_report(writer: FlaskClient) -> None:
    page = (ROOT / "examples" / "000_30323f190908bd9a.txt").read_bytes()
    unchanged = writer.post("/ingest?name=000.txt", data=page, headers=AUTH,
                            content_type="text/plain")
    assert unchanged.status_code == 200, unchanged.text
    report = unchanged.get_json()
    assert report["results"][0]["status"] in ("stored", "unchanged")
    assert writer.post("/ingest", data=page, content_type="text/plain").status_code == 401
    broken = writer.post("/ingest?name=x.txt", data=b"\xff\xfe not text", headers=AUTH,
                         content_type="text/plain")
    assert broken.status_code == 422
    assert broken.get_json()["failed"] == 1


def test_body_limit(example_store: Path, tmp_path: Path) -> None:
    app = make_app(tmp_path / "store", MAX_BODY=1000)
    try:
        response = app.test_client().post("/sparql", data="ASK {}" + " " * 2000,
                                          content_type="application/sparql-query")
        assert response.status_code == 413 and "1000 bytes" in response.text
    finally:
        close_app(app)


def test_memory_store_is_served_from_a_temporary_folder() -> None:
    app = make_app("memory:")
    try:
        state = app.extensions["kg"]
        folder = state._temporary
        assert folder is not None and folder.exists()
        assert count(app.test_client()) == 0
    finally:
        close_app(app)
    assert not folder.exists()


def test_gate_on_an_update_that_clears_everything(writer: FlaskClient) -> None:
    before = count(writer)
    bad = (f"PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\nDROP ALL ;\n"
           f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}event/1> a dip:Event }} }}")
    response = writer.post("/sparql", data=bad, content_type="application/sparql-update",
                           headers=AUTH)
    assert response.status_code == 422, response.text
    assert count(writer) == before  # nothing was dropped
    insert = f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}b> 1 }} }}"
    named = writer.post("/sparql", content_type="application/sparql-update", headers=AUTH,
                        data=f"CLEAR NAMED ; {insert}")
    assert named.status_code == 400
    fine = writer.post("/sparql", content_type="application/sparql-update", headers=AUTH,
                       data=f"DROP ALL ; {insert}")
    assert fine.status_code == 204, fine.text
    assert count(writer) == 1
