"""WikiTimes exports of the Wikipedia Current Events Portal: JSON records, one event each.

A file is a JSON list of records, a single record, or JSON Lines::

    {"date": "2015-09-01", "description": "The United Nations confirms ...",
     "entity": [{"name": "United Nations", "wikiURL": "http://en.wikipedia.org/wiki/..."}],
     "source": [{"sourceName": "BBC", "url": "http://www.bbc.com/news/...", "type": "article"}],
     "belongsToStory": {"name": "Destruction of cultural heritage by ISIL", ...},
     "category": {"name": "War_Conflict"}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import unquote

from kg.model import Document, Event, ParseError, SourceLink
from kg.nesting import MAX_DEPTH, check_json_depth
from kg.parse.text import clean_inline, content_hash, fold_whitespace, source_link

FORMAT = "wikitimes"

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_CITATION_NEEDED = re.compile(r"\[\s*citation needed\s*\]", re.IGNORECASE)
# Link texts the export dropped leave ", , )" behind at the end of a description.
_TRAILING_DEBRIS = re.compile(r"(?:\s*[,;]|\s+\)|\s*\(\s*\))+\s*$")
_DECODER = json.JSONDecoder()


def parse_wikitimes(text: str, path: str) -> Document:
    """Read a WikiTimes export into a Document with one Event per record."""
    # Before any record is decoded: json recurses once per level of nesting.
    check_json_depth(text, path=path)
    events = tuple(
        _event(record, number, line, path) for number, line, record in _records(text, path)
    )
    return Document(path=path, format=FORMAT, events=events, content_hash=content_hash(text))


def _records(text: str, path: str) -> Iterator[tuple[int, int, Any]]:
    """(record number, line, value) for a JSON list, a single object or JSON Lines."""
    start = _skip_space(text, 1 if text.startswith("\ufeff") else 0)
    if start == len(text):
        raise ParseError("empty file", path=path)
    if text[start] == "[":
        yield from _array_records(text, start, path)
        return
    value, end = _decode(text, start, path)
    if _skip_space(text, end) == len(text):
        yield 1, _line_at(text, start), value
        return
    # More values follow the first: JSON Lines (or concatenated objects).
    number, position = 1, start
    while position < len(text):
        value, end = _decode(text, position, path)
        yield number, _line_at(text, position), value
        number, position = number + 1, _skip_space(text, end)


def _array_records(text: str, start: int, path: str) -> Iterator[tuple[int, int, Any]]:
    position = _skip_space(text, start + 1)
    if text.startswith("]", position):
        _expect_end(text, position + 1, path)
        return
    number = 1
    while True:
        value, end = _decode(text, position, path)
        yield number, _line_at(text, position), value
        position = _skip_space(text, end)
        if text.startswith(",", position):
            position, number = _skip_space(text, position + 1), number + 1
        elif text.startswith("]", position):
            _expect_end(text, position + 1, path)
            return
        else:
            raise ParseError(
                "invalid JSON: expected ',' or ']' after a record",
                path=path,
                line=_line_at(text, position),
            )


def _decode(text: str, position: int, path: str) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as error:
        raise ParseError(f"invalid JSON: {error.msg}", path=path, line=error.lineno) from None
    except RecursionError:  # check_json_depth bounds it; this only if the stack is already deep
        raise ParseError(f"invalid JSON: nested too deeply to read (limit {MAX_DEPTH} levels)",
                         path=path, line=_line_at(text, position)) from None


def _expect_end(text: str, position: int, path: str) -> None:
    end = _skip_space(text, position)
    if end != len(text):
        raise ParseError(
            "invalid JSON: extra data after the list", path=path, line=_line_at(text, end)
        )


def _skip_space(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _event(record: Any, number: int, line: int, path: str) -> Event:
    if not isinstance(record, dict):
        raise ParseError(f"record {number} is not a JSON object", path=path, line=line)
    headline = _headline(record.get("description"))
    if not headline:
        raise ParseError(f"record {number} has no description", path=path, line=line)
    entities = tuple(
        (_entity_name(name, url), url)
        for entity in _dicts(record.get("entity"))
        if (name := fold_whitespace(str(entity.get("name") or "")))
        for url in (str(entity.get("wikiURL") or "").strip(),)
    )
    story = record.get("belongsToStory")
    topic = fold_whitespace(str(story.get("name") or "")) if isinstance(story, dict) else ""
    return Event(
        headline=headline,
        date=_date(record.get("date"), number, line, path),
        line=line,
        topic=topic or None,
        context=tuple(dict.fromkeys(name for name, _ in entities)),
        sources=tuple(_sources(record.get("source"))),
        entities=entities,
    )


def _headline(description: Any) -> str:
    if not isinstance(description, str):
        return ""
    text = _CITATION_NEEDED.sub("", description)
    text = _TRAILING_DEBRIS.sub("", fold_whitespace(text))
    return clean_inline(text)


def _date(value: Any, number: int, line: int, path: str) -> date:
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ParseError(
            f"record {number} has no valid date (got {value!r})", path=path, line=line
        ) from None


def _entity_name(name: str, url: str) -> str:
    """The entity's name, with characters the export dropped restored from its Wikipedia URL.

    The export lost non-ASCII letters and some punctuation ("Franois Hollande" for
    ``.../wiki/François_Hollande``, "Peoples Action Party" for ``People's_Action_Party``);
    when the name is the URL's title with characters left out, the title is the name.
    """
    marker = url.find("/wiki/")
    if marker < 0 or "#" in url:  # a section link's title is not the entity's name
        return name
    title = fold_whitespace(unquote(url[marker + 6 :]).replace("_", " "))
    if title == name or not title or not _is_subsequence(name, title):
        return name
    return title


def _is_subsequence(short: str, long: str) -> bool:
    characters = iter(long)
    return all(char in characters for char in short)


def _sources(value: Any) -> Iterator[SourceLink]:
    for source in _dicts(value):
        url = str(source.get("url") or "").strip()
        label = str(source.get("sourceName") or "").strip()
        if url:
            yield source_link(label, url)


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))
