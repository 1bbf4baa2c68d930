"""IRIs are deterministic, readable and the same for the same thing."""

from __future__ import annotations

from datetime import date

from kg import iri
from kg.iri import actor_iri, article_iri, event_iri, slugify
from kg.model import ActorKind


def test_slugify() -> None:
    assert slugify("Russia's President") == "russia-s-president"
    assert slugify("Recep Tayyip Erdoğan") == "recep-tayyip-erdogan"
    assert slugify("!!!") == "x"
    assert len(slugify("word " * 100)) <= 80


def test_an_event_headline_is_its_identity_up_to_layout() -> None:
    day = date(2007, 6, 7)
    a = event_iri(day, " President Bush and Putin meet to discuss missile defense. ")
    b = event_iri(day, "President Bush and  Putin meet to discuss missile defense")
    c = event_iri(day, "''President'' Bush and Putin meet to discuss missile defense.")
    assert a == b == c
    assert a != event_iri(
        date(2007, 6, 8), "President Bush and Putin meet to discuss missile defense."
    )
    assert a.startswith(
        "https://w3id.org/diplomacy-kg/id/event/2007-06-07/president-bush-and-putin"
    )


def test_long_headlines_that_share_a_prefix_stay_distinct() -> None:
    stem = "The President of the United States meets the President of Russia to discuss " * 2
    assert event_iri(date(2001, 1, 1), stem + "Iran") != event_iri(date(2001, 1, 1), stem + "Syria")


def test_articles_are_identified_by_url_else_title() -> None:
    assert article_iri("http://a.example/x") == article_iri("http://a.example/x", "Some title")
    assert article_iri(None, "Putin offers Bush new missile plan").startswith(
        "https://w3id.org/diplomacy-kg/id/article/putin-offers-bush-new-missile-plan-"
    )


def test_actor_iris_read_well() -> None:
    assert actor_iri(ActorKind.PERSON, "Vladimir Putin") == (
        "https://w3id.org/diplomacy-kg/id/person/vladimir-putin"
    )


def test_graph_iris_are_what_they_were() -> None:
    assert iri.ONTOLOGY_GRAPH == "https://w3id.org/diplomacy-kg/graph/ontology"
    assert iri.INFERRED_GRAPH == "https://w3id.org/diplomacy-kg/graph/inferred"
    assert iri.DEFAULT_GRAPH_IRI == "https://w3id.org/diplomacy-kg/graph/default"
    assert iri.ENTAILMENT_INPUT_GRAPH == "https://w3id.org/diplomacy-kg/graph/input"
    assert iri.DOCUMENT_GRAPH_BASE == "https://w3id.org/diplomacy-kg/graph/doc/"
    assert iri.LINK_GRAPH_BASE == "https://w3id.org/diplomacy-kg/graph/links/"
    assert iri.NO_SUCH_GRAPH_IRI == "urn:x-kg:no-such-graph"
    assert iri.document_graph_iri("a document key") == (
        "https://w3id.org/diplomacy-kg/graph/doc/42de669cd91f8e114892"
    )
    assert iri.link_graph_iri("https://w3id.org/diplomacy-kg/id/article/x") == (
        "https://w3id.org/diplomacy-kg/graph/links/f6db60c289ff0614b7a4"
    )
    assert iri.scratch_graph_iri("0123abcd") == "urn:x-kg:merge:0123abcd"
    assert iri.new_store_graph_iri("http://127.0.0.1:8000/", "0123abcd") == (
        "http://127.0.0.1:8000/store/graphs/0123abcd"
    )
    assert iri.store_graph_iri("http://127.0.0.1:8000/", "/store/mine/g1") == (
        "http://127.0.0.1:8000/store/mine/g1"
    )
