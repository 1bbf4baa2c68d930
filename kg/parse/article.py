"""Full-text news articles, as a Markdown page or as plain text.

Markdown (a syndicated page)::

    ## Putin, Bush to debate missile defence plans
    By [Global Research](#)
    Global Research, April 05, 2008
    Associated Press 5 April 2008
    Region: [Russia and FSU](#), [USA](#)
    Theme: [Militarization and WMD](#)
    SOCHI, Russia (AFP) — President George W. Bush was to arrive ...
    ...
    The original source of this article is Associated Press
    Copyright © ...

Plain text: the title on the first line, then a standfirst and the body; image
captions ("... meals[AFP]") and short section subheads are dropped, and a
``SOURCE: Agencies`` line ends the body (what follows is the site's teasers).
Any other text falls back to the same reading: first line title, the rest body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kg.model import Article, Document, ParseError
from kg.parse.text import content_hash, fold_whitespace, split_lines, unescape

FORMAT = "article"

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501
_MDY = rf"(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
_DMY = rf"(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})"
_ISO = r"(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
_DATE = rf"(?:{_MDY}|{_DMY}|{_ISO})"

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.*?)\s*#*\s*$")
_BYLINE = re.compile(r"^By\s+(?P<name>.+)$", re.IGNORECASE)
_NAME_DATE = re.compile(rf"^(?P<name>[^\d,][^,]{{0,80}}?),?\s+{_DATE}$", re.IGNORECASE)
_DATE_ONLY = re.compile(rf"^{_DATE}$", re.IGNORECASE)
_LABELLED = re.compile(r"^(?P<label>Regions?|Themes?)\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(?P<inner>.+?)\1")
_FOOTER = re.compile(
    r"^(?:The original source of this article is\b|Copyright\s*(?:©|\(c\)|&copy;)"
    r"|-{3,}$|\*{3,}$|_{3,}$|Articles by\s*:|\**Disclaimer\b)",
    re.IGNORECASE,
)
_ORIGINAL_SOURCE = re.compile(r"^The original source of this article is\s+(?P<name>.+?)\s*$")
_SOURCE_LINE = re.compile(r"^SOURCE\s*:\s*(?P<names>.*?)\s*$")
_NAME_SPLIT = re.compile(r"\s*(?:,|/|\band\b)\s*")
_CAPTION = re.compile(r"\[[^\[\]]{1,40}\]\s*$")
_TERMINAL = re.compile(r"[.!?:;,\"'”’)\]…]$")
# "SOCHI, Russia (AFP) — ", "UNITED NATIONS (AP) — ", "MOSCOW, April 5 (Reuters) - ".
_DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+)*)"
    r"(?P<region>(?:,\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*)*)?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<agency>[^()]{1,40})\))?"
    r"\s*(?:—|–|--|-)\s+"
)
_MINOR_WORDS = frozenset({"of", "the", "and", "de", "la", "le", "del", "da", "do", "al", "el"})
_CAPTION_MAX_LINES = 3
_SUBHEAD_MAX_WORDS = 6


@dataclass
class _Block:
    line: int
    lines: list[str]


@dataclass
class _Meta:
    byline: str | None = None
    publisher: str | None = None
    published: date | None = None
    agencies: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


def parse_article(text: str, path: str) -> Document:
    """Read one article (Markdown page or plain text) into a Document holding one Article."""
    lines = split_lines(text)
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ParseError("empty file", path=path)
    heading = _HEADING.match(lines[first])
    if heading is not None:
        article = _parse_markdown(lines, first, heading.group("title"), path)
    else:
        article = _parse_plain(lines, first, path)
    return Document(path=path, format=FORMAT, articles=(article,), content_hash=content_hash(text))


def _parse_markdown(lines: list[str], first: int, raw_title: str, path: str) -> Article:
    title = _plain(raw_title)
    if not title:
        raise ParseError("empty title", path=path, line=first + 1)
    blocks, footer = _split_footer(_blocks(lines, first + 1))
    meta = _Meta()
    body_blocks = list(blocks)
    while body_blocks and _read_meta(_plain(" ".join(body_blocks[0].lines)), meta):
        body_blocks.pop(0)
    paragraphs = [_plain(" ".join(block.lines)) for block in body_blocks]
    dateline, paragraphs = _take_dateline(paragraphs, meta)
    _read_footer(footer, meta)
    return Article(
        title=title,
        body="\n\n".join(p for p in paragraphs if p),
        line=first + 1,
        published=meta.published,
        byline=meta.byline,
        publisher_text=meta.publisher,
        agency_texts=tuple(dict.fromkeys(meta.agencies)),
        dateline=dateline,
        regions=tuple(meta.regions),
        themes=tuple(meta.themes),
    )


def _parse_plain(lines: list[str], first: int, path: str) -> Article:
    title = _plain(lines[first])
    blocks, footer = _split_footer(_blocks(lines, first + 1))
    meta = _Meta()
    kept: list[str] = []
    for block in blocks:
        if _is_caption(block):
            continue
        block_lines: list[str] = []
        ended = False
        for line in block.lines:
            if source := _SOURCE_LINE.match(line):
                meta.agencies.extend(_names(source.group("names")))
                ended = True
                break
            if not _is_subhead(line):
                block_lines.append(_plain_keep_spacing(line))
        if block_lines:
            kept.append("\n".join(block_lines))
        if ended:
            break
    dateline, paragraphs = _take_dateline(kept, meta)
    _read_footer(footer, meta)
    return Article(
        title=title,
        body="\n\n".join(p for p in paragraphs if p),
        line=first + 1,
        published=meta.published,
        agency_texts=tuple(dict.fromkeys(meta.agencies)),
        dateline=dateline,
    )


def _blocks(lines: list[str], start: int) -> list[_Block]:
    """Paragraphs (runs of non-blank lines, stripped) from ``start`` on."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if not stripped:
            current = None
        elif current is None:
            current = _Block(index + 1, [stripped])
            blocks.append(current)
        else:
            current.lines.append(stripped)
    return blocks


