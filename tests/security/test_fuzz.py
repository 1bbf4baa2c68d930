"""Property-based attacks: random SPARQL-ish text never reaches the listener, never a 5xx.

Texts are built from the pieces attackers combine (SERVICE, escapes in prefixed names,
quotes, comments, braces, Unicode escapes) around a SERVICE call to the listener. Whatever
the analysis accepts is then run by pyoxigraph itself, unsandboxed: if the analysis and
pyoxigraph ever read a text differently, the listener sees the connection.
"""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.sparql.analysis import SparqlRefused, plan_update, read_query
from kg.sparql.parse import SparqlSyntaxError
from tests.security.conftest import TOKEN, Listener

PIECES = [
    "SELECT * WHERE {", "}", "{", "SERVICE", "service", "SeRvIcE", "SILENT", " <URL> ",
    "<http://ex/p>", r"ex:p\#", r"ex:p\'", r"ex:a\#b", "ex:", "\\", "#", "\n", " ", "'", '"',
    "'''", '"""', r"\"", r"\u0053", r"\u0022", r"\U00000053", "?s", "?p", "?o", "$x", ".",
    ";", "(", ")", "[", "]", "FILTER", "EXISTS", "NOT", "OPTIONAL", "UNION", "GRAPH",
    "SELECT", "ASK", "CONSTRUCT", "WHERE", "LOAD", "INSERT", "DATA", "DELETE", "INTO",
    "PREFIX ex: <http://ex/>", "BASE <http://b/>", "VALUES ?s { 1 }", "BIND(1 AS ?x)",
    "a", "<", ">", "&&", "||", "=", "1", '"x"@en', "^^", "_:b",
]
PREFIX = "PREFIX ex: <http://ex/>\n"
CALL = ["SERVICE <URL> { ?a ?b ?c }", "service silent <URL> {}", "SeRvIcE<URL>{?a ?b ?c}",
        "SERVICE #c\n <URL> { }", "SERVICE\t<URL>\n{ ?a ?b ?c }"]
# Group elements that are valid SPARQL, several with SERVICE where it is only text.
ELEMENTS = [
    r"?s ex:p\# ?o .", r"?s ex:p\' ?o .", r"?s ex:a\#b ?o .", r"?s ex:p\. ?o .",
    r'?s ?p "\"" .', "?s ?p '#' .", '?s ?p "}" .', "?s ?p '''a'b''' .", '?s ?p """a"b""" .',
    r'?s ?p "\u00e9" .', '?s ?p "SERVICE <URL> {}" .', "?s ?p 'x # SERVICE <URL> {}' .",
    "# SERVICE <URL> { }\n", "#\\\n", 'FILTER (?o != "SERVICE <URL> {}")',
    'FILTER (CONTAINS(STR(?o), "#"))', "OPTIONAL { ?s <http://ex/q#x> ?o }",
    "{ ?s ?p ?o } UNION { ?s ?p 'x' }", "BIND (<URL> AS ?u)", "VALUES ?v { <URL> 'x' }",
    "FILTER EXISTS { ?s ?p ?o }", "MINUS { ?s ?p 1 }", "GRAPH ?g { ?s ?p ?o }",
    "?s <http://ex/p>/<http://ex/q>* ?o .", "[ ex:p 1 ] ex:q ( 1 2 ) .",
]
elements = st.lists(st.sampled_from(ELEMENTS) | st.sampled_from(CALL), min_size=1, max_size=6)
separators = st.sampled_from([" ", "\n", " # c\n", "\t"])
grammatical = st.tuples(elements, separators).map(
    lambda parts: PREFIX + "SELECT * WHERE {" + parts[1] + parts[1].join(parts[0]) + " }")
pieces = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), min_size=1, max_size=40)
# A valid SERVICE call to the listener hidden somewhere inside noise.
hidden = st.tuples(pieces, pieces).map(
    lambda parts: "".join(parts[0]) + " SERVICE <URL> { ?a ?b ?c } " + "".join(parts[1]))
noise = st.one_of(pieces.map("".join), hidden)
texts = st.one_of(grammatical, noise)

