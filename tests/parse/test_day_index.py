"""Day index pages: one event per linked headline."""

from __future__ import annotations

from datetime import date

import pytest

from kg.model import ParseError
from kg.parse.day_index import parse_day_index

INDEX = "\n".join(
    [
        "",
        "Formats: [HTML](2008/04/3/index.html)  [JSON](2008/04/3/index.json)  ",
        "",
        "## [2008-04-3](/news/2008/04/3/index.md)",
        "",
        "##### Harare",
        "### [ Police surround a hotel in Harare. ](/news/2008/04/3/police.md)",
        "Intruders ransacked offices &#8216;ominously&#8217;.",
        "",
        "### [ ''33rd G8 summit:'' Leaders meet. ](2008/04/3/leaders-meet.html)",
        "_Context: 33rd G8 summit, George W. Bush_",
        "",
        "##### Jules Verne",
        '### [ "Jules Verne", the first ATV, docks with the ISS. ](/news/2008/04/3/jules-verne.md)',
        " ESA PR 20-2008. ATV Jules Verne has docked. ",
        "_Context: ISS, ESA_",
        "",
        "## [Previous Day...](/news/2008/04/2/index.md)",
        "",
        "",
    ]
)


def test_one_event_per_entry() -> None:
    document = parse_day_index(INDEX, "index.md")
    assert document.format == "day-index"
    assert [event.headline for event in document.events] == [
        "Police surround a hotel in Harare.",
        "Leaders meet.",
        '"Jules Verne", the first ATV, docks with the ISS.',
    ]
    assert {event.date for event in document.events} == {date(2008, 4, 3)}
    assert [event.line for event in document.events] == [7, 10, 14]


def test_entry_fields() -> None:
    police, leaders, verne = parse_day_index(INDEX, "index.md").events
    assert police.topic == "Harare"
    assert police.summary == "Intruders ransacked offices ‘ominously’."
    assert police.path == "/news/2008/04/3/police.md"
    assert police.context == ()
    assert leaders.topic == "33rd G8 summit"  # from the wiki prefix
    assert leaders.path == "/news/2008/04/3/leaders-meet.md"  # relative link
    assert leaders.context == ("33rd G8 summit", "George W. Bush")
    assert leaders.summary is None
    assert verne.topic == "Jules Verne"
    assert verne.summary == "ESA PR 20-2008. ATV Jules Verne has docked."
    assert verne.context == ("ISS", "ESA")


def test_previous_day_link_is_not_an_event() -> None:
    events = parse_day_index(INDEX, "index.md").events
    assert all("Previous Day" not in event.headline for event in events)


def test_missing_date_heading() -> None:
    text = "### [ A headline. ](/news/2008/04/3/a.md)\n"
    with pytest.raises(ParseError, match="no date heading") as caught:
        parse_day_index(text, "index.md")
    assert caught.value.line == 1


def test_empty_day() -> None:
    text = (
        "## [2008-04-3](/news/2008/04/3/index.md)\n\n"
        "## [Previous Day...](/news/2008/04/2/index.md)\n"
    )
    assert parse_day_index(text, "index.md").events == ()