def _split_footer(blocks: list[_Block]) -> tuple[list[_Block], list[str]]:
    """The blocks before the first footer line, and the footer's lines."""
    for number, block in enumerate(blocks):
        for offset, line in enumerate(block.lines):
            if _FOOTER.match(line):
                kept = blocks[:number]
                if offset:
                    kept.append(_Block(block.line, block.lines[:offset]))
                footer = block.lines[offset:] + [ln for b in blocks[number + 1 :] for ln in b.lines]
                return kept, footer
    return blocks, []


def _read_meta(text: str, meta: _Meta) -> bool:
    """Record a header line (byline, dated publisher, region list); False if it is body text."""
    if match := _BYLINE.match(text):
        meta.byline = match.group("name").strip()
        return True
    if match := _LABELLED.match(text):
        values = [fold_whitespace(value) for value in match.group("value").split(",")]
        target = meta.regions if match.group("label").lower().startswith("region") else meta.themes
        target.extend(value for value in values if value)
        return True
    if match := _DATE_ONLY.match(text):
        meta.published = meta.published or _date(match)
        return True
    if (match := _NAME_DATE.match(text)) and len(match.group("name").split()) <= 6:
        name = match.group("name").strip()
        if "," in text[: match.end("name") + 1] and meta.publisher is None:
            meta.publisher = name  # "Global Research, April 05, 2008"
        else:
            meta.agencies.append(name)  # "Associated Press 5 April 2008"
        meta.published = meta.published or _date(match)
        return True
    return False


def _date(match: re.Match[str]) -> date | None:
    for suffix in ("1", "2", "3"):
        year = match.group(f"y{suffix}")
        if year is None:
            continue
        month_text = match.group(f"m{suffix}").rstrip(".").lower()
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
        try:
            return date(int(year), month or 0, int(match.group(f"d{suffix}")))
        except ValueError:
            return None
    return None


def _take_dateline(paragraphs: list[str], meta: _Meta) -> tuple[str | None, list[str]]:
    """Strip a wire dateline from the first or second paragraph; returns it title-cased."""
    for index, paragraph in enumerate(paragraphs[:2]):
        match = _DATELINE.match(paragraph)
        if match is None:
            continue
        if match.group("agency"):
            meta.agencies.insert(0, match.group("agency").strip())
        region = match.group("region")
        dateline = _title_case(match.group("city")) + (region if region else "")
        rest = [*paragraphs[:index], paragraph[match.end() :], *paragraphs[index + 1 :]]
        return dateline, rest
    return None, paragraphs


def _title_case(city: str) -> str:
    words = []
    for position, word in enumerate(city.split()):
        if "." in word:  # "U.S." stays as written
            words.append(word)
        elif position and word.lower() in _MINOR_WORDS:
            words.append(word.lower())
        else:
            words.append(re.sub(r"[A-Z]+", lambda m: m.group(0).capitalize(), word))
    return " ".join(words)


def _read_footer(footer: list[str], meta: _Meta) -> None:
    for line in footer:
        if match := _ORIGINAL_SOURCE.match(_plain(line)):
            meta.agencies.append(match.group("name"))


def _names(text: str) -> list[str]:
    return [name for name in (n.strip() for n in _NAME_SPLIT.split(text)) if name]


def _is_caption(block: _Block) -> bool:
    """An image caption: a short block ending in a bracketed credit ("...meals[AFP]")."""
    return len(block.lines) <= _CAPTION_MAX_LINES and _CAPTION.search(block.lines[-1]) is not None


def _is_subhead(line: str) -> bool:
    """A section subhead: a few capitalised words with no closing punctuation."""
    return (
        len(line.split()) <= _SUBHEAD_MAX_WORDS
        and line[:1].isupper()
        and _TERMINAL.search(line) is None
    )


def _plain(text: str) -> str:
    """Markdown inline text as plain text, whitespace folded."""
    return fold_whitespace(_plain_keep_spacing(text))


def _plain_keep_spacing(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group("text"), unescape(text))
    return _EMPHASIS.sub(lambda m: m.group("inner"), text).strip()
