"""Event pages: both layouts, the quirks of the real pages, and the errors."""

from __future__ import annotations

from datetime import date

import pytest

from kg.model import EventRef, ParseError
from kg.parse.event_page import parse_event_page

SEED_LAYOUT = "\n".join(
    [
        "### [2007-09-11](/news/2007/09/11/index.md)",
        "",
        "#  The World Health Organisation confirms that the Ebola virus has resurfaced. ",
        "",
        "The lethal Ebola virus has resurfaced in central Congo, U.N. officials said, and"
        " health ex",
        "",
        "### Source:",
        "",
        "1. [NYT](http://www.nytimes.com/2007/09/12/world/africa/12ebola.html?em&ei=5087%0A)",
        "1. [Cover Image](https://static01.nyt.com/images/icons/t_logo_291_black.png)",
        "2. [AP via the Guardian](http://www.guardian.co.uk/worldlatest/story/0,,-6690625,00.html)",
        "",
        "### Related:",
        "",
        "1. [ The WHO confirms a second new case of Ebola virus in Sierra Leone. ]"
        "(/news/2016/01/21/the-who.md) _Context: World Health Organisation, ebola virus_",
        "1. [Iran tests a missile. ](/news/2017/09/23/iran-tests.md) _Context: Iran_",
        "",
    ]
)


def test_seed_layout() -> None:
    document = parse_event_page(SEED_LAYOUT, "ebola.md")
    assert document.format == "event-page"
    (event,) = document.events
    assert (
        event.headline
        == "The World Health Organisation confirms that the Ebola virus has resurfaced."
    )
    assert event.date == date(2007, 9, 11)
    assert event.line == 3
    assert event.path is None
    assert event.summary is not None
    assert event.summary.endswith("health ex")  # cut mid-word upstream: kept as it is
    assert event.related[0] == EventRef(
        "The WHO confirms a second new case of Ebola virus in Sierra Leone.",
        date(2016, 1, 21),
        "/news/2016/01/21/the-who.md",
        ("World Health Organisation", "ebola virus"),
    )
    assert event.related[1].date == date(2017, 9, 23)


def test_cover_image_is_not_a_source_and_repeated_numbers_are_kept() -> None:
    (event,) = parse_event_page(SEED_LAYOUT, "ebola.md").events
    assert [source.label for source in event.sources] == ["NYT", "AP via the Guardian"]
    assert event.sources[0].url.endswith("ei=5087")
    assert (event.sources[1].agency_text, event.sources[1].publisher_text) == ("AP", "the Guardian")


NEWER_LAYOUT = "\n".join(
    [
        "",
        "Formats: [HTML](/news/2016/05/27/reynaldo-bignone.html)"
        "  [JSON](/news/2016/05/27/reynaldo-bignone.json)  ",
        "",
        "### [2016-05-27](/news/2016/05/27/index.md)",
        "",
        "##### Human rights in Argentina",
        "# Reynaldo Bignone is sentenced to twenty years imprisonment. ",
        "",
        "BUENOS AIRES, Argentina (AP) — In a story May 27 about an Argentina court ruling,"
        " The AP erroneously reported that Ronni…",
        "",
        "### Related:",
        "",
        "1. [Former President Cristina Fernandez is indicted. ](/news/2016/12/27/former.md)"
        " _Context: President of Argentina_",
        "",
        "### Sources:",
        "",
        "1. [AP](http://bigstory.ap.org/article/7dd39e6ad03a42d893d6458cd2b25289/argentine-court)",
        "1. [Cover Image](http://binaryapi.ap.org/1418c4cf45a947d8897b7208820c8304/460x.jpg)",
        "",
        "### Changes:",
        "",
        "1. [Human rights in Argentina: Reynaldo Bignone is sentenced. ]"
        "(/news/2016/05/27/human-rights.md) _2017-08-27 03:46:08 (First version)_",
        "1. [Reynaldo Bignone is sentenced to twenty years imprisonment. ]"
        "(/news/2016/05/27/reynaldo-bignone-current.md) _(Current version)_",
        "",
    ]
)


def test_newer_layout_in_any_section_order() -> None:
    (event,) = parse_event_page(NEWER_LAYOUT, "bignone.md").events
    assert event.topic == "Human rights in Argentina"
    assert event.line == 7
    assert [source.label for source in event.sources] == ["AP"]
    assert len(event.related) == 1
    assert [version.path for version in event.versions] == [
        "/news/2016/05/27/human-rights.md",
        "/news/2016/05/27/reynaldo-bignone-current.md",
    ]
    # a plain "Topic: rest" headline is not split
    assert event.versions[0].headline.startswith("Human rights in Argentina: ")
    assert event.versions[0].date == date(2016, 5, 27)


def test_page_path_prefers_the_current_version_then_the_formats_links() -> None:
    (event,) = parse_event_page(NEWER_LAYOUT, "bignone.md").events
    assert event.path == "/news/2016/05/27/reynaldo-bignone-current.md"
    without_changes = NEWER_LAYOUT.split("### Changes:")[0]
    (event,) = parse_event_page(without_changes, "bignone.md").events
    assert event.path == "/news/2016/05/27/reynaldo-bignone.md"


