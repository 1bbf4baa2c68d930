"""Quotes and their speakers, from the two seed articles."""

from __future__ import annotations

from datetime import date

from kg.extract import Gazetteer, find_quotes
from kg.extract.recognizer import recognize_all

SOCHI = date(2008, 4, 5)


def quotes_of(
    text: str, gazetteer: Gazetteer, on_date: date | None = None
) -> list[tuple[str, str]]:
    mentions = recognize_all([text], on_date=on_date, gazetteer=gazetteer)
    found = find_quotes(text, mentions, on_date=on_date, gazetteer=gazetteer)
    for quote in found:
        assert quote.span is not None and text[quote.span.start:quote.span.end] == quote.text
    return [(q.speaker.name if q.speaker else "", q.text) for q in found]


def test_a_quote_before_its_speaker_and_a_further_one_on_the_line(gazetteer: Gazetteer) -> None:
    text = ('    "Do I trust him?" Bush said of Putin, standing alongside the Russian leader on '
            'the craggy Atlantic shoreline. "Yes, I trust him."\n')
    assert quotes_of(text, gazetteer) == [
        ("George W. Bush", "Do I trust him?"), ("George W. Bush", "Yes, I trust him."),
    ]


def test_he_added_is_the_previous_speaker(gazetteer: Gazetteer) -> None:
    text = ('"We support the idea of consultations on missile defence," Putin said.\n'
            '"This should be done within Russia-Nato council," he added.\n')
    assert quotes_of(text, gazetteer) == [
        ("Vladimir Putin", "We support the idea of consultations on missile defence"),
        ("Vladimir Putin", "This should be done within Russia-Nato council"),
    ]


def test_a_titled_speaker_quoted_by_a_newspaper(gazetteer: Gazetteer) -> None:
    text = ("With the alliance's promise to take Ukraine and Georgia in later, “the context of "
            "the Russia-NATO meeting changed,” Russian Deputy Foreign Minister Sergei Ryabkov "
            "was quoted by the daily as saying.")
    assert quotes_of(text, gazetteer, SOCHI) == [
        ("Sergei Ryabkov", "the context of the Russia-NATO meeting changed"),
    ]


def test_partial_quotes_after_a_speech_verb(gazetteer: Gazetteer) -> None:
    text = ('Bush called the Russian leader\'s latest missile defence idea "very sincere" and '
            '"very innovative".\nPutin predicted that "we will continue to be successful" as '
            "they work through the UN Security Council.\n")
    assert quotes_of(text, gazetteer, date(2007, 7, 2)) == [
        ("George W. Bush", "very sincere"), ("George W. Bush", "very innovative"),
        ("Vladimir Putin", "we will continue to be successful"),
    ]


def test_scare_quotes_have_no_speaker(gazetteer: Gazetteer) -> None:
    text = ("US and Russian officials have said they are working on a “strategic framework” "
            "document. The United States says its plan must go forward to counter threats "
            "from “rogue states” like Iran.")
    assert quotes_of(text, gazetteer, SOCHI) == []
