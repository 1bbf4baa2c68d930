"""IRIs are deterministic, readable and the same for the same thing."""

from __future__ import annotations

from datetime import date

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
