"""thecontext.net / Wikipedia Current Events event pages: one event with sources and related events.

Two layouts are read. The seed layout::

    ### [2007-06-7](/news/2007/06/7/index.md)
    #  President of the United States ... meet to discuss missile defense.
    <optional summary paragraphs>
    ### Source:
    1. [AP via the Guardian](http://...)
    ### Related:
    1. [ headline ](/news/2007/07/2/....md) _Context: George W. Bush, Vladimir Putin_

and the newer layout, which adds a ``Formats:`` line, a ``##### topic`` line above the
title, ``### Sources:`` and a ``### Changes:`` list of earlier versions. Sections may
come in any order and list numbers may repeat.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.model import Document, Event, EventRef, ParseError, SourceLink
from kg.parse.markdown import (
    DATE_HEADING,
    FORMATS_LINE,
    LINK_ITEM,
    MARKDOWN_LINK,
    SECTION_HEADING,
    TITLE_LINE,
    TOPIC_LINE,
    DateHeading,
    read_date_heading,
)
from kg.parse.text import (
    clean_inline,
    content_hash,
    is_cover_image,
    parse_context,
    source_link,
    split_lines,
    split_topic,
)
from kg.parse.url import date_from_news_path, news_path

FORMAT = "event-page"
_HEADING_EXAMPLE = "'### [2007-06-7](/news/2007/06/7/index.md)'"
_SECTIONS = {
    "source": "sources",
    "sources": "sources",
    "related": "related",
    "changes": "changes",
}


@dataclass
class _Header:
    heading: DateHeading
    title: str
    title_line: int
    topic: str | None
    formats_path: str | None


@dataclass
class _Body:
    summary: list[list[str]] = field(default_factory=lambda: [[]])
    sources: list[SourceLink] = field(default_factory=list)
    related: list[EventRef] = field(default_factory=list)
    versions: list[EventRef] = field(default_factory=list)
    current_path: str | None = None


def parse_event_page(text: str, path: str) -> Document:
    """Read one event page into a Document holding one Event."""
    lines = split_lines(text)
    header, body_start = _read_header(lines, path)
    body = _read_body(lines, body_start)

    topic_prefix, headline = split_topic(header.title)
    if not headline:
        raise ParseError("empty title", path=path, line=header.title_line)
    summary = "\n\n".join(
        cleaned for paragraph in body.summary if (cleaned := clean_inline(" ".join(paragraph)))
    )
    event = Event(
        headline=headline,
        date=header.heading.day,
        line=header.title_line,
        path=body.current_path or header.formats_path,
        summary=summary or None,
        topic=header.topic or topic_prefix,
        sources=tuple(body.sources),
        related=tuple(body.related),
        versions=tuple(body.versions),
    )
    return Document(path=path, format=FORMAT, events=(event,), content_hash=content_hash(text))


def _read_header(lines: list[str], path: str) -> tuple[_Header, int]:
    """The date heading, topic and title; returns them and the index of the next line."""
    heading: DateHeading | None = None
    topic: str | None = None
    formats_path: str | None = None
    first_text_line: int | None = None
    for index, line in enumerate(lines):
        number = index + 1
        if not line.strip():
            continue
        if first_text_line is None:
            first_text_line = number
        if heading is None and (match := DATE_HEADING.match(line)):
            heading = read_date_heading(match, path=path, line=number)
            continue
        if match := TOPIC_LINE.match(line):
            topic = clean_inline(match.group("topic")) or None
            continue
        if heading is None:
            if FORMATS_LINE.match(line):
                formats_path = _formats_path(line)
            elif TITLE_LINE.match(line) or SECTION_HEADING.match(line):
                raise ParseError(
                    f"no date heading (a line like {_HEADING_EXAMPLE}) before this line",
                    path=path,
                    line=number,
                )
            continue
        if match := TITLE_LINE.match(line):
            title = match.group("title") or ""
            if not title.strip():
                raise ParseError("empty title line", path=path, line=number)
            header = _Header(heading, title, number, topic, formats_path)
            return header, index + 1
        raise ParseError(
            "no title line ('# ...') after the date heading; found this line instead",
            path=path,
            line=number,
        )
    if heading is None:
        raise ParseError(
            f"no date heading (a line like {_HEADING_EXAMPLE})",
            path=path,
            line=first_text_line or 1,
        )
    raise ParseError("no title line ('# ...') after the date heading", path=path, line=heading.line)


def _formats_path(line: str) -> str | None:
    for match in MARKDOWN_LINK.finditer(line):
        if found := news_path(match.group("href")):
            return found
    return None


def _read_body(lines: list[str], start: int) -> _Body:
    body = _Body()
    section: str | None = None
    for line in lines[start:]:
        stripped = line.strip()
        if heading := SECTION_HEADING.match(line):
            section = _SECTIONS.get(heading.group("name").lower(), "other")
            continue
        if section is None:
            if stripped:
                body.summary[-1].append(stripped)
            elif body.summary[-1]:
                body.summary.append([])
            continue
        if not stripped:
            continue
        if item := LINK_ITEM.match(line):
            _read_item(body, section, item.group("text"), item.group("href"), item.group("rest"))
        elif section == "related" and body.related:
            context = parse_context(stripped)
            if context is not None:  # a context note on its own line after its entry
                last = body.related[-1]
                body.related[-1] = EventRef(
                    headline=last.headline,
                    date=last.date,
                    path=last.path,
                    context=tuple(dict.fromkeys(last.context + context)),
                )
    return body


def _read_item(body: _Body, section: str, text: str, href: str, rest: str) -> None:
    if section == "sources":
        if href.strip() and not is_cover_image(text):
            body.sources.append(source_link(text, href))
        return
    if section not in ("related", "changes"):
        return
    _, headline = split_topic(text)
    if not headline:
        return
    ref_path = news_path(href)
    if section == "related":
        context = parse_context(rest) or ()
        ref = EventRef(headline, date_from_news_path(ref_path), ref_path, context)
        body.related.append(ref)
        return
    body.versions.append(EventRef(headline, date_from_news_path(ref_path), ref_path))
    if "current version" in rest.lower() and ref_path:
        body.current_path = ref_path
