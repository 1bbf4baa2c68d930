"""Extraction: the actors, posts, topics, places and outlets that parsed records name.

``extract_document(doc, gazetteer)`` fills in every ``mentions`` field of a parsed
Document, types each event a parser left untyped, resolves source outlets and an
article's dateline place, and returns a new Document (records are frozen;
``dataclasses.replace`` makes the copies).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kg.extract.context import classify_context
from kg.extract.event_type import classify_event
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.mentions import merge_mentions
from kg.extract.outlets import resolve_outlet, resolve_outlets
from kg.extract.quotes import find_quotes
from kg.extract.recognizer import recognize, recognize_all
from kg.extract.topic import headline_topics
from kg.model import (
    Actor,
    ActorKind,
    Article,
    Document,
    Event,
    EventRef,
    Evidence,
    Mentions,
    Outlet,
    Place,
    SourceLink,
    Span,
)

__all__ = [
    "Gazetteer",
    "classify_context",
    "extract_article",
    "extract_document",
    "extract_event",
    "find_quotes",
    "load_gazetteer",
    "recognize",
    "resolve_outlet",
    "resolve_place",
]


def extract_document(doc: Document, gazetteer: Gazetteer) -> Document:
    """The document with mentions, event types, outlets and places filled in on every record."""
    return replace(
        doc,
        events=tuple(extract_event(e, gazetteer) for e in doc.events),
        articles=tuple(extract_article(a, gazetteer) for a in doc.articles),
    )


def extract_event(event: Event, gazetteer: Gazetteer) -> Event:
    """An event with its own, its related and its versions' mentions and sources resolved,
    and its CAMEO type if the parser gave none; its topics are its Context tags and what its
    headline says is discussed."""
    hints = _entity_hints(event)
    tags = list(event.context)
    if event.topic and event.topic not in tags:
        tags.append(event.topic)
    text = recognize_all([event.headline, event.summary or ""], on_date=event.date,
                         gazetteer=gazetteer, locations=False, fields=("headline", "summary"))
    context = classify_context(tags, on_date=event.date, gazetteer=gazetteer, wikipedia=hints)
    context = _without_scene_states(context, text, [event.headline, event.summary or ""],
                                    event, gazetteer)
    # "missile defense" from the headline adds nothing beside a "missile defense shield" tag.
    tagged = [t.casefold() for t in (*text.topics, *context.topics)]
    discussed = Mentions(topics=tuple(
        t for t in headline_topics(event.headline, gazetteer)
        if not any(t.casefold() in other for other in tagged)
    ))
    event_type = event.event_type
    if event_type is None:
        event_type = classify_event(event.headline, event.summary)
    mentions = merge_mentions(text, context, discussed)
    return replace(
        event,
        mentions=mentions,
        represented=represented(mentions, event.date, gazetteer),
        event_type=event_type,
        sources=tuple(_source(s) for s in event.sources),
        related=tuple(_ref(r, gazetteer) for r in event.related),
        versions=tuple(_ref(r, gazetteer, fallback=event.date) for r in event.versions),
    )


def represented(mentions: Mentions, on_date: date, gazetteer: Gazetteer) -> tuple[Actor, ...]:
    """The states and organisations the participants act for on ``on_date``: those of the
    posts the text gives them, and of the posts the gazetteer says they held that day."""
    taking_part = {a.name for a in mentions.actors}
    found: dict[str, Actor] = {}
    for post in mentions.posts:
        if post.holder is not None and post.state is not None:
            found.setdefault(post.state.name, post.state)
    for actor in mentions.actors:
        if actor.kind is not ActorKind.PERSON:
            continue
        for entry in gazetteer.posts_held(actor.name, on_date):
            if entry.of is not None and gazetteer.get(entry.of) is not None:
                owner = gazetteer.actor(entry.of)
                found.setdefault(owner.name, owner)
    return tuple(a for name, a in found.items() if name not in taking_part)


def _without_scene_states(
    context: Mentions, text: Mentions, texts: list[str], event: Event, gazetteer: Gazetteer
) -> Mentions:
    """Context tags without the states the text names only as a scene, a nationality or in
    a post title ("crashes in Benzdorp, Suriname", "five other Palestinians", "the
    President of Angola"): a tag says a page is linked to a state, the text says whether
    the state takes part."""
    named = recognize_all(texts, on_date=event.date, gazetteer=gazetteer)
    taking_part = {a.name for a in text.actors}
    scene = {a.name for a in named.actors
             if a.kind is ActorKind.STATE and a.name not in taking_part}
    # "the daughter of the President of Angola": a state named only in the title of a post
    # whose holder takes no part. (A minister who acts, acts for the state.)
    scene |= {p.state.name for p in named.posts
              if p.state is not None and p.state.kind is ActorKind.STATE
              and p.state.name not in taking_part
              and (p.holder is None or p.holder.name not in taking_part)}
    if not scene:
        return context
    return replace(context, actors=tuple(a for a in context.actors if a.name not in scene))


def _entity_hints(event: Event) -> dict[str, str]:
    entities = getattr(event, "entities", ()) or ()
    hints: dict[str, str] = {}
    for item in entities:
        if isinstance(item, tuple) and len(item) == 2 and item[1]:
            hints.setdefault(str(item[0]), str(item[1]))
    return hints


def _ref(ref: EventRef, gazetteer: Gazetteer, fallback: date | None = None) -> EventRef:
    """A related entry or an older version as this page states it: its headline's actors,
    read as the event's own page reads its headline, and its Context tags as topics only.

    The tags say what the page linking to it is about ("Americans, Polish"), not who took
    part in the other event: as participants they made every event that appears in many
    Related lists gain actors its own page never names.
    """
    on_date = ref.date or fallback
    text = recognize_all([ref.headline], on_date=on_date, gazetteer=gazetteer,
                         locations=False, fields=("headline",))
    context = classify_context(ref.context, on_date=on_date, gazetteer=gazetteer)
    return replace(ref, mentions=merge_mentions(text, Mentions(topics=context.topics)))


def _source(link: SourceLink) -> SourceLink:
    text = link.publisher_text if link.publisher_text is not None else link.label
    publisher = resolve_outlet(text, link.url)
    agencies = resolve_outlets(link.agency_text)
    return replace(link, publisher=publisher, agency=agencies[0] if agencies else None)


def extract_article(article: Article, gazetteer: Gazetteer) -> Article:
    """An article with mentions (title and body, as of its publication date), its
    publisher, agencies, dateline place and attributed quotes."""
    mentions = recognize_all([article.title, article.body], on_date=article.published,
                             fields=("title", "body"),
                             gazetteer=gazetteer)
    place = resolve_place(article.dateline, gazetteer) if article.dateline else None
    if place is not None:
        mentions = merge_mentions(_dateline_place(article.dateline or "", place), mentions)
    publisher = (
        resolve_outlet(article.publisher_text, article.url)
        if article.publisher_text or article.url else None
    )
    agencies: list[Outlet] = []
    for text in article.agency_texts:
        for outlet in resolve_outlets(text):
            if outlet not in agencies:
                agencies.append(outlet)
    quotes = find_quotes(article.body, mentions, on_date=article.published,
                         gazetteer=gazetteer)
    return replace(
        article,
        mentions=mentions,
        publisher=publisher,
        agencies=tuple(agencies),
        place=place,
        quotes=quotes,
    )


def _dateline_place(dateline: str, place: Place) -> Mentions:
    """The dateline's place, with its first part ("SOCHI" of "SOCHI, Russia") as evidence."""
    city = next((p.strip(" ()—–-") for p in dateline.split(",") if p.strip(" ()—–-")), "")
    start = dateline.find(city) if city else -1
    if start < 0:
        return Mentions(places=(place,))
    span = Span(start, start + len(city), city, "dateline")
    return Mentions(places=(place,), evidence=(Evidence(place, span),))


def resolve_place(dateline: str, gazetteer: Gazetteer) -> Place | None:
    """The place of a dateline: "SOCHI, Russia" -> Sochi (Russia); an unknown city becomes a
    Place without a QID, in the country the dateline names."""
    parts = [p.strip(" ()—–-") for p in dateline.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    city = parts[0]
    country = None
    for part in parts[1:]:
        for entry in gazetteer.lookup(part):
            if entry.kind == "state":
                country = entry.name
                break
        if country:
            break
    for entry in gazetteer.lookup(city):
        if entry.kind == "place" and (country is None or entry.country in (None, country)):
            return gazetteer.place(entry.name)
    for entry in gazetteer.lookup(city):
        if entry.kind in ("state", "organization"):
            return None  # "UNITED NATIONS", "BEIJING" handled above; a bare state is no city
    if not any(c.isalpha() for c in city) or len(city.split()) > 4:
        return None
    name = city.title() if city.isupper() else city
    return Place(name=name, country=country)
