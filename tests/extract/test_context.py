"""Sorting Context tags into persons, posts, states, organisations, places and topics."""

from __future__ import annotations

from datetime import date

from kg.extract import Gazetteer, classify_context
from kg.model import ActorKind

SEED_DAY = date(2007, 6, 7)


def test_the_seed_related_tags(gazetteer: Gazetteer) -> None:
    tags = ["George W. Bush", "Russian President", "U.S. President", "Vladimir Putin",
            "missile defense shield"]
    found = classify_context(tags, on_date=SEED_DAY, gazetteer=gazetteer)
    assert [(a.name, a.kind, a.qid) for a in found.actors] == [
        ("George W. Bush", ActorKind.PERSON, "Q207"),
        ("Vladimir Putin", ActorKind.PERSON, "Q7747"),
    ]
    assert {p.name: p.holder.name if p.holder else None for p in found.posts} == {
        "President of Russia": "Vladimir Putin",
        "President of the United States": "George W. Bush",
    }
    assert found.topics == ("missile defense shield",)


def test_the_day_index_tags(gazetteer: Gazetteer) -> None:
    tags = ["33rd G8 summit", "George W. Bush", "President of Russia",
            "President of the United States", "Vladimir Putin", "missile defense shield"]
    found = classify_context(tags, on_date=SEED_DAY, gazetteer=gazetteer)
    assert [a.name for a in found.actors] == ["George W. Bush", "Vladimir Putin"]
    assert found.topics == ("33rd G8 summit", "missile defense shield")
    assert len(found.posts) == 2


def test_bare_title_goes_to_the_person_among_the_tags_who_holds_it(
    gazetteer: Gazetteer,
) -> None:
    tags = ["George W. Bush", "President", "U.S. President", "Vladimir Putin"]
    found = classify_context(tags, on_date=SEED_DAY, gazetteer=gazetteer)
    assert {p.name: p.holder.name if p.holder else None for p in found.posts} == {
        "President of the United States": "George W. Bush",
        "President of Russia": "Vladimir Putin",
    }
    assert found.topics == ()
    alone = classify_context(["President"], on_date=SEED_DAY, gazetteer=gazetteer)
    assert alone.posts == () and alone.topics == () and alone.actors == ()


def test_demonyms_organisations_places_and_topics(gazetteer: Gazetteer) -> None:
    tags = ["Italian", "al-Qaeda", "Americans", "U.N. Security Council", "China's",
            "Colombo", "Sri Lanka", "Sri Lankan Civil War", "police", "EU",
            "World Health Organisation", "Hamas", "Palestinians"]
    found = classify_context(tags, on_date=SEED_DAY, gazetteer=gazetteer)
    assert [a.name for a in found.actors] == [
        "Italy", "al-Qaeda", "United States", "United Nations Security Council", "China",
        "Sri Lanka", "European Union", "World Health Organization", "Hamas", "Palestine",
    ]
    assert [p.name for p in found.places] == ["Colombo"]
    assert found.topics == ("Sri Lankan Civil War", "police")


def test_a_phrase_tag_that_names_a_post(gazetteer: Gazetteer) -> None:
    found = classify_context(["Prime Minister of Turkey", "Turkish"], on_date=date(2009, 7, 14),
                             gazetteer=gazetteer)
    assert [(p.name, p.holder.name if p.holder else None) for p in found.posts] == [
        ("Prime Minister of Turkey", "Recep Tayyip Erdoğan"),
    ]
    assert [a.name for a in found.actors] == ["Recep Tayyip Erdoğan", "Turkey"]


def test_short_words_only_count_as_written(gazetteer: Gazetteer) -> None:
    found = classify_context(["us", "US"], on_date=None, gazetteer=gazetteer)
    assert [a.name for a in found.actors] == ["United States"]
    assert found.topics == ("us",)


def test_wikipedia_hints_decide(gazetteer: Gazetteer) -> None:
    hints = {
        "Abdel Fattah alSisi": "http://en.wikipedia.org/wiki/Abdel_Fattah_al-Sisi",
        "Turkish people": "http://en.wikipedia.org/wiki/Turkish_people",
        "Georgia US state": "http://en.wikipedia.org/wiki/Georgia_(U.S._state)",
        "AlShabaab militant group": "http://en.wikipedia.org/wiki/Al-Shabaab_(militant_group)",
        "Vasil Lobzhanidze": "http://en.wikipedia.org/wiki/Vasil_Lobzhanidze",
    }
    found = classify_context(list(hints), on_date=date(2015, 9, 1), gazetteer=gazetteer,
                             wikipedia=hints)
    assert [a.name for a in found.actors] == ["Abdel Fattah el-Sisi", "Turkey", "Al-Shabaab"]
    assert [p.name for p in found.places] == ["Georgia (U.S. state)"]
    assert found.topics == ("Vasil Lobzhanidze",)
