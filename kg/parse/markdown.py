"""The Markdown line shapes thecontext.net pages are built from, shared by its two parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kg.model import ParseError

# "### [2007-06-7](/news/2007/06/7/index.md)" on event pages, "## [...]" on day indexes.
DATE_HEADING = re.compile(
    r"^\s{0,3}(?P<hashes>#{1,6})\s*\[\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\s*\]"
    r"\((?P<href>[^)\s]*)\)\s*$"
)
TOPIC_LINE = re.compile(r"^\s{0,3}#####\s+(?P<topic>.*?)\s*#*\s*$")
TITLE_LINE = re.compile(r"^\s{0,3}#(?:\s+(?P<title>.*?))?\s*$")
SECTION_HEADING = re.compile(r"^\s{0,3}#{2,4}\s*(?P<name>[A-Za-z][A-Za-z ]*?)\s*:?\s*$")
FORMATS_LINE = re.compile(r"^\s*Formats\s*:", re.IGNORECASE)
# "1. [text](href) rest" -- the text may itself hold brackets ("[http:--x (BBC)]"), so the
# greedy text group backs off to the last "](" that is followed by a well-formed target;
# the target may hold one level of parentheses (Wikipedia titles).
LINK_ITEM = re.compile(
    r"^\s*(?:\d+[.)]|[-*+])\s*\[(?P<text>.*)\]"
    r"\((?P<href>[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)\)\s*(?P<rest>.*?)\s*$"
)
# "### [headline](path)" entries of a day index.
LINK_HEADING = re.compile(
    r"^\s{0,3}#{2,4}\s*\[(?P<text>.*)\]"
    r"\((?P<href>[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)\)\s*$"
)
MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<href>[^)\s]*)\)")


@dataclass(frozen=True)
class DateHeading:
    """A page's date heading: the day, its link and the line it is on."""

    day: date
    href: str
    line: int
    level: int


def read_date_heading(match: re.Match[str], *, path: str, line: int) -> DateHeading:
    """The date of a matched ``DATE_HEADING``; an impossible day is a ParseError."""
    try:
        day = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError as error:
        raise ParseError(f"invalid date in heading: {error}", path=path, line=line) from None
    return DateHeading(day=day, href=match.group("href"), line=line, level=len(match["hashes"]))