FUZZ = settings(max_examples=400, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(text=st.one_of(grammatical, noise))
def test_no_accepted_query_reaches_the_listener(listener: Listener, text: str) -> None:
    _query_leaves_the_listener_alone(listener, text)


@FUZZ
@given(text=grammatical)
def test_no_accepted_grammatical_query_reaches_the_listener(listener: Listener,
                                                            text: str) -> None:
    _query_leaves_the_listener_alone(listener, text)


def _query_leaves_the_listener_alone(listener: Listener, text: str) -> None:
    query = text.replace("URL", listener.url)
    try:
        read_query(query)
    except (SparqlSyntaxError, SparqlRefused):
        return
    with contextlib.suppress(SyntaxError, OSError, RuntimeError, ValueError, TypeError):
        answer = ox.Store().query(query)
        if isinstance(answer, ox.QuerySolutions | ox.QueryTriples):
            list(answer)
    listener.assert_untouched()


@FUZZ
@given(text=texts)
def test_no_accepted_update_reaches_the_listener(listener: Listener, text: str) -> None:
    update = text.replace("URL", listener.url)
    try:
        plan = plan_update(update)
    except SparqlSyntaxError:
        return
    if plan.services or plan.loads:
        return  # refused by the endpoint and by kg.validate.writes
    with contextlib.suppress(SyntaxError, OSError, RuntimeError, ValueError):
        ox.Store().update(update)
    listener.assert_untouched()


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=texts, as_update=st.booleans())
@pytest.mark.parametrize("engine", ["inline"])
def test_the_endpoint_never_answers_5xx(inline_app: Flask, listener: Listener, text: str,
                                        as_update: bool, engine: str) -> None:
    client = inline_app.test_client()
    body = text.replace("URL", listener.url)
    field = "update" if as_update else "query"
    response = client.post("/sparql", data={field: body},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (body, response.text)
    listener.assert_untouched()


# -- the term writer: any value is one term, or refused ------------------------------------

@settings(max_examples=400, deadline=None, derandomize=True)
@given(value=st.text(max_size=30) | st.sampled_from(
    ["> } SERVICE <URL> { ?a ?b ?c } #", '" } SERVICE <URL> {} #', "\\u0022", "\\\\u0022",
     "'''", '"""', "\n} #", "a\\", "\\", "x>y", "http://x/a b"]),
       language=st.none() | st.sampled_from(["en", "en-GB", "x y", "en\"", ""]),
       datatype=st.none() | st.sampled_from(["http://www.w3.org/2001/XMLSchema#string",
                                             "http://x/> } SERVICE <URL> {} #"]))
def test_a_literal_is_one_term_with_its_value(value: str, language: str | None,
                                               datatype: str | None) -> None:
    from rdflib import Literal, URIRef

    from kg.terms import TermError, sparql_literal

    try:  # rdflib itself refuses some language tags
        term = Literal(value, lang=language or None,
                       datatype=None if language or datatype is None else URIRef(datatype))
    except ValueError:
        return
    try:
        text = sparql_literal(term)
    except TermError:
        return
    query = f"SELECT ?x WHERE {{ BIND ({text} AS ?x) }}"
    assert not read_query(query).services
    try:
        (row,) = list(ox.Store().query(query))  # type: ignore[arg-type]
    except SyntaxError:
        return  # pyoxigraph is stricter (a language tag, a datatype IRI): refused, not misread
    assert row["x"].value == value


@settings(max_examples=400, deadline=None, derandomize=True)
@given(value=st.text(max_size=30).map(lambda s: "http://x/" + s) | st.text(max_size=30))
def test_an_iri_is_one_term_or_refused(value: str) -> None:
    from kg.terms import TermError, is_iri, sparql_iri

    try:
        text = sparql_iri(value)
    except TermError:
        assert not is_iri(value)
        return
    query = f"SELECT ?x WHERE {{ BIND ({text} AS ?x) }}"
    assert not read_query(query).services
    try:
        (row,) = list(ox.Store().query(query))  # type: ignore[arg-type]
    except SyntaxError:
        return  # not an IRI by RFC 3987 though writable: refused by the store, not misread
    assert row["x"].value == value
