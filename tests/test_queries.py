"""Every named query in queries/ is read, bound and run against the examples."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.queries import (
    QueryParamError,
    bind_params,
    load_queries,
    parse_named_query,
    to_term,
)
from kg.sparql.parse import parse_query
from kg.store import Store

QUERIES = load_queries()

# Parameters a user would try, and a value each answer must contain.
EXAMPLES: dict[str, tuple[dict[str, str], str]] = {
    "events_with_actor": ({"actor": "Vladimir Putin"}, "Kennebunkport"),
    "events_with_two_actors": (
        {"actor1": "George W. Bush", "actor2": "Vladimir Putin"},
        "2008-04-06",
    ),
    "event_sources": ({"event": "meet to discuss missile defense"}, "Der Spiegel"),
    "related_events": ({"event": "meet to discuss missile defense"}, "2016-09-05"),
    "article_mentions": ({"article": "missile defence plans"}, "Condoleezza Rice"),
    "events_per_actor_per_year": ({"actor": "putin"}, "2007"),
    "events_on_topic": (
        {"topic": "missile defense", "from": "2007-01-01", "to": "2007-12-31"},
        "2007-07-02",
    ),
    "actor_profile": ({"actor": "Vladimir Putin"}, "http://www.wikidata.org/entity/Q7747"),
    "post_holders": ({"post": "president of russia"}, "Vladimir Putin"),
    "documents": ({}, "000_30323f190908bd9a.txt"),
    "article_events": ({"article": "missile defence plans"}, "event 1 day after the article"),
    "evidence": ({"record": "holds talks with the President of Russia"}, "holds talks"),
    "real_events": (
        {"actor": "Vladimir Putin", "from": "2007-07-01", "to": "2007-12-31"}, "Kennebunkport"),
    # The explorer's (kg/web/explorer.py; more in tests/web/test_explorer.py).
    "actor_card": ({"actor": "Vladimir Putin"}, "http://www.wikidata.org/entity/Q7747"),
    "actor_posts": ({"actor": "Vladimir Putin"}, "President of Russia"),
    "actor_timeline": ({"actor": "Vladimir Putin"}, "2007-06"),
    "actor_network": ({"actor": "Vladimir Putin"}, "George W. Bush"),
    "busiest_actors": ({}, "United States"),
    "event_card": ({"event": "meet to discuss missile defense"}, "Consult, not specified below"),
    "event_participants": ({"event": "meet to discuss missile defense"}, "through a post"),
    "event_posts": ({"event": "meet to discuss missile defense"}, "President of Russia"),
    "event_articles": ({"event": "meet to discuss missile defense"}, "found by the linker"),
    "event_documents": ({"event": "meet to discuss missile defense"}, "2007-06-7_index.md"),
    "event_network": ({"event": "meet to discuss missile defense"}, "Kennebunkport"),
}


def test_there_are_at_least_eight_named_queries_each_with_an_example() -> None:
    assert len(QUERIES) >= 8
    assert set(QUERIES) == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_has_a_header(name: str) -> None:
    query = QUERIES[name]
    assert query.title and query.title != name
    assert query.description
    for param in query.params:
        assert param.description, f"{name}: parameter {param.name} has no description"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_answers_on_the_examples(name: str, examples_store: Store) -> None:
    params, expected = EXAMPLES[name]
    result = examples_store.query(QUERIES[name].text,
                                  bindings=bind_params(QUERIES[name], params, store=examples_store))
    values = {str(v) for row in result.rows for v in row if v is not None}
    assert result.rows, f"{name} returned nothing for {params}"
    assert any(expected in v for v in values), f"{name}: {expected!r} not in {sorted(values)[:20]}"


def test_a_date_range_excludes_events_outside_it(examples_store: Store) -> None:
    query = QUERIES["events_on_topic"]
    bindings = bind_params(query, {"topic": "talks", "from": "2008-01-01", "to": "2008-12-31"},
                           store=examples_store)
    dates = {str(row[1]) for row in examples_store.query(query.text, bindings=bindings).rows}
    assert dates and all(d.startswith("2008") for d in dates)


def test_parameters_become_terms_of_their_type() -> None:
    assert to_term("Putin") == Literal("Putin")
    assert to_term("https://w3id.org/diplomacy-kg/id/person/vladimir-putin") == URIRef(
        "https://w3id.org/diplomacy-kg/id/person/vladimir-putin"
    )
    assert to_term("2007-06-07", "date").datatype is not None
    with pytest.raises(QueryParamError):
        to_term("7 June", "date")
    with pytest.raises(QueryParamError):
        to_term("not an iri", "iri")


def test_defaults_fill_missing_parameters() -> None:
    bindings = bind_params(QUERIES["events_on_topic"], {"topic": ""})
    assert str(bindings["from"]) == "1800-01-01"
    assert "topic" not in bindings  # no words: any event


def test_a_header_with_a_bad_parameter_type_is_refused() -> None:
    with pytest.raises(ValueError, match="parameter type"):
        parse_named_query("x", "# param: when (timestamp) a time\nSELECT * {}")


def test_evidence_gives_the_words_and_their_place_in_the_stored_text(
    examples_store: Store,
) -> None:
    query = QUERIES["evidence"]
    bindings = bind_params(query, {"record": "holds talks with the President of Russia"},
                           store=examples_store)
    rows = {(str(r[2]), str(r[4]), str(r[5]).rsplit("#", 1)[-1], int(r[6]), int(r[7]))
            for r in examples_store.query(query.text, bindings=bindings).rows}
    # "U.S. President George W. Bush holds talks with the President of Russia Vladimir Putin
    # in Kennebunkport, Maine ...": the headline as stored.
    assert ("Vladimir Putin", "Vladimir Putin", "headline", 71, 85) in rows
    assert ("Engage in negotiation", "holds talks", "headline", 30, 41) in rows
    assert ("President of Russia", "President of Russia", "headline", 51, 70) in rows


def test_every_evidence_anchor_is_its_slice_of_the_stored_text(examples_store: Store) -> None:
    """SPARQL's SUBSTR counts characters as Python does: the offsets work in the store."""
    result = examples_store.query("""
        PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
        SELECT (COUNT(?e) AS ?all) (SUM(IF(?ok, 1, 0)) AS ?right) WHERE {
          ?e a dip:Evidence ; dip:evidenceIn ?r ; dip:textProperty ?p ; dip:anchorOf ?w ;
             dip:beginIndex ?b ; dip:endIndex ?end .
          BIND (EXISTS { ?r ?p ?text FILTER (SUBSTR(?text, ?b + 1, ?end - ?b) = ?w) } AS ?ok)
        }""")
    (total, right), = result.rows
    assert int(total) > 100
    assert int(right) == int(total)


