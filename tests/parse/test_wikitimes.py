"""WikiTimes JSON: lists, single records, JSON Lines, entity links and errors."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kg.model import ParseError, SourceLink
from kg.parse.wikitimes import parse_wikitimes

RECORD = {
    "date": "2015-09-01",
    "description": "Al-Shabaab claims to have killed scores of African Union troops. , , ",
    "category": {"id": "2", "name": "War_Conflict"},
    "id": "56658",
    "belongsToStory": {"id": "798", "name": "War in Somalia (2009–present)"},
    "entity": [
        {
            "id": "1",
            "name": "African Union",
            "wikiURL": "http://en.wikipedia.org/wiki/African_Union",
        },
        {
            "id": "2",
            "name": "Franois Hollande",
            "wikiURL": "http://en.wikipedia.org/wiki/François_Hollande",
        },
    ],
    "source": [
        {
            "id": "3",
            "url": "http://hosted.ap.org/x",
            "type": "article",
            "sourceName": "AP via ABC News",
        },
        {"id": "4", "url": "http://www.bbc.com/news/1", "type": "article", "sourceName": "BBC"},
    ],
}


def test_record_to_event() -> None:
    document = parse_wikitimes(json.dumps([RECORD], indent=1), "wt.json")
    assert document.format == "wikitimes"
    (event,) = document.events
    assert event.headline == "Al-Shabaab claims to have killed scores of African Union troops."
    assert event.date == date(2015, 9, 1)
    assert event.topic == "War in Somalia (2009–present)"
    assert event.context == ("African Union", "François Hollande")
    assert event.line == 2
    assert event.sources == (
        SourceLink("AP via ABC News", "http://hosted.ap.org/x", "ABC News", "AP"),
        SourceLink("BBC", "http://www.bbc.com/news/1", "BBC", None),
    )


def test_entity_links_are_kept() -> None:
    (event,) = parse_wikitimes(json.dumps([RECORD]), "wt.json").events
    assert event.entities == (
        ("African Union", "http://en.wikipedia.org/wiki/African_Union"),
        ("François Hollande", "http://en.wikipedia.org/wiki/François_Hollande"),
    )


def test_single_record_object() -> None:
    (event,) = parse_wikitimes(json.dumps(RECORD), "wt.json").events
    assert event.line == 1


def test_json_lines() -> None:
    second = dict(
        RECORD, date="2015-09-02", belongsToStory=None, description="Second. [citation needed]"
    )
    text = json.dumps(RECORD) + "\n\n" + json.dumps(second) + "\n"
    first, other = parse_wikitimes(text, "wt.jsonl").events
    assert (first.line, other.line) == (1, 3)
    assert other.topic is None
    assert other.headline == "Second."


def test_empty_list() -> None:
    assert parse_wikitimes("[ ]", "wt.json").events == ()


def test_invalid_json_names_the_line() -> None:
    text = '[\n {"date": "2015-09-01",\n  "description": "x" oops}\n]'
    with pytest.raises(ParseError, match="invalid JSON") as caught:
        parse_wikitimes(text, "wt.json")
    assert caught.value.line == 3


def test_invalid_json_lines_names_the_line() -> None:
    text = json.dumps(RECORD) + "\n" + json.dumps(RECORD) + "\n{broken\n"
    with pytest.raises(ParseError, match="invalid JSON") as caught:
        parse_wikitimes(text, "wt.jsonl")
    assert caught.value.line == 3


def test_missing_comma_between_records() -> None:
    text = "[\n" + json.dumps(RECORD) + "\n" + json.dumps(RECORD) + "\n]"
    with pytest.raises(ParseError, match="expected ','") as caught:
        parse_wikitimes(text, "wt.json")
    assert caught.value.line == 3


def test_record_that_is_not_an_object() -> None:
    with pytest.raises(ParseError, match="record 2 is not a JSON object"):
        parse_wikitimes(json.dumps([RECORD, "text"]), "wt.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [({"date": "September"}, "no valid date"), ({"description": "  "}, "no description")],
)
def test_record_without_date_or_description(change: dict[str, str], message: str) -> None:
    with pytest.raises(ParseError, match=message) as caught:
        parse_wikitimes(json.dumps([dict(RECORD, **change)], indent=1), "wt.json")
    assert caught.value.line == 2
