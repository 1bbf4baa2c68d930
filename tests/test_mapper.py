"""Golden mapping cases: ``tests/golden/map/<case>/input.*`` gives ``expected.ttl``.

Regenerate (then review each diff by hand) with ``KG_REGEN_GOLDEN=1 pytest tests/test_mapper.py``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg import iri
from kg.extract.gazetteer import load_gazetteer
from kg.mapper import map_document
from kg.model import (
    Actor,
    ActorKind,
    Document,
    Event,
    EventRef,
    Evidence,
    Mentions,
    Post,
    Span,
)
from kg.pipeline import prepare_document
from kg.provenance import document_key, provenance_triples
from kg.vocab import DIP, PREFIXES, PROV, RDF

CASES = sorted(p for p in (Path(__file__).parent / "golden" / "map").iterdir() if p.is_dir())


def mapped(case: Path) -> Graph:
    source = next(case.glob("input.*"))
    doc = prepare_document(
        source.read_text(encoding="utf-8"), source.name, gazetteer=load_gazetteer()
    )
    graph = map_document(doc)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_mapping(case: Path) -> None:
    graph = mapped(case)
    expected_file = case / "expected.ttl"
    if os.environ.get("KG_REGEN_GOLDEN"):
        expected_file.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    expected = Graph().parse(expected_file, format="turtle")
    if not isomorphic(graph, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(graph), to_isomorphic(expected))
        pytest.fail(
            "mapping differs from expected.ttl\n--- only in the mapping:\n"
            + only_got.serialize(format="nt")
            + "--- only in expected.ttl:\n"
            + only_expected.serialize(format="nt")
        )


def test_mapping_is_deterministic() -> None:
    case = CASES[0]
    assert isomorphic(mapped(case), mapped(case))


def test_a_related_event_is_an_event_with_its_date_and_participants() -> None:
    putin = Actor("Vladimir Putin", ActorKind.PERSON, qid="Q7747")
    ref = EventRef("Putin meets Bush.", date(2008, 4, 6), mentions=Mentions(actors=(putin,)))
    event = Event("Bush and Putin talk.", date(2007, 6, 7), related=(ref,))
    graph = map_document(Document("x.md", "event-page", events=(event,)))
    related = URIRef(iri.event_iri(date(2008, 4, 6), "Putin meets Bush."))
    assert (related, RDF.type, DIP.Event) in graph
    assert (
        related,
        DIP.participant,
        URIRef(iri.actor_iri(ActorKind.PERSON, "Vladimir Putin")),
    ) in graph
    assert (
        URIRef(iri.event_iri(date(2007, 6, 7), "Bush and Putin talk.")),
        DIP.relatedTo,
        related,
    ) in graph


def test_a_post_holder_takes_part_and_holds_the_post() -> None:
    putin = Actor("Vladimir Putin", ActorKind.PERSON)
    russia = Actor("Russia", ActorKind.STATE, qid="Q159")
    post = Post("President of Russia", state=russia, holder=putin)
    event = Event("x", date(2007, 6, 7), mentions=Mentions(posts=(post,)))
    graph = map_document(Document("x.md", "event-page", events=(event,)))
    post_node = URIRef(iri.named_iri("post", "President of Russia"))
    assert (
        post_node,
        DIP.holder,
        URIRef(iri.actor_iri(ActorKind.PERSON, "Vladimir Putin")),
    ) in graph
    assert (post_node, DIP.postOf, URIRef(iri.actor_iri(ActorKind.STATE, "Russia"))) in graph


def test_the_iri_base_is_configurable() -> None:
    event = Event("A headline.", date(2001, 1, 1))
    graph = map_document(
        Document("x.md", "event-page", events=(event,)), base="http://example.org/"
    )
    assert all(str(s).startswith("http://example.org/") for s in graph.subjects())


def test_provenance_names_the_file_the_time_and_the_software() -> None:
    doc = Document("pages/x.md", "event-page", content_hash="abc")
    graph_iri = iri.document_graph_iri(document_key(doc))
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    triples = set(
        provenance_triples(
            graph_iri,
            doc,
            location="file:///pages/x.md",
            ingested_at=when,
            software="https://example.org/sw/1",
        )
    )
    g = URIRef(graph_iri)
    assert (g, RDF.type, DIP.SourceDocument) in triples
    assert (g, PROV.wasDerivedFrom, URIRef("file:///pages/x.md")) in triples
    assert any(
        p == PROV.generatedAtTime
        and o
        == Literal(
            "2026-01-02T03:04:05+00:00",
            datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime"),
        )
        for _, p, o in triples
    )
    assert (
        URIRef(graph_iri + "#ingestion"),
        PROV.wasAssociatedWith,
        URIRef("https://example.org/sw/1"),
    ) in triples


# -- evidence -------------------------------------------------------------------------------

EVIDENCE_QUERY = """
PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
SELECT ?record ?for ?text ?words ?begin ?end ?stored WHERE {
  ?e a dip:Evidence ; dip:evidenceIn ?record ; dip:evidenceFor ?for ; dip:textProperty ?text ;
     dip:anchorOf ?words ; dip:beginIndex ?begin ; dip:endIndex ?end .
  ?record ?text ?stored .
}"""


def evidence_of(graph: Graph) -> list[tuple[str, str, str, int, int, str]]:
    """(target, text property, words, begin, end, stored text) of every evidence node."""
    return [
        (str(r.get("for")), str(r.get("text")).rsplit("#", 1)[-1], str(r.get("words")),
         int(r.get("begin")), int(r.get("end")), str(r.get("stored")))
        for r in graph.query(EVIDENCE_QUERY).bindings
    ]


def test_the_words_that_made_putin_a_participant_read_so_in_the_stored_headline() -> None:
    graph = mapped(next(c for c in CASES if c.name == "seed-000-event-page"))
    rows = evidence_of(graph)
    for _, _, words, begin, end, stored in rows:
        assert stored[begin:end] == words
    main = URIRef(iri.event_iri(date(2007, 6, 7), "President of the United States George W. "
                                "Bush and President of Russia Vladimir Putin meet to discuss "
                                "missile defense."))
    found = {
        (str(target).rsplit("/", 1)[-1], str(graph.value(e, DIP.anchorOf)))
        for e in graph.subjects(DIP.evidenceIn, main)
        for target in graph.objects(e, DIP.evidenceFor)
    }
    assert ("vladimir-putin", "Vladimir Putin") in found
    assert ("president-of-russia", "President of Russia") in found
    assert ("040", "meet") in found  # the words that made it a meeting


def test_headline_offsets_index_the_cleaned_headline_literal() -> None:
    # A day-index line of thecontext.net, wiki italics and spaces as they stand in the page.
    raw = ("  ''33rd G8 summit:''  President of the United States George W. Bush and President "
           "of Russia Vladimir Putin meet to discuss missile defense. ")
    event = Event(raw, date(2007, 6, 7))
    doc = prepare_document_from_events(event)
    graph = map_document(doc)
    rows = evidence_of(graph)
    assert rows
    for _, text, words, begin, end, stored in rows:
        assert text == "headline"
        assert stored.startswith("33rd G8 summit: President")
        assert stored[begin:end] == words
    assert {w for _, _, w, _, _, _ in rows} >= {"Vladimir Putin", "President of Russia", "summit"}


def prepare_document_from_events(*events: Event) -> Document:
    """A document of these events, through the extractors and the event typer."""
    from kg.pipeline.evaluate import extract_parsed

    return extract_parsed(Document("x.md", "event-page", events=events), load_gazetteer())


def test_an_article_keeps_the_first_words_that_named_each_node() -> None:
    graph = mapped(next(c for c in CASES if c.name == "seed-001-article"))
    rows = evidence_of(graph)
    targets = [t for t, _, _, _, _, _ in rows]
    assert len(targets) == len(set(targets))  # one node each, though Putin is named 12 times
    first = {t.rsplit("/", 1)[-1]: (text, words, begin) for t, text, words, begin, _, _ in rows}
    assert first["vladimir-putin"] == ("title", "Putin", 0)  # the title before the body
    assert first["sochi"] == ("dateline", "Sochi", 0)  # the dateline before the body
    assert first["condoleezza-rice"] == ("text", "Condoleezza Rice", 1426)
    assert first["sergei-prikhodko"][:2] == ("text", "Sergei Prikhodko")


def test_a_related_entry_gets_no_evidence_of_its_own() -> None:
    graph = mapped(next(c for c in CASES if c.name == "seed-000-event-page"))
    records = set(graph.objects(None, DIP.evidenceIn))
    related = set(graph.objects(None, DIP.relatedTo))
    assert len(records) == 1 and len(related) == 5
    assert not records & related  # the page's own event only


def test_evidence_is_written_only_for_what_is_asserted_and_stored() -> None:
    putin = Actor("Vladimir Putin", ActorKind.PERSON)
    bush = Actor("George W. Bush", ActorKind.PERSON)
    headline = "Bush and Putin meet."
    evidence = (
        Evidence(putin, Span(9, 14, "Putin", "headline")),
        Evidence(bush, Span(0, 4, "Bush", "headline")),  # Bush is not a participant here
        Evidence(putin, Span(0, 5, "Putin", "summary")),  # no summary is stored
        Evidence(putin, Span(0, 5, "Putin", "")),  # no text named
    )
    event = Event(headline, date(2007, 6, 7),
                  mentions=Mentions(actors=(putin,), evidence=evidence))
    graph = map_document(Document("x.md", "event-page", events=(event,)))
    rows = evidence_of(graph)
    assert [(w, b, e) for _, _, w, b, e, _ in rows] == [("Putin", 9, 14)]
    node = next(graph.subjects(RDF.type, DIP.Evidence))
    record = iri.event_iri(date(2007, 6, 7), headline)
    assert str(node) == iri.evidence_iri(record, "headline", 9, 14,
                                         iri.actor_iri(ActorKind.PERSON, "Vladimir Putin"))
    assert str(node).startswith(record + "/evidence/")


@pytest.mark.parametrize("headline", [
    "  ''33rd G8 summit:''  Bush and Putin meet. ",
    "'''Bold''' and ''italic'' and a lone ' quote",
    "tabs\tand\u00a0no-break\u2003spaces\n",
    "''''",
    "",
])
def test_the_headline_index_follows_the_cleaning(headline: str) -> None:
    from kg.mapper import _clean_headline, _clean_headline_index

    clean, index = _clean_headline_index(headline)
    assert clean == _clean_headline(headline)
    for i, j in enumerate(index):
        assert j == -1 or clean[j] == headline[i]
