"""Evidence spans: the words of each mention, as offsets into the text the parser produced.

Each case is a real sentence from the seeds or the development pages; each checks that
``text[start:end]`` of the field a span names reads the words that made the mention.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kg.extract import Gazetteer, classify_context, extract_article, recognize, recognize_all
from kg.extract.event_type import classify_event
from kg.model import Actor, ActorKind, Evidence, Mentions, Place, Post, Span
from kg.parse import parse_document

SEED_ARTICLE = Path(__file__).parent.parent / "golden" / "map" / "seed-001-article" / "input.txt"

# The seed event page's headline, and a related entry of the same page.
SEED_HEADLINE = ("President of the United States George W. Bush and President of Russia "
                 "Vladimir Putin meet to discuss missile defense.")
KENNEBUNKPORT = ("U.S. President George W. Bush holds talks with the President of Russia "
                 "Vladimir Putin in Kennebunkport, Maine discussing missile defense and Iran.")


def words(mentions: Mentions, name: str) -> list[tuple[str, str]]:
    """(field, words) of each piece of evidence for the node called ``name``."""
    return [(e.span.field, e.span.text) for e in mentions.evidence if e.target.name == name]


def assert_spans_index(mentions: Mentions, texts: dict[str, str]) -> None:
    for item in mentions.evidence:
        text = texts[item.span.field]
        assert text[item.span.start:item.span.end] == item.span.text, item


def test_each_actor_and_post_of_a_headline_has_its_words(gazetteer: Gazetteer) -> None:
    found = recognize_all([SEED_HEADLINE, ""], on_date=date(2007, 6, 7), gazetteer=gazetteer,
                          locations=False, fields=("headline", "summary"))
    assert_spans_index(found, {"headline": SEED_HEADLINE})
    assert words(found, "Vladimir Putin") == [("headline", "Vladimir Putin")]
    assert words(found, "President of Russia") == [("headline", "President of Russia")]
    assert words(found, "George W. Bush") == [("headline", "George W. Bush")]
    putin = next(e for e in found.evidence if e.target.name == "Vladimir Putin")
    assert (putin.span.start, putin.span.end) == (70, 84)


def test_places_have_their_words_too(gazetteer: Gazetteer) -> None:
    found = recognize(KENNEBUNKPORT, on_date=date(2007, 7, 2), gazetteer=gazetteer,
                      field="headline")
    assert_spans_index(found, {"headline": KENNEBUNKPORT})
    assert words(found, "Kennebunkport") == [("headline", "Kennebunkport")]
    assert words(found, "President of the United States") == [("headline", "U.S. President")]


def test_a_place_found_by_its_form_has_its_words(gazetteer: Gazetteer) -> None:
    headline = ("Indian Prime Minister Narendra Modi is met by Pakistani Prime Minister Nawaz "
                "Sharif at Allama Iqbal International Airport in Lahore for a two-hour "
                "meeting.")
    found = recognize(headline, on_date=date(2015, 12, 25), gazetteer=gazetteer,
                      field="headline")
    assert_spans_index(found, {"headline": headline})
    airport = [e.span.text for e in found.evidence if isinstance(e.target, Place)
               and "Airport" in e.target.name]
    assert airport == ["Allama Iqbal International Airport"]


def test_a_post_alone_is_the_evidence_for_its_holder_on_that_day(gazetteer: Gazetteer) -> None:
    # A context tag of the seed page's Kennebunkport entry: "Russian President" in 2007 is
    # Vladimir Putin, and those words are what made him a participant.
    tags = ["George W. Bush", " Russian President", "missile defense shield"]
    found = classify_context(tags, on_date=date(2007, 7, 2), gazetteer=gazetteer)
    assert words(found, "Vladimir Putin") == [("context", "Russian President")]
    assert words(found, "President of Russia") == [("context", "Russian President")]
    putin = next(e for e in found.evidence if e.target.name == "Vladimir Putin")
    assert tags[1][putin.span.start:putin.span.end] == "Russian President"
    assert words(found, "George W. Bush") == [("context", "George W. Bush")]
    assert not [e for e in found.evidence if e.target.name == "missile defense shield"]


def test_a_title_and_a_name_are_the_evidence_for_the_post(gazetteer: Gazetteer) -> None:
    sentence = ("Putin adviser Sergei Prikhodko raised hopes of a positive response from "
                "Putin, saying that the US moves might be useful.")
    found = recognize(sentence, on_date=date(2008, 4, 5), gazetteer=gazetteer, field="body")
    posts = [(e.target.name, e.span.text) for e in found.evidence if isinstance(e.target, Post)]
    assert posts == [("Aide to the President of Russia", "Putin adviser Sergei Prikhodko")]
    assert words(found, "Sergei Prikhodko") == [("body", "Sergei Prikhodko")]
    # Every mention is returned; the mapper keeps the first of each.
    assert words(found, "Vladimir Putin") == [("body", "Putin"), ("body", "Putin")]


def test_an_article_has_evidence_in_its_title_body_and_dateline(gazetteer: Gazetteer) -> None:
    doc = parse_document(SEED_ARTICLE.read_text(encoding="utf-8"), SEED_ARTICLE.name)
    article = extract_article(doc.articles[0], gazetteer)
    texts = {"title": article.title, "body": article.body, "dateline": article.dateline or ""}
    assert_spans_index(article.mentions, texts)
    assert article.dateline == "Sochi, Russia"
    assert words(article.mentions, "Sochi")[0] == ("dateline", "Sochi")
    assert words(article.mentions, "Condoleezza Rice")[0] == ("body", "Condoleezza Rice")
    assert {e.span.field for e in article.mentions.evidence} == {"title", "body", "dateline"}


def test_the_trigger_words_of_an_event_type_have_their_offsets() -> None:
    talks = classify_event(KENNEBUNKPORT)
    assert talks is not None and talks.code == "046"
    assert talks.span == Span(30, 41, "holds talks", "headline")
    assert KENNEBUNKPORT[30:41] == "holds talks"
    meet = classify_event(SEED_HEADLINE)
    assert meet is not None and meet.span is not None
    assert SEED_HEADLINE[meet.span.start:meet.span.end] == meet.trigger == "meet"


def test_a_type_found_only_in_the_summary_points_into_the_summary() -> None:
    headline = "Zimbabwe's opposition Movement for Democratic Change."
    summary = "Opposition leader Morgan Tsvangirai holds talks with regional leaders in Lusaka."
    found = classify_event(headline, summary)
    assert found is not None and found.span is not None
    assert found.span.field == "summary"
    assert summary[found.span.start:found.span.end] == "holds talks"


def test_evidence_does_not_change_what_mentions_are_equal_to() -> None:
    putin = Actor("Vladimir Putin", ActorKind.PERSON)
    span = Span(0, 5, "Putin", "headline")
    assert Mentions(actors=(putin,), evidence=(Evidence(putin, span),)) == Mentions(
        actors=(putin,))
