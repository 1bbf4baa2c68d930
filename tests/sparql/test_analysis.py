"""Reading SPARQL texts before they run: forms, SERVICE, and what an update writes."""

from __future__ import annotations

import logging

import pytest

from kg.sparql.analysis import is_update, plan_update, query_form, with_using
from kg.sparql.parse import parse_query


def uses_service(text: str) -> bool:
    return bool(parse_query(text).services)


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX a: <http://x#> # SELECT in a comment\nASK { ?s ?p 'SELECT' }", "ASK"),
    ("construct where { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/>", "DESCRIBE"),
    ("CLEAR ALL", None),
])
def test_query_form(text: str, form: str | None) -> None:
    assert query_form(text) == form


def test_service_is_found_only_as_a_keyword() -> None:
    assert uses_service("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    assert uses_service("select * { service silent <http://x/> { } }")
    assert not uses_service("SELECT ?service { ?service ?p 'SERVICE' } # SERVICE")
    assert not uses_service("SELECT * { <http://x/SERVICE> ?p ?o }")


def test_is_update() -> None:
    assert is_update("CLEAR ALL")
    assert is_update("PREFIX ex: <http://ex/> INSERT DATA { GRAPH ex:g { ex:a ex:b ex:c } }")
    assert not is_update("SELECT * {}")


def test_named_targets_with_prefixes_and_base() -> None:
    plan = plan_update("PREFIX ex: <http://ex/>\nINSERT DATA { GRAPH ex:g { ex:a ex:b ex:c } "
                       "GRAPH <rel> { <a> <b> <c> } }", base_iri="http://base/sparql")
    assert plan.targets == {"http://ex/g", "http://base/rel"}
    assert plan.static and not plan.deletes and not plan.default_writes


def test_with_clause_names_the_template_graph() -> None:
    plan = plan_update("WITH <http://w> DELETE { ?s <http://p> ?o } INSERT { ?s <http://q> ?o }"
                       " WHERE { ?s <http://p> ?o }")
    assert plan.targets == {"http://w"} and plan.deletes and plan.dataset_clauses


def test_graph_variables_make_the_targets_unknown() -> None:
    plan = plan_update("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert plan.targets is None and not plan.static


def test_reading_through_a_graph_variable_is_not_static() -> None:
    plan = plan_update("INSERT { GRAPH <http://t> { ?s a <http://X> } } "
                       "WHERE { GRAPH ?g { ?s a <http://Y> } }")
    assert plan.targets == {"http://t"} and plan.reads_graph_variables and not plan.static


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "INSERT { ?s <http://q> ?o } WHERE { ?s <http://p> ?o }",
    "CLEAR DEFAULT",
    "COPY <http://a> TO DEFAULT",
    "LOAD <http://example.org/data.ttl>",
])
def test_default_graph_writes_are_found(text: str) -> None:
    assert plan_update(text).default_writes


def test_graph_management() -> None:
    assert plan_update("CLEAR ALL").whole_store
    assert plan_update("DROP SILENT NAMED").whole_store
    moved = plan_update("MOVE GRAPH <http://a> TO <http://b>")
    assert moved.targets == {"http://a", "http://b"} and moved.deletes
    assert plan_update("LOAD <http://x> INTO GRAPH <http://g>").loads
    assert plan_update("INSERT { GRAPH <http://g> { ?s ?p ?o } } WHERE "
                       "{ SERVICE <http://x> { ?s ?p ?o } }").services


def test_with_using_adds_clauses_before_where() -> None:
    text = ("DELETE WHERE { GRAPH <http://g> { ?s ?p ?o } };\n"
            "INSERT { GRAPH <http://t> { ?s a <http://X> } } WHERE { ?s a <http://Y> }")
    rewritten = with_using(text, plan_update(text), ["http://u"], ["http://n"])
    assert rewritten == (
        "DELETE  { GRAPH <http://g> { ?s ?p ?o } } USING <http://u> USING NAMED <http://n> "
        "WHERE { GRAPH <http://g> { ?s ?p ?o } };\n"
        "INSERT { GRAPH <http://t> { ?s a <http://X> } } USING <http://u> USING NAMED "
        "<http://n> WHERE { ?s a <http://Y> }"
    )
    assert with_using(text, plan_update(text), [], []) == text


@pytest.mark.parametrize("literal", ['"\\\\"', '"a\\\\b"', "'\\\\'", '"""\\\\"""', '"\\\\u0041"',
                                     '"\\t\\n\\r\\b\\f\\"\\\'"', '"\\u00e9"'])
def test_every_escape_of_a_string_is_read(literal: str) -> None:
    assert query_form(f"SELECT ?x WHERE {{ BIND ({literal} AS ?x) }}") == "SELECT"


@pytest.mark.parametrize("literal", ['"\\q"', '"\\\\\\"', '"\\u0022"', "'\\u0027'"])
def test_bad_or_ascii_escapes_are_refused(literal: str) -> None:
    assert query_form(f"SELECT ?x WHERE {{ BIND ({literal} AS ?x) }}") is None


def test_the_grammar_has_no_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    import lark
    from lark import logger

    from kg.sparql.grammar import grammar

    with caplog.at_level(logging.DEBUG, logger=logger.name):
        lark.Lark(grammar(), parser="lalr", lexer="contextual", debug=True,
                  start=["start_query", "start_update"])
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]


