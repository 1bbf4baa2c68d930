"""Shared clean-up: entities, wiki leftovers, topic prefixes, source labels, context notes."""

from __future__ import annotations

import pytest

from kg.model import SourceLink
from kg.parse.text import (
    clean_inline,
    is_cover_image,
    parse_context,
    source_link,
    split_lines,
    split_topic,
    unescape,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a &quot;significant shift&quot;", 'a "significant shift"'),
        ("Iran&#x27;s attitude", "Iran's attitude"),
        ("calls him &#8216;an angel&#8217;", "calls him ‘an angel’"),
        ("B&amp;amp;G Foods", "B&G Foods"),  # escaped twice
        ("R&D and AT&T &notes", "R&D and AT&T &notes"),  # not entities: left alone
    ],
)
def test_unescape(raw: str, expected: str) -> None:
    assert unescape(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Chinese   President\u00a0Hu  ", "Chinese President Hu"),
        ("bacteria called ''Bartonella rochalimae''.", 'bacteria called "Bartonella rochalimae".'),
        ("in the London ''Times'', says", 'in the London "Times", says'),
        ("AP via ''The International Herald Tribune", "AP via The International Herald Tribune"),
        ("''Today's Zaman'' reports", '"Today\'s Zaman" reports'),
        (
            "Cape Town. [http:--www.bbc.com-news-world-africa-40199270 (BBC)], "
            '[https:--www.nytimes.com-2017-06-07-fires.html "(The New York Times)"]',
            "Cape Town. (BBC), (The New York Times)",
        ),
        (
            'this month. "[http:--economictimes.indiatimes.com-news-5961.cms (Economic Times)]"',
            "this month. (Economic Times)",
        ),
        (
            "Muslim actors. [http:--www.washingtontimes.com-news-2017-anti-- (Washington Times) ]",
            "Muslim actors. (Washington Times)",
        ),
        ("Muslim actors. [http:--www.example.com-x]", "Muslim actors."),
    ],
)
def test_clean_inline(raw: str, expected: str) -> None:
    assert clean_inline(raw) == expected


@pytest.mark.parametrize(
    ("raw", "topic", "headline"),
    [
        (
            " ''33rd G8 summit:'' President of the United States George W. Bush meets Putin. ",
            "33rd G8 summit",
            "President of the United States George W. Bush meets Putin.",
        ),
        # the site's later rendering of the same wiki prefix
        (
            '"33rd G8 summit:": President Bush meets Putin.',
            "33rd G8 summit",
            "President Bush meets Putin.",
        ),
        # a plain "X: Y" is part of the headline
        (
            "Sri Lankan Civil War: Police in Sri Lanka force hundreds out of Colombo.",
            None,
            "Sri Lankan Civil War: Police in Sri Lanka force hundreds out of Colombo.",
        ),
        # quoted words that are not a prefix
        (
            "''The Herald'', a government-run newspaper, reports.",
            None,
            '"The Herald", a government-run newspaper, reports.',
        ),
    ],
)
def test_split_topic(raw: str, topic: str | None, headline: str) -> None:
    assert split_topic(raw) == (topic, headline)


@pytest.mark.parametrize(
    ("label", "publisher", "agency"),
    [
        ("AP via the Guardian", "the Guardian", "AP"),
        ("Press Association via the Guardian", "the Guardian", "Press Association"),
        ("Reuters via ABC", "ABC", "Reuters"),
        ("CNN", "CNN", None),
        ("Yahoo! News", "Yahoo! News", None),
    ],
)
def test_source_link_splits_x_via_y(label: str, publisher: str, agency: str | None) -> None:
    link = source_link(label, "http://example.com/a")
    assert link == SourceLink(label, "http://example.com/a", publisher, agency)


def test_source_link_unwraps_its_url() -> None:
    link = source_link(
        "Spiegel", "http://translate.google.com/translate?u=http%3A%2F%2Fspiegel.de%2Fa&hl=en"
    )
    assert link.url == "http://spiegel.de/a"


@pytest.mark.parametrize("label", ["Cover Image", " cover image ", "COVER IMAGE"])
def test_cover_image_labels(label: str) -> None:
    assert is_cover_image(label)


def test_cover_image_is_only_the_exact_label() -> None:
    assert not is_cover_image("Cover Image Gallery of the Week")


def test_parse_context() -> None:
    assert parse_context("_Context: George W. Bush, Russian President , , Vladimir Putin_") == (
        "George W. Bush",
        "Russian President",
        "Vladimir Putin",
    )
    assert parse_context("Not a context note") is None


def test_split_lines_counts_only_newlines() -> None:
    assert split_lines("\ufeffa\r\nb\x0cc\n") == ["a", "b\x0cc", ""]