def test_an_event_type_reaches_its_plover_category(examples_store: Store) -> None:
    result = examples_store.query("""
        PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?code ?plover WHERE {
          ?event dip:headline ?headline ; dip:eventType ?code .
          FILTER (CONTAINS(?headline, "holds talks with the President of Russia"))
          ?code skos:closeMatch ?plover .
        }""")
    assert [(str(code), str(plover)) for code, plover in result.rows] == [
        ("https://w3id.org/diplomacy-kg/cameo/046", "https://w3id.org/diplomacy-kg/plover/CONSULT")
    ]


def test_a_days_line_binds_each_day_of_a_range_up_to_a_year() -> None:
    """`# days: day from..to`: a range of up to a year is looked up day by day (an index lookup
    each); a longer one is left to the query's FILTER; a reversed one answers nothing."""
    query = QUERIES["real_events"]
    assert query.days == ("day", "from", "to")
    june = bind_params(query, {"from": "2007-06-01", "to": "2007-06-30"})["day"]
    assert isinstance(june, tuple) and len(june) == 30
    assert str(june[0]) == "2007-06-01" and str(june[-1]) == "2007-06-30"
    assert "day" not in bind_params(query, {"from": "2007-01-01", "to": "2009-12-31"})
    assert bind_params(query, {"from": "2007-06-30", "to": "2007-06-01"})["day"] == ()
    with pytest.raises(ValueError, match="not date parameters"):
        parse_named_query("x", "# param: a (text)\n# param: b (date)\n# days: d a..b\nSELECT * {}")


def test_real_events_tests_its_parameters_before_it_reads_each_event_s_documents() -> None:
    """Its FILTERs stood in the group of the OPTIONAL that reads each node's documents, and
    Oxigraph read them for every event of the range before it tested the filters (59 ms for
    a month of one actor's events at 100k events; 16 ms with the FILTERs in a group of their
    own, where the parameters are bound)."""
    text = QUERIES["real_events"].text
    shape = parse_query(text)
    assert shape.where_at is not None and shape.binds_at is not None
    inner = text[shape.binds_at:text.index("OPTIONAL { GRAPH ?document")]
    inner = inner[:inner.rindex("}")]  # the group's own text
    assert "FILTER NOT EXISTS" in inner and "?actor" in inner
    assert "GRAPH ?document" not in inner and shape.binds_at > shape.where_at


def test_real_events_by_the_day_are_those_of_the_whole_range_in_it(examples_store: Store) -> None:
    """The answer looked up day by day is the one the FILTER over every event gives."""
    query = QUERIES["real_events"]

    def rows(params: dict[str, str]) -> set[tuple[str, ...]]:
        bindings = bind_params(query, params, store=examples_store)
        return {tuple(str(v) for v in row)
                for row in examples_store.query(query.text, bindings=bindings).rows}

    everything = rows({})
    for start, end in (("2007-06-01", "2007-06-30"), ("2007-07-01", "2008-06-30")):
        by_day = rows({"from": start, "to": end})
        assert by_day and by_day == {r for r in everything if start <= r[1] <= end}
