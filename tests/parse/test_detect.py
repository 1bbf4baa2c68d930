"""Format detection and the ``parse_document`` entry point."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kg.model import ParseError
from kg.parse import FORMATS, detect_format, parse_document
from tests.parse.golden import GOLDEN_DIR, case_dirs, input_file

EVENT_PAGE = "### [2007-06-7](/news/2007/06/7/index.md)\n\n# A headline.\n\n### Source:\n"
DAY_INDEX = (
    "## [2007-06-7](/news/2007/06/7/index.md)\n\n### [ A headline. ](/news/2007/06/7/a.md)\n"
    "_Context: A_\n\n## [Previous Day...](/news/2007/06/6/index.md)\n"
)
ARTICLE = "Putin offers Bush new missile plan\n\nThe US and Russian leaders seek to mend ties.\n"
WIKITIMES = '[\n {"date": "2015-09-01", "description": "x", "entity": [], "source": []}\n]'


def test_format_names() -> None:
    assert list(FORMATS) == ["event-page", "day-index", "article", "wikitimes"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (EVENT_PAGE, "event-page"),
        (DAY_INDEX, "day-index"),
        (ARTICLE, "article"),
        ("## Markdown title\n\nBy [Someone](#)\n\nBody text.\n", "article"),
        ("[Link text](http://example.com) starts this article.\n", "article"),
        (WIKITIMES, "wikitimes"),
        ('{"date": "2015-09-01", "description": "x"}', "wikitimes"),
        # an event page without its date heading is still an event page (and fails as one)
        ("# A headline.\n\n### Sources:\n\n1. [BBC](http://bbc.co.uk)\n", "event-page"),
    ],
)
def test_detect_by_content(text: str, expected: str) -> None:
    assert detect_format(text, "some/file.txt") == expected


def test_extension_does_not_override_content() -> None:
    assert detect_format(EVENT_PAGE, "page.json") == "event-page"
    assert detect_format(WIKITIMES, "records.md") == "wikitimes"


@pytest.mark.parametrize("case", case_dirs(), ids=lambda case: case.name)
def test_golden_inputs_are_detected_as_their_format(case: Path) -> None:
    text = input_file(case).read_text(encoding="utf-8")
    expected = {
        "seed-000": "event-page",
        "seed-001": "article",
        "seed-002": "article",
        "wikitimes": "wikitimes",
    }
    kind = next((v for k, v in expected.items() if case.name.startswith(k)), None)
    if kind is None:
        kind = "day-index" if "index" in case.name else "event-page"
    assert detect_format(text, "input") == kind


def test_parse_document_sets_format_and_hash() -> None:
    document = parse_document(DAY_INDEX, "day.md")
    assert document.format == "day-index"
    assert document.path == "day.md"
    assert document.content_hash == hashlib.sha256(DAY_INDEX.encode("utf-8")).hexdigest()


def test_explicit_format_overrides_detection() -> None:
    document = parse_document(EVENT_PAGE, "page.md", format="article")
    assert document.format == "article"
    assert document.articles[0].title == "2007-06-7"


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(
        ParseError, match="unknown format 'rss'; known formats: event-page, day-index"
    ):
        parse_document(EVENT_PAGE, "page.md", format="rss")


@pytest.mark.parametrize("text", ["", " \n\t\n"])
def test_empty_file(text: str) -> None:
    with pytest.raises(ParseError, match="empty file") as caught:
        parse_document(text, "empty.md")
    assert caught.value.path == "empty.md"


def test_parse_errors_carry_path_and_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_document("# A headline.\n\n### Sources:\n", "x.md")
    assert (caught.value.path, caught.value.line) == ("x.md", 1)


def test_golden_dir_exists() -> None:
    assert GOLDEN_DIR.is_dir()
