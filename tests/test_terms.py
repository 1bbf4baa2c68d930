"""kg.terms: the one IRI check, terms written into SPARQL, and the one short form for people."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef

from kg.terms import TermError, compact, is_iri, sparql_iri, sparql_literal
from kg.vocab import PREFIXES, XSD

EVENT = URIRef(PREFIXES["id"] + "event/2007-06-07/bush-and-putin-meet")


@pytest.mark.parametrize("value", ["http://example.org/a", "urn:x:1", "file:///tmp/a"])
def test_absolute_iris_pass_the_check(value: str) -> None:
    assert is_iri(value)


@pytest.mark.parametrize("value", ["relative", "http://a/> } DROP ALL #", "http://a/\\u003e",
                                   'http://a/"', "http://a b", 42])
def test_what_could_carry_syntax_is_not_an_iri(value: object) -> None:
    assert not is_iri(value)
    if isinstance(value, str):
        with pytest.raises(TermError):
            sparql_iri(value)


def test_a_literal_cannot_close_its_quotes() -> None:
    assert sparql_literal(Literal('a" } DROP ALL #\n')) == '"a\\" } DROP ALL #\\n"'


def test_a_table_shows_readable_prefixed_names_and_plain_values() -> None:
    assert compact(EVENT) == "id:event/2007-06-07/bush-and-putin-meet"
    assert compact(Literal("Putin", lang="en")) == "Putin"
    assert compact(URIRef("http://example.org/x")) == "<http://example.org/x>"
    assert compact(None) == ""


def test_a_report_shows_turtle_it_can_paste() -> None:
    # "/" is not allowed unescaped in a Turtle local name: the IRI stays whole.
    assert compact(EVENT, quote_literals=True) == f"<{EVENT}>"
    assert compact(URIRef(PREFIXES["dip"] + "Event"), quote_literals=True) == "dip:Event"
    assert compact(Literal("Putin", lang="en"), quote_literals=True) == '"Putin"@en'
    dated = Literal("2007-06-07", datatype=XSD.date)
    assert compact(dated, quote_literals=True) == '"2007-06-07"^^xsd:date'
    assert compact(Literal("x" * 100), quote_literals=True, max_literal=10) == '"xxxxxxx..."'
    assert compact(BNode("b1"), quote_literals=True) == "_:b1"
