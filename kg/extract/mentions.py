"""Mentions gathered and merged: first appearance first, without duplicates."""

from __future__ import annotations

from kg.extract.gazetteer import Gazetteer
from kg.extract.matcher import Match, Token
from kg.model import Actor, ActorKind, Evidence, Mentions, Place, Post, Span


class Collector:
    """Deduplicating, order-keeping accumulator for one record's mentions and their
    evidence (the words of each match, as offsets into the text being read)."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.actors: dict[tuple[ActorKind, str], Actor] = {}
        self.posts: dict[str, Post] = {}
        self.places: dict[str, Place] = {}
        self.evidence: dict[tuple[object, ...], Evidence] = {}
        self._text = ""
        self._field = ""
        self._tokens: list[Token] = []

    def within(self, text: str, field: str, tokens: list[Token]) -> None:
        """Matches from now on are in ``text``, the record's ``field``."""
        self._text, self._field, self._tokens = text, field, tokens

    def actor(self, name: str, *, at: Match | None = None) -> None:
        """The gazetteer's actor of this name, named by the words of ``at``."""
        actor = self.gaz.actor(name)
        self.actors.setdefault((actor.kind, actor.name), actor)
        self._evidence(actor, at)

    def person(self, actor: Actor, *, at: Match | None = None) -> None:
        """A person or a body (perhaps one the gazetteer does not know), named by ``at``."""
        self.actors.setdefault((actor.kind, actor.name), actor)
        self._evidence(actor, at)

    def post(self, post: Post, *, at: Match | None = None, until: Match | None = None) -> None:
        """A post and its holder; a held post replaces the same post without a holder."""
        self._evidence(post, at, until)
        key = f"{post.name}\x00{post.holder.name if post.holder else ''}"
        if post.holder is not None:
            self.person(post.holder)
            self.posts.pop(f"{post.name}\x00", None)
        elif any(k.startswith(f"{post.name}\x00") for k in self.posts):
            return
        self.posts.setdefault(key, post)

    def place(
        self, place: Place, *, at: Match | None = None, chars: tuple[int, int] | None = None
    ) -> None:
        """A place, named by the words of ``at`` or by the offsets ``chars``."""
        self.places.setdefault(place.name, place)
        if chars is not None:
            self._add_evidence(place, *chars)
        else:
            self._evidence(place, at)

    def _evidence(
        self, target: Actor | Post | Place, at: Match | None, until: Match | None = None
    ) -> None:
        if at is not None:
            last = until if until is not None and until.end > at.end else at
            self._add_evidence(target, self._tokens[at.start].start,
                               self._tokens[last.end - 1].end)

    def _add_evidence(self, target: Actor | Post | Place, start: int, end: int) -> None:
        span = Span(start, end, self._text[start:end], self._field)
        self.evidence.setdefault(evidence_key(target, span), Evidence(target, span))

    def mentions(self) -> Mentions:
        """Everything collected so far."""
        return Mentions(
            actors=tuple(self.actors.values()),
            posts=tuple(self.posts.values()),
            places=tuple(self.places.values()),
            evidence=tuple(self.evidence.values()),
        )


def evidence_key(target: Actor | Post | Place, span: Span) -> tuple[object, ...]:
    """What makes two pieces of evidence the same: the same node named by the same words."""
    if isinstance(target, Actor):
        who: tuple[object, ...] = ("actor", target.kind, target.name)
    else:
        who = (type(target).__name__, target.name)
    return (*who, span.field, span.start, span.end)


def merge_mentions(*parts: Mentions) -> Mentions:
    """Several Mentions as one, first appearance first, without duplicates."""
    actors: dict[tuple[ActorKind, str], Actor] = {}
    posts: dict[str, Post] = {}
    topics: dict[str, None] = {}
    seen_topics: set[str] = set()
    places: dict[str, Place] = {}
    evidence: dict[tuple[object, ...], Evidence] = {}
    for part in parts:
        for item in part.evidence:
            evidence.setdefault(evidence_key(item.target, item.span), item)
        for actor in part.actors:
            actors.setdefault((actor.kind, actor.name), actor)
        for post in part.posts:
            holder = post.holder.name if post.holder else ""
            if holder:
                posts.pop(f"{post.name}\x00", None)
            elif any(k.startswith(f"{post.name}\x00") for k in posts):
                continue
            posts.setdefault(f"{post.name}\x00{holder}", post)
        for topic in part.topics:
            if topic.casefold() not in seen_topics:
                seen_topics.add(topic.casefold())
                topics.setdefault(topic, None)
        for place in part.places:
            places.setdefault(place.name, place)
    return Mentions(
        actors=tuple(actors.values()),
        posts=tuple(posts.values()),
        topics=tuple(topics),
        places=tuple(places.values()),
        evidence=tuple(evidence.values()),
    )
