"""thecontext.net day index pages: every event of one day, each a linked headline.

::

    ## [2008-04-3](/news/2008/04/3/index.md)

    ##### Harare
    ### [ Police in riot gear surround a hotel in Harare ... ](/news/2008/04/3/police-....md)
    Intruders ransacked offices of the main opposition party ...
    _Context: Harare, Zimbabwe_

    ## [Previous Day...](/news/2008/04/2/index.md)

The ``##### topic`` line, the summary lines and the context note are all optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Document, Event, ParseError
from kg.parse.markdown import (
    DATE_HEADING,
    LINK_HEADING,
    TOPIC_LINE,
    DateHeading,
    read_date_heading,
)
from kg.parse.text import clean_inline, content_hash, parse_context, split_lines, split_topic
from kg.parse.url import news_path

FORMAT = "day-index"
_NAVIGATION = re.compile(r"^\s*(?:previous|next)\s+day\b", re.IGNORECASE)


@dataclass
class _Entry:
    raw_headline: str
    href: str
    line: int
    topic: str | None
    day: DateHeading
    summary: list[list[str]] = field(default_factory=lambda: [[]])
    context: list[str] = field(default_factory=list)

    def to_event(self, path: str) -> Event:
        topic_prefix, headline = split_topic(self.raw_headline)
        if not headline:
            raise ParseError("empty headline in index entry", path=path, line=self.line)
        summary = "\n\n".join(
            text for paragraph in self.summary if (text := clean_inline(" ".join(paragraph)))
        )
        return Event(
            headline=headline,
            date=self.day.day,
            line=self.line,
            path=news_path(self.href),
            summary=summary or None,
            topic=self.topic or topic_prefix,
            context=tuple(dict.fromkeys(self.context)),
        )


def parse_day_index(text: str, path: str) -> Document:
    """Read a day index page into a Document with one Event per listed headline."""
    heading: DateHeading | None = None
    topic: str | None = None
    entries: list[_Entry] = []
    current: _Entry | None = None
    for index, line in enumerate(split_lines(text)):
        number = index + 1
        stripped = line.strip()
        if match := DATE_HEADING.match(line):
            heading = read_date_heading(match, path=path, line=number)
            current, topic = None, None
            continue
        if match := TOPIC_LINE.match(line):
            topic = clean_inline(match.group("topic")) or None
            current = None
            continue
        if match := LINK_HEADING.match(line):
            current = None
            if _NAVIGATION.match(match.group("text")):
                topic = None
                continue
            if heading is None:
                raise ParseError(
                    "no date heading (a line like '## [2007-06-7](/news/2007/06/7/index.md)')"
                    " before the first entry",
                    path=path,
                    line=number,
                )
            current = _Entry(match.group("text"), match.group("href"), number, topic, heading)
            entries.append(current)
            topic = None
            continue
        if current is None:
            continue
        if not stripped:
            if current.summary[-1]:
                current.summary.append([])
            continue
        context = parse_context(stripped)
        if context is not None:
            current.context.extend(context)
        else:
            current.summary[-1].append(stripped)
    if heading is None:
        raise ParseError(
            "no date heading (a line like '## [2007-06-7](/news/2007/06/7/index.md)')",
            path=path,
            line=_first_text_line(text),
        )
    events = tuple(entry.to_event(path) for entry in entries)
    return Document(path=path, format=FORMAT, events=events, content_hash=content_hash(text))


def _first_text_line(text: str) -> int:
    for index, line in enumerate(split_lines(text)):
        if line.strip():
            return index + 1
    return 1
