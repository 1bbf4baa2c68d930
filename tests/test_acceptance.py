"""The questions of issue 3, asked in SPARQL over the contract terms, on the examples."""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from kg.sources import recorded_path
from kg.store import Store

PREFIXES = """
PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
BUSH_PUTIN = "meet to discuss missile defense"


def rows(store: Any, query: str, **bindings: Any) -> list[tuple[Any, ...]]:
    result = store.query(PREFIXES + query, bindings=bindings or None)
    return [tuple(row) for row in result.rows]


def the_event(store: Store) -> URIRef:
    found = rows(
        store,
        """
        SELECT ?e WHERE { ?e a dip:Event ; dip:date "2007-06-07"^^xsd:date ; rdfs:label ?l .
                          FILTER CONTAINS(?l, "meet to discuss missile defense") }""",
    )
    assert len(found) == 1, found
    return found[0][0]


def test_the_2007_06_07_event_has_bush_and_putin_with_wikidata(examples_store: Store) -> None:
    event = the_event(examples_store)
    found = rows(
        examples_store,
        """
        SELECT ?name ?wd WHERE { ?e dip:participant ?p . ?p a dip:Person ; rdfs:label ?name .
                                 OPTIONAL { ?p owl:sameAs ?wd } }""",
        e=event,
    )
    people = dict((str(n), str(w)) for n, w in found)
    assert people["George W. Bush"] == "http://www.wikidata.org/entity/Q207"
    assert people["Vladimir Putin"] == "http://www.wikidata.org/entity/Q7747"


def test_the_2007_06_07_event_has_five_articles_from_three_publishers(
    examples_store: Store,
) -> None:
    event = the_event(examples_store)
    found = rows(
        examples_store,
        """
        SELECT ?article ?publisher WHERE { ?e dip:reportedBy ?article .
            ?article a dip:Article ; dip:url ?url .
            OPTIONAL { ?article dip:publisher/rdfs:label ?publisher } }""",
        e=event,
    )
    assert len({a for a, _ in found}) == 5
    publishers = {str(p) for _, p in found if p is not None}
    assert len(publishers) >= 3
    assert {"The Guardian", "Indymedia", "Der Spiegel"} <= publishers


def test_the_guardian_agency_articles_name_their_agency(examples_store: Store) -> None:
    found = rows(
        examples_store,
        """
        SELECT ?agency WHERE { ?a dip:url ?u ; dip:publisher/rdfs:label "The Guardian" ;
                                  dip:agency/rdfs:label ?agency }""",
    )
    assert {str(a) for (a,) in found} == {"Associated Press", "Press Association"}


def test_the_spiegel_link_is_unwrapped_from_google_translate(examples_store: Store) -> None:
    found = rows(
        examples_store,
        """
        SELECT ?u WHERE { ?a dip:publisher/rdfs:label "Der Spiegel" ; dip:url ?u }""",
    )
    assert [str(u) for (u,) in found] == [
        "http://www.spiegel.de/politik/deutschland/0,1518,487262,00.html"
    ]


def test_the_2007_06_07_event_has_five_related_events_with_dates(examples_store: Store) -> None:
    event = the_event(examples_store)
    found = rows(
        examples_store,
        """
        SELECT DISTINCT ?r ?date WHERE { ?e dip:relatedTo ?r . ?r a dip:Event ; dip:date ?date }""",
        e=event,
    )
    assert sorted(str(d) for _, d in found) == [
        "2007-07-02",
        "2007-09-07",
        "2008-04-06",
        "2012-06-18",
        "2016-09-05",
    ]


def test_the_2016_09_05_related_event_involves_obama_and_putin(examples_store: Store) -> None:
    found = rows(
        examples_store,
        """
        SELECT ?name WHERE {
            ?e dip:date "2016-09-05"^^xsd:date ; dip:participant/rdfs:label ?name }""",
    )
    names = {str(n) for (n,) in found}
    assert {"Barack Obama", "Vladimir Putin"} <= names


def article_mentions(store: Store, title: str) -> set[str]:
    found = rows(
        store,
        """
        SELECT ?name WHERE { ?a dip:title ?t ; dip:mentions/rdfs:label ?name }""",
        t=Literal(title),
    )
    return {str(n) for (n,) in found}


def test_the_global_research_article(examples_store: Store) -> None:
    found = rows(
        examples_store,
        """
        SELECT ?date WHERE { ?a dip:title "Putin, Bush to debate missile defence plans" ;
                                dip:published ?date }""",
    )
    assert [str(d) for (d,) in found] == ["2008-04-05"]
    mentioned = article_mentions(examples_store, "Putin, Bush to debate missile defence plans")
    assert {"Condoleezza Rice", "Dmitry Medvedev", "NATO"} <= mentioned


def test_the_al_jazeera_article_mentions_nothing_from_its_teasers(examples_store: Store) -> None:
    mentioned = article_mentions(examples_store, "Putin offers Bush new missile plan")
    assert "Vladimir Putin" in mentioned
    assert not {"Israel", "India", "Yemen"} & mentioned


def test_one_node_per_actor_across_documents(examples_store: Store) -> None:
    found = rows(
        examples_store,
        """
        SELECT DISTINCT ?p WHERE { ?p owl:sameAs <http://www.wikidata.org/entity/Q7747> }""",
    )
    assert len(found) == 1


def test_every_fact_is_traceable_to_its_document(examples_store: Store) -> None:
    event = the_event(examples_store)
    found = rows(
        examples_store,
        """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?file WHERE {
            GRAPH ?g { ?e dip:reportedBy ?a . ?g prov:wasDerivedFrom ?file } }""",
        e=event,
    )
    # Recorded by the path within the folder ingested (issue 15), whatever the IRI's form.
    files = {recorded_path(str(f)).rsplit("/", 1)[-1] for (f,) in found}
    assert files & {
        "000_30323f190908bd9a.txt",
        "2007-06-7_president-of-the-united-states-george-w-bush-and-president-of-russia-"
        "vladimir-putin-meet-to-discuss-missile-defense.NEWER-FORMAT.md",
    }
