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
from kg.mapper import document_key, map_document, provenance_triples
from kg.model import Actor, ActorKind, Document, Event, EventRef, Mentions, Post
from kg.pipeline import prepare_document
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
