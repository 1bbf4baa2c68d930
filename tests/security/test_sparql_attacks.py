"""Attacks on the endpoint through SPARQL and the routes that take an IRI.

Every attack points at a listener on 127.0.0.1 (an internal service an attacker would like
the server to call); every test asserts that the request was refused with a 4xx and that
nobody connected to the listener. Two defects of issue 10 (a graph hidden from the gate, a
failed update that was committed) are tested on a real server in tests/issues/test_issue_10.py.
"""

from __future__ import annotations

import urllib.parse

import pytest
from flask import Flask

from tests.security.conftest import TOKEN, Listener

AUTH = {"Authorization": f"Bearer {TOKEN}"}

# SERVICE hidden as the old tokenizer could not see it: escapes in prefixed names, comments,
# strings, case, and nested in FILTER, EXISTS, OPTIONAL, subqueries and solution modifiers.
SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://ex/> SELECT * WHERE {{ OPTIONAL {{ ?s ex:p\\# ?o }} "
    "SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "PREFIX ex: <http://ex/> SELECT * WHERE {{ OPTIONAL {{ ?s ex:p\\' ?o }} "
    "SERVICE <{url}> {{ ?x ?y ?z }} }} #'",
    "PREFIX ex: <http://ex/> SELECT * WHERE {{ ?s ex:a\\#b ?o . SERVICE <{url}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p \"\\\"\" . SERVICE <{url}> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ ?s ?p '''x''' SERVICE <{url}> {{ }} }}",
    "SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ FILTER (NOT EXISTS {{ SERVICE <{url}> {{ }} }}) }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (EXISTS {{ SERVICE <{url}> {{ }} }})",
    "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE <{url}> {{ }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERV\\u0049CE <{url}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p \"\\u0022 }} SERVICE <{url}> {{ }} #\" }}",
]

SERVICE_UPDATES = [
    "INSERT {{ GRAPH <http://g> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://ex/> DELETE {{ GRAPH ex:g\\# {{ ?s ?p ?o }} }} "
    "WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "LOAD <{url}> INTO GRAPH <http://g>",
    "load silent <{url}>",
    "INSERT DATA {{ GRAPH <http://g> {{ <a:b> <a:c> \"x\" }} }} ; LOAD <{url}> INTO GRAPH <http://g>",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_service_in_a_query_is_refused(secure_app: Flask, listener: Listener, template: str,
                                       how: str) -> None:
    client = secure_app.test_client()
    query = template.format(url=listener.url)
    if how == "get":
        response = client.get("/sparql", query_string={"query": query})
    elif how == "form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post("/sparql", data=query.encode(),
                               content_type="application/sparql-query")
    assert response.status_code == 400, response.text
    assert b"INTERNAL-SECRET" not in response.data
    listener.assert_untouched()


@pytest.mark.parametrize("template", SERVICE_QUERIES[:6])
def test_service_is_refused_when_queries_run_in_the_server(
        inline_app: Flask, listener: Listener, template: str) -> None:
    response = inline_app.test_client().get(
        "/sparql", query_string={"query": template.format(url=listener.url)})
    assert response.status_code == 400, response.text
    listener.assert_untouched()


@pytest.mark.parametrize("template", SERVICE_UPDATES)
@pytest.mark.parametrize("token", [True, False])
def test_service_and_load_in_an_update_are_refused(
        secure_app: Flask, listener: Listener, template: str, token: bool) -> None:
    client = secure_app.test_client()
    response = client.post("/sparql", data={"update": template.format(url=listener.url)},
                           headers=AUTH if token else {})
    assert response.status_code in ((400,) if token else (401,)), response.text
    listener.assert_untouched()


@pytest.mark.parametrize("rest", [
    # Closes the IRI and the template, then asks the listener; "#" hides the rest of the line.
    "x> ?p ?o } WHERE { SERVICE <{url}> { ?p ?o ?x } } #",
    "x> ?p ?v } BIND (\"out\" AS ?dir) } } UNION { SERVICE <{url}> { ?v ?p ?g } } } #",
    "person/x> ?p ?o } WHERE { ?s ?p ?o } #",
    'a"b',
    "a{b}",
    "a\\u003Eb",
])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_an_iri_in_the_path_cannot_carry_sparql(secure_app: Flask, listener: Listener,
                                                rest: str, accept: str) -> None:
    path = "/id/" + urllib.parse.quote(rest.replace("{url}", listener.url), safe="/")
    response = secure_app.test_client().get(path, headers={"Accept": accept})
    assert response.status_code in (400, 404), response.text
    assert b"INTERNAL-SECRET" not in response.data
    listener.assert_untouched()


