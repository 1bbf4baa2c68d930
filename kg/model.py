"""Plain records that flow from the parsers through extraction to the mapper.

Parsers fill in what the text says literally (headlines, link texts, dates);
extractors (``kg.extract``) add the recognised actors, posts, topics and places
with ``dataclasses.replace``; the mapper turns the finished records into RDF.
Nothing here knows about RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class ActorKind(StrEnum):
    """What kind of actor a node is; the value is also the IRI path segment."""

    PERSON = "person"
    STATE = "state"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class Span:
    """Where in a record's text something was found (character offsets, end exclusive).

    ``field`` names which text of the record the offsets index, as the parser produced
    it: "headline", "summary", "title", "body", "dateline" or "context" (one of an event's
    context tags); empty when the caller did not name it. ``text[start:end]`` of that
    string is ``text``.
    """

    start: int
    end: int
    text: str
    field: str = ""


@dataclass(frozen=True)
class Actor:
    """A person, state or international organisation, one per real-world actor."""

    name: str
    kind: ActorKind
    qid: str | None = None
    wikipedia: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Post:
    """A position such as "President of the United States", optionally with its holder."""

    name: str
    qid: str | None = None
    state: Actor | None = None
    holder: Actor | None = None


@dataclass(frozen=True)
class Place:
    """A named place (a city, resort, region)."""

    name: str
    qid: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Outlet:
    """A publisher or wire agency, normalised ("the Guardian" -> "The Guardian")."""

    name: str
    qid: str | None = None
    is_agency: bool = False


@dataclass(frozen=True)
class EventType:
    """A CAMEO event type given to an event, with the words that triggered it."""

    code: str
    label: str
    dip_class: str | None = None
    trigger: str = ""
    span: Span | None = None  # where the trigger words stand (headline or summary)


@dataclass(frozen=True)
class Evidence:
    """Words that named an actor, a post or a place: one per distinct mention."""

    target: Actor | Post | Place
    span: Span


@dataclass(frozen=True)
class Mentions:
    """What extraction recognised in a piece of text, and the words that said so."""

    actors: tuple[Actor, ...] = ()
    posts: tuple[Post, ...] = ()
    topics: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    # Not compared: the same actors found in other words are the same mentions.
    evidence: tuple[Evidence, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class SourceLink:
    """One entry of an event page's source list.

    ``publisher_text`` and ``agency_text`` are the raw words of the link
    ("AP via the Guardian" gives agency "AP", publisher "the Guardian");
    ``publisher`` and ``agency`` are filled in by extraction.
    """

    label: str
    url: str
    publisher_text: str | None = None
    agency_text: str | None = None
    publisher: Outlet | None = None
    agency: Outlet | None = None


@dataclass(frozen=True)
class EventRef:
    """An event named by another page (a Related entry, a Changes entry, an index line)."""

    headline: str
    date: date | None = None
    path: str | None = None
    context: tuple[str, ...] = ()
    mentions: Mentions = field(default_factory=Mentions)


@dataclass(frozen=True)
class Event:
    """A news event: a one-sentence headline on a date, with sources and related events."""

    headline: str
    date: date
    line: int = 0
    path: str | None = None
    summary: str | None = None
    topic: str | None = None
    context: tuple[str, ...] = ()
    sources: tuple[SourceLink, ...] = ()
    related: tuple[EventRef, ...] = ()
    versions: tuple[EventRef, ...] = ()
    mentions: Mentions = field(default_factory=Mentions)
    event_type: EventType | None = None
    # (name, Wikipedia URL) pairs the source itself links (WikiTimes entity lists).
    entities: tuple[tuple[str, str], ...] = ()
    # The states and organisations its participants act for on its date, through the posts
    # they hold ("Russian President Dmitry Medvedev": Russia); involved, not participants.
    represented: tuple[Actor, ...] = ()


@dataclass(frozen=True)
class Quote:
    """Words an article quotes, who said them, and where they stand in its body."""

    text: str
    speaker: Actor | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Article:
    """A full-text news article."""

    title: str
    body: str
    line: int = 0
    url: str | None = None
    published: date | None = None
    byline: str | None = None
    publisher_text: str | None = None
    agency_texts: tuple[str, ...] = ()
    dateline: str | None = None
    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    publisher: Outlet | None = None
    agencies: tuple[Outlet, ...] = ()
    place: Place | None = None
    mentions: Mentions = field(default_factory=Mentions)
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Document:
    """Everything one input file holds, and where it came from."""

    path: str
    format: str
    events: tuple[Event, ...] = ()
    articles: tuple[Article, ...] = ()
    content_hash: str = ""


class ParseError(ValueError):
    """Input that cannot be read as its format; names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = path or "<input>"
        if line:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")