def test_wiki_topic_prefix_in_the_title() -> None:
    text = (
        "### [2007-06-7](/news/2007/06/7/index.md)\n"
        "# ''33rd G8 summit:'' President Bush and President Putin meet.\n"
    )
    (event,) = parse_event_page(text, "g8.md").events
    assert event.topic == "33rd G8 summit"
    assert event.headline == "President Bush and President Putin meet."


def test_topic_line_wins_over_the_prefix() -> None:
    text = (
        "### [2007-06-7](/news/2007/06/7/index.md)\n"
        "##### G8\n"
        "# ''33rd G8 summit:'' President Bush and President Putin meet.\n"
    )
    (event,) = parse_event_page(text, "g8.md").events
    assert (event.topic, event.headline) == ("G8", "President Bush and President Putin meet.")


def test_html_entities_and_irregular_whitespace() -> None:
    text = (
        "\n\n### [2013-09-27](/news/2013/09/27/index.md)\n\n"
        "#   China urges Turkish Prime Minister Erdogan to retract his"
        "  &quot;genocide&quot;  remark. \n\n"
        "UNITED NATIONS (AP) — a &quot;significant shift&quot; in Iran&#x27;s attitude\n"
    )
    (event,) = parse_event_page(text, "x.md").events
    assert (
        event.headline
        == 'China urges Turkish Prime Minister Erdogan to retract his "genocide" remark.'
    )
    assert event.summary == 'UNITED NATIONS (AP) — a "significant shift" in Iran\'s attitude'
    assert event.line == 5


def test_related_entry_with_pseudo_links_in_its_text() -> None:
    text = (
        "### [2008-04-13](/news/2008/04/13/index.md)\n"
        "# Trevor Immelman wins the 2008 Masters Tournament.\n"
        "### Related:\n"
        "1. [ Up to 10,000 people are evacuated in Cape Town."
        " [http:--www.bbc.com-news-40199270 (BBC)],"
        ' [https:--www.nytimes.com-2017-06-07-fires.html "(The New York Times)"]]'
        "(/news/2017/06/8/up-to-10-000.md) _Context: South Africa_\n"
    )
    (event,) = parse_event_page(text, "x.md").events
    (related,) = event.related
    assert (
        related.headline
        == "Up to 10,000 people are evacuated in Cape Town. (BBC), (The New York Times)"
    )
    assert related.path == "/news/2017/06/8/up-to-10-000.md"
    assert related.context == ("South Africa",)


def test_context_note_on_its_own_line() -> None:
    text = (
        "### [2008-04-13](/news/2008/04/13/index.md)\n# A headline.\n### Related:\n"
        "1. [Other event.](/news/2017/06/8/other.md)\n_Context: South Africa, Cape Town_\n"
    )
    (event,) = parse_event_page(text, "x.md").events
    assert event.related[0].context == ("South Africa", "Cape Town")


def test_page_without_related_section() -> None:
    text = (
        "### [2012-06-18](/news/2012/06/18/index.md)\n\n"
        "# Blue Gene-Q becomes the world's fastest supercomputer. \n\n\n"
        "### Source:\n\n1. [TOP500](http://www.top500.org/lists/2012/06/press-release)"
    )
    (event,) = parse_event_page(text, "x.md").events
    assert event.related == ()
    assert event.summary is None
    assert len(event.sources) == 1


def test_missing_date_heading_names_the_title_line() -> None:
    text = "\n\n# A headline without a date.\n\n### Source:\n"
    with pytest.raises(ParseError, match="no date heading") as caught:
        parse_event_page(text, "news/x.md")
    assert caught.value.line == 3
    assert caught.value.path == "news/x.md"
    assert str(caught.value).startswith("news/x.md:3: ")


def test_no_date_heading_at_all() -> None:
    with pytest.raises(ParseError, match="no date heading") as caught:
        parse_event_page("\nJust some words.\n", "x.md")
    assert caught.value.line == 2


def test_missing_title_names_the_line_found_instead() -> None:
    text = "### [2007-06-7](/news/2007/06/7/index.md)\n\nSome text.\n"
    with pytest.raises(ParseError, match="no title line") as caught:
        parse_event_page(text, "x.md")
    assert caught.value.line == 3


def test_missing_title_at_end_of_file() -> None:
    with pytest.raises(ParseError, match="no title line") as caught:
        parse_event_page("### [2007-06-7](/news/2007/06/7/index.md)\n", "x.md")
    assert caught.value.line == 1


def test_empty_title() -> None:
    with pytest.raises(ParseError, match="empty title") as caught:
        parse_event_page("### [2007-06-7](/news/2007/06/7/index.md)\n#   \n", "x.md")
    assert caught.value.line == 2


def test_impossible_date() -> None:
    with pytest.raises(ParseError, match="invalid date") as caught:
        parse_event_page("### [2007-02-30](/news/2007/02/30/index.md)\n# Title.\n", "x.md")
    assert caught.value.line == 1


def test_content_hash_is_sha256_of_the_text() -> None:
    import hashlib

    document = parse_event_page(SEED_LAYOUT, "ebola.md")
    assert document.content_hash == hashlib.sha256(SEED_LAYOUT.encode()).hexdigest()
