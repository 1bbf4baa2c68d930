"""IRIs are deterministic, readable and the same for the same thing."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from kg import iri
from kg.iri import actor_iri, article_iri, event_iri, event_key, slugify
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


CABANAS = ("Cuban diplomat José Ramón Cabañas Rodríguez presents his credentials to U.S. "
           "President Barack Obama, becoming Cuba's first ambassador to the United States.")


@pytest.mark.parametrize("variant", [
    # Issue 13: "with and without an accent ("Cabañas" / "Cabanas") or with citation debris"
    CABANAS.replace("José Ramón Cabañas Rodríguez", "Jose Ramon Cabanas Rodriguez"),
    CABANAS.replace("Obama,", "Obama ,").replace(".", " ."),
    CABANAS.replace("Obama,", "Obama, ,").rstrip(".") + " , ,",
    CABANAS + "[1]",
    CABANAS.replace("States.", "States.[citation needed]"),
    CABANAS.replace("'", "&#39;").replace("ñ", "&ntilde;"),
    CABANAS.replace("'", "\u2019"),
    CABANAS.replace("Cuban", "''Cuban''").replace("Obama", "[[Barack Obama|Obama]]"),
    unicodedata.normalize("NFD", CABANAS),
    CABANAS.upper(),
    "  " + CABANAS.replace(" ", "\u00a0 ") + "  ",
    CABANAS.replace("Obama,", "Obama ( ),"),  # the parentheses of a dropped link
    "[" + CABANAS + "]",
])
def test_every_spelling_of_a_headline_is_one_event(variant: str) -> None:
    day = date(2015, 9, 17)
    assert event_iri(day, variant) == event_iri(day, CABANAS)


def test_the_event_key_is_the_words() -> None:
    assert event_key("Russia’s Putin visits Łódź.") == event_key("Russia's Putin visits Lodz")
    assert event_key("Russia's Putin visits Lodz") == "russias putin visits lodz"
    assert event_key("Straße") == "strasse"
    assert event_key("ﬁrst Ｔalks") == "first talks"  # compatibility forms (NFKC)
    assert event_key("!!!") == "!!!"  # no words: the text itself, never an empty key


def test_other_words_or_dates_are_other_events() -> None:
    day = date(2015, 9, 17)
    assert event_iri(day, CABANAS) != event_iri(date(2015, 9, 18), CABANAS)
    assert event_iri(day, CABANAS) != event_iri(day, CABANAS.replace("first", "second"))
    # A number is a word: "round 12" and "round 1 2" are not one headline.
    assert event_iri(day, "Talks, round 12.") != event_iri(day, "Talks, round 1, 2.")


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
    assert iri.same_event_graph_iri(date(2015, 9, 17)) == (
        "https://w3id.org/diplomacy-kg/graph/same-event/2015-09-17"
    )
    assert iri.same_event_graph_day(iri.same_event_graph_iri(date(2015, 9, 17))) == date(
        2015, 9, 17)
    assert iri.same_event_graph_day(iri.LINK_GRAPH_BASE + "2015-09-17") is None
    assert iri.is_derived_graph(iri.same_event_graph_iri(date(2015, 9, 17)))
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
