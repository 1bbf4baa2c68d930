"""Parsers: one module per input format, each a pure function ``(text, path) -> Document``.

The caller reads the file; ``path`` only names it in records and error messages.
``parse_document`` picks the format from the content (the extension is only a tie-break)
unless told which one to use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from kg.model import Document, ParseError
from kg.parse.article import parse_article
from kg.parse.day_index import parse_day_index
from kg.parse.event_page import parse_event_page
from kg.parse.wikitimes import parse_wikitimes

__all__ = [
    "FORMATS",
    "detect_format",
    "parse_article",
    "parse_day_index",
    "parse_document",
    "parse_event_page",
    "parse_wikitimes",
]

Parser = Callable[[str, str], Document]

FORMATS: Mapping[str, Parser] = MappingProxyType(
    {
        "event-page": parse_event_page,
        "day-index": parse_day_index,
        "article": parse_article,
        "wikitimes": parse_wikitimes,
    }
)

# JSON starts with "{" or with "[" followed by a value -- not "[Some link text](...)".
_JSON_START = re.compile(r"^\ufeff?\s*(?:\{|\[\s*(?:[\[{\]\"]|$))")
_INDEX_HEADING = re.compile(r"^\s{0,3}##\s*\[\s*\d{4}-\d{1,2}-\d{1,2}\s*\]\(", re.MULTILINE)
_INDEX_ENTRY = re.compile(r"^\s{0,3}###\s*\[(?!\s*\d{4}-\d{1,2}-\d{1,2}\s*\]).*\]\(", re.MULTILINE)
_INDEX_NAVIGATION = re.compile(r"^\s{0,3}##\s*\[\s*(?:Previous|Next) Day", re.MULTILINE)
_EVENT_HEADING = re.compile(r"^\s{0,3}###\s*\[\s*\d{4}-\d{1,2}-\d{1,2}\s*\]\(", re.MULTILINE)
_EVENT_SECTION = re.compile(
    r"^\s{0,3}###\s*(?:Sources?|Related|Changes)\s*:\s*$", re.MULTILINE | re.IGNORECASE
)
_FORMATS_LINE = re.compile(r"^\s*Formats:\s*\[", re.MULTILINE)
_JSON_EXTENSIONS = (".json", ".jsonl", ".ndjson")
_ARTICLE_EXTENSIONS = (".txt", ".md", ".markdown", ".text")
_WIKITIMES_KEYS = re.compile(r'"description"\s*:')
_SNIFF_CHARS = 65536


def _looks_like_article(head: str, path: str) -> bool:
    """Prose with a title line, not a README (``# Heading``) nor a table of codes."""
    if not path.lower().endswith(_ARTICLE_EXTENSIONS):
        return False
    lines = [line for line in head.splitlines() if line.strip()]
    if not lines or re.match(r"^#(?!#)\s", lines[0].lstrip()):
        return False
    tabbed = sum(1 for line in lines if "\t" in line.strip())
    return tabbed * 10 < len(lines) and len(head.split()) >= 50


def detect_format(text: str, path: str = "", *, guess: bool = True) -> str | None:
    """The name of the format ``text`` is in, judged by its content.

    The file extension only breaks a tie: JSON-looking text is ``wikitimes``, and text
    with none of the thecontext.net page marks is an ``article``. With ``guess=False``
    the answer is None unless the content really looks like one of the formats (used
    to pass over READMEs and data files met while walking a folder).
    """
    head = text[:_SNIFF_CHARS]
    if _JSON_START.match(head):
        return "wikitimes" if guess or _WIKITIMES_KEYS.search(head) else None
    if _INDEX_HEADING.search(head) and (
        _INDEX_ENTRY.search(head) or _INDEX_NAVIGATION.search(head)
    ):
        return "day-index"
    if _EVENT_HEADING.search(head) or _EVENT_SECTION.search(head):
        return "event-page"
    if _INDEX_HEADING.search(head) or _FORMATS_LINE.search(head):
        return "day-index" if path.endswith(("index.md", "index.html")) else "event-page"
    if path.lower().endswith(_JSON_EXTENSIONS) and head.lstrip().startswith(("{", "[")):
        return "wikitimes" if guess or _WIKITIMES_KEYS.search(head) else None
    return "article" if guess or _looks_like_article(head, path) else None


def parse_document(text: str, path: str, format: str | None = None) -> Document:
    """Parse ``text`` (the contents of ``path``) as ``format``, or as the detected format.

    Raises:
        ParseError: empty text, an unknown format name, or text the format cannot read.
    """
    if not text.strip():
        raise ParseError("empty file", path=path)
    name = format or detect_format(text, path) or "article"
    parser = FORMATS.get(name)
    if parser is None:
        known = ", ".join(FORMATS)
        raise ParseError(f"unknown format {name!r}; known formats: {known}", path=path)
    return parser(text, path)