# Every built-in call of the specification ([121]), with arguments of the right number: the
# lexer took the first name that matched, so STRSTARTS, STRENDS, LANGMATCHES, STRDT, STRLANG,
# STRBEFORE, STRAFTER and STRUUID were cut short (STR, LANG) and valid queries got a 400.
_CALLS = (
    "STR(?s)", "LANG(?o)", "LANGMATCHES(LANG(?o), 'en')", "DATATYPE(?o)", "BOUND(?o)",
    "IRI('x:y')", "URI('x:y')", "BNODE()", "BNODE('b')", "RAND()", "ABS(1)", "CEIL(1)",
    "FLOOR(1)", "ROUND(1)", "CONCAT('a', 'b')", "STRLEN('a')", "UCASE('a')", "LCASE('a')",
    "ENCODE_FOR_URI('a')", "CONTAINS('ab', 'a')", "STRSTARTS(STR(?s), 'a')",
    "STRENDS(STR(?s), 'a')", "STRBEFORE('ab', 'b')", "STRAFTER('ab', 'a')", "YEAR(NOW())",
    "MONTH(NOW())", "DAY(NOW())", "HOURS(NOW())", "MINUTES(NOW())", "SECONDS(NOW())",
    "TIMEZONE(NOW())", "TZ(NOW())", "NOW()", "UUID()", "STRUUID()", "MD5('a')", "SHA1('a')",
    "SHA256('a')", "SHA384('a')", "SHA512('a')", "COALESCE(?o, 1)", "IF(true, 1, 2)",
    "STRLANG('a', 'en')", "STRDT('1', <http://www.w3.org/2001/XMLSchema#integer>)",
    "SAMETERM(?s, ?o)", "ISIRI(?s)", "ISURI(?s)", "ISBLANK(?s)", "ISLITERAL(?o)",
    "ISNUMERIC(?o)", "REGEX('a', 'a')", "SUBSTR('abc', 2)", "REPLACE('a', 'a', 'b')",
    "strstarts(str(?s), 'a')",
)


@pytest.mark.parametrize("call", _CALLS)
def test_every_builtin_call_of_the_specification_parses(call: str) -> None:
    parse_query(f"SELECT * WHERE {{ ?s ?p ?o BIND({call} AS ?x) }}")


@pytest.mark.parametrize("aggregate", ["COUNT(*)", "SUM(?o)", "MIN(?o)", "MAX(?o)",
                                       "AVG(?o)", "SAMPLE(?o)", "GROUP_CONCAT(?o)"])
def test_every_aggregate_parses(aggregate: str) -> None:
    parse_query(f"SELECT ({aggregate} AS ?x) WHERE {{ ?s ?p ?o }}")


def test_a_function_name_is_a_whole_word() -> None:
    """``STRX(...)`` is no built-in: the lexer must not read it as STR then X."""
    with pytest.raises(ValueError):
        parse_query("SELECT * WHERE { ?s ?p ?o FILTER(STRX(?s)) }")


def test_minus_after_a_filter_is_not_min() -> None:
    """``FILTER (…) MINUS {`` was read as the aggregate MIN then ``US``."""
    parse_query("SELECT * WHERE { ?s ?p ?o FILTER (?o != 1) MINUS { ?s a ?t } }")