@pytest.mark.parametrize("iri", [
    "http://x/> ?p ?o } WHERE { SERVICE <{url}> { ?a ?b ?c } } #",
    "http://x/a b",
    "relative/iri",
    "http://x/\\u003E",
])
def test_resource_takes_only_an_iri(secure_app: Flask, listener: Listener, iri: str) -> None:
    response = secure_app.test_client().get(
        "/resource", query_string={"iri": iri.replace("{url}", listener.url)},
        headers={"Accept": "text/turtle"})
    assert response.status_code == 400
    listener.assert_untouched()


def test_a_good_page_still_answers(secure_app: Flask) -> None:
    response = secure_app.test_client().get("/id/person/vladimir-putin",
                                            headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and b"Vladimir Putin" in response.data


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_take_only_iris(secure_app: Flask, param: str) -> None:
    response = secure_app.test_client().get("/sparql", query_string={
        "query": "ASK {}", param: "http://x/> } SERVICE <http://127.0.0.1:9/> {"})
    assert response.status_code == 400


@pytest.mark.parametrize("named", ["events_with_actor"])
def test_named_query_parameters_are_bound_not_pasted(
        secure_app: Flask, listener: Listener, named: str) -> None:
    value = f'x" . }} SERVICE <{listener.url}> {{ ?a ?b ?c }} #'
    response = secure_app.test_client().get(f"/queries/{named}", query_string={"actor": value})
    assert response.status_code == 200
    assert b"INTERNAL-SECRET" not in response.data
    listener.assert_untouched()


# -- writes the gate and the merge must see ----------------------------------------------------

@pytest.mark.parametrize("update", [
    # The default graph written through escapes the old tokenizer did not read.
    "PREFIX ex: <http://ex/> INSERT DATA { ex:a\\# ex:b ex:c }",
    "PREFIX ex: <http://ex/> INSERT DATA { GRAPH <http://g> { ex:a ex:b ex:c } "
    "ex:p\\' ex:q ex:r }",
    "INSERT DATA { <http://a> <http://b> \"}\" } ; "
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "WITH <http://w> INSERT { ?s ?p ?o } WHERE { ?s ?p ?o } ; INSERT DATA { <a:a> <a:b> <a:c> }",
])
def test_writes_to_the_default_graph_are_found_behind_escapes(
        secure_app: Flask, update: str) -> None:
    response = secure_app.test_client().post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 400, response.text
    assert "default graph" in response.text


# -- nesting and size ----------------------------------------------------------------------------

DEEP = [
    "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE { BIND(" + "+".join(["1"] * 20000) + " AS ?x) }",
    "SELECT * WHERE { " + " UNION ".join(["{}"] * 20000) + " }",
    "SELECT * WHERE { ?s " + "/".join(["<http://p>"] * 20000) + " ?o }",
    "SELECT * WHERE { " + " ".join(["OPTIONAL { ?a ?b ?c }"] * 20000) + " }",
    "SELECT * WHERE { ?s ?p " + "[ <http://p> " * 5000 + "1" + " ]" * 5000 + " }",
]


@pytest.mark.parametrize("query", DEEP, ids=lambda q: q[:40])
def test_deep_queries_get_400_and_the_server_lives(inline_app: Flask, query: str) -> None:
    client = inline_app.test_client()
    response = client.post("/sparql", data=query.encode(),
                           content_type="application/sparql-query")
    assert response.status_code == 400
    assert "nest" in response.text or "operators" in response.text
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize("update", [
    "INSERT DATA { GRAPH <http://g> { <a:a> <a:b> " + "(" * 5000 + "1" + ")" * 5000 + " } }",
    "INSERT { GRAPH <http://g> { ?s ?p ?o } } WHERE " + "{" * 5000 + "}" * 5000,
    "CLEAR ALL ; INSERT { GRAPH <http://g> { ?s ?p ?o } } WHERE " + "{" * 3000 + "}" * 3000,
])
def test_deep_updates_get_400_before_any_dry_run(inline_app: Flask, update: str) -> None:
    client = inline_app.test_client()
    response = client.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 400
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_an_oversized_query_is_refused(secure_app: Flask) -> None:
    query = "SELECT * WHERE { VALUES ?x { " + "1 " * 600_000 + "} }"
    response = secure_app.test_client().post("/sparql", data=query.encode(),
                                             content_type="application/sparql-query")
    assert response.status_code == 400 and "longer than" in response.text
