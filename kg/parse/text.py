"""Text clean-up shared by the parsers: entities, wiki leftovers, whitespace, source labels."""

from __future__ import annotations

import hashlib
import html
import re

from kg.model import SourceLink
from kg.parse.url import unwrap_url

# Only entities closed by ";": html.unescape alone would also turn "&not" in "&notes" into "¬es".
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A wiki external link flattened into link text: "[http:--www.bbc.com-news-1 (BBC)]",
# sometimes with the name in quotes and the whole thing in quotes.
_PSEUDO_LINK = re.compile(
    r"\"?\[\s*(?:https?|ftp):--[^\s\]]*(?:\s+\"?\(?(?P<name>[^\]\"()]*?)\)?\"?)?\s*\]\"?"
)
_EMPTY_PARENS = re.compile(r"\(\s*\)")
_WIKI_PAIR = re.compile(r"'{2,}(?P<inner>(?:[^'\n]|'(?!'))+?)'{2,}")
_WIKI_STRAY = re.compile(r"'{2,}")
_SPACED_PUNCT = (" ,", " .", " ;", " :", " !", " ?")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])(?=\s|$)")
# A leading topic in wiki quotes: "''33rd G8 summit:'' President ..." and the form the
# site later rendered it in, "\"33rd G8 summit:\": President ...".
_WIKI_TOPIC = re.compile(
    r"^'{2,}(?P<topic>(?:[^'\n]|'(?!'))+?):'{2,}\s*:?\s*(?P<rest>.*)$", re.DOTALL
)
_QUOTED_TOPIC = re.compile(r"^\"(?P<topic>[^\"\n]+?):\"\s*:?\s*(?P<rest>.*)$", re.DOTALL)
_VIA = re.compile(r"^(?P<agency>.+?)\s+via\s+(?P<publisher>.+)$", re.IGNORECASE)
_CONTEXT = re.compile(r"^_\s*Context\s*:\s*(?P<items>.*?)\s*_?\s*$", re.IGNORECASE)
_COVER_IMAGE = re.compile(r"^\s*cover\s+image\s*$", re.IGNORECASE)


def content_hash(text: str) -> str:
    """The SHA-256 hex digest of a document's text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their ends; index + 1 is the line number.

    Only ``\\n`` ends a line (``str.splitlines`` also splits on form feeds and
    U+2028, which editors do not count).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return [line.rstrip("\r") for line in text.split("\n")]


def unescape(text: str) -> str:
    """Decode HTML entities (``&quot;``, ``&#x27;``, ``&#8216;``), twice-escaped ones too."""
    for _ in range(2):
        if "&" not in text:
            break
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def fold_whitespace(text: str) -> str:
    """Runs of whitespace (no-break spaces included) as one space, ends stripped."""
    return " ".join(text.split())


def clean_inline(text: str) -> str:
    """One line of page text as readable plain text.

    Entities decoded; ``[http:--host-path (Name)]`` pseudo-links become ``(Name)``;
    paired wiki quotes ``''X''`` become ``"X"`` (as the site itself later rendered
    them) and stray ones go; whitespace folded.
    """
    text = unescape(text)
    if ":--" in text:
        text = _PSEUDO_LINK.sub(_pseudo_link_name, text)
        text = _EMPTY_PARENS.sub("", text)
    if "''" in text:
        text = _WIKI_PAIR.sub(lambda m: f'"{m.group("inner")}"', text)
        text = _WIKI_STRAY.sub("", text)
    text = fold_whitespace(text)
    if any(pair in text for pair in _SPACED_PUNCT):
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return text


def _pseudo_link_name(match: re.Match[str]) -> str:
    name = fold_whitespace(match.group("name") or "")
    return f" ({name})" if name else " "


def split_topic(text: str) -> tuple[str | None, str]:
    """A headline's leading wiki topic and the rest: ``''33rd G8 summit:'' X`` -> topic, ``X``.

    Only the explicit quoted form counts; a plain ``Topic: rest`` stays whole.
    ``text`` is the raw (uncleaned) headline; both parts come back cleaned.
    """
    raw = unescape(text).strip()
    match = _WIKI_TOPIC.match(raw) or _QUOTED_TOPIC.match(raw)
    if match is None or not match.group("rest").strip():
        return None, clean_inline(raw)
    return clean_inline(match.group("topic")), clean_inline(match.group("rest"))


def parse_context(text: str) -> tuple[str, ...] | None:
    """The names of a ``_Context: a, b, c_`` note, or None if ``text`` is not one."""
    match = _CONTEXT.match(text.strip())
    if match is None:
        return None
    names = (clean_inline(item) for item in match.group("items").split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def is_cover_image(label: str) -> bool:
    """Whether a source-list label is the page's "Cover Image" entry, which is no source."""
    return _COVER_IMAGE.match(label) is not None


def source_link(label: str, url: str) -> SourceLink:
    """A source entry: ``"AP via the Guardian"`` -> agency ``AP``, publisher ``the Guardian``."""
    label = clean_inline(label)
    match = _VIA.match(label)
    if match is None:
        return SourceLink(label=label, url=unwrap_url(url), publisher_text=label or None)
    return SourceLink(
        label=label,
        url=unwrap_url(url),
        publisher_text=match.group("publisher").strip(),
        agency_text=match.group("agency").strip(),
    )
