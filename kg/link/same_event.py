"""Same-event links: whether two event nodes are one real event, and why. Pure, no I/O.

Spellings of one headline already meet in one IRI (:func:`kg.iri.event_key`). What is left
is the same happening written in other words by another source: a WikiTimes record with a
story heading before its text, a day index line with the headline of an earlier version of
the page. :func:`score_pair` weighs the evidence two event nodes give into a score in
[0, 1] and keeps it, so that every link says why it was made:

* headline words (0.6): the content words of the two headlines (stop words, the words every
  diplomatic headline has and numbers left out, a crude stem: :func:`kg.link.score.topic_words`)
  shared, as the mean of their share of the shorter headline (one headline inside the other:
  a prefix) and of both (Jaccard: what neither adds);
* participants (0.15): the share of the fewer participants the other also has; an event
  whose source names none gives no evidence either way (half);
* the date (0.15): the same day 1, a day apart 0.5 (time zones, a report dated the next day);
* sources (0.1): an article both are reported by.

Two events are never linked, whatever they score, when:

* they are more than :data:`MAX_DAYS` apart;
* one document describes both: a page, a day index or a WikiTimes file names each of its
  events once, and a Related list names other events than the page's own;
* one is dip:relatedTo the other (a source that relates them says they are two);
* they share fewer than :data:`MIN_SHARED_WORDS` content words (short headlines share their
  names with every other event of their actors that day), unless they share a source;
* both headlines write numbers in digits and none is the same ("round 12", "round 13"):
  precision first, though an updated death toll is then a second event.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import combinations

from rdflib import Literal, URIRef

from kg.iri import same_event_link_iri
from kg.link.score import link_graph_provenance, topic_words
from kg.terms import Triple
from kg.vocab import DIP, PROV, RDF, XSD

#: Bumped whenever the scoring changes, so that stored links say which rules made them.
SAME_EVENT_VERSION = "1"
#: Links scoring below this are not kept. On the wording of the labelled pairs of
#: tests/eval/event-pairs dated within a day, headlines alone score at most 0.574 for two
#: events and at least 0.782 for one; participants move a score by 0.075 at most either way,
#: so 0.7 keeps the two apart whatever they add (bench/RESULTS.md).
THRESHOLD = 0.7
#: Events further apart than this many days are never the same event.
MAX_DAYS = 1
#: Fewer content words in common than this is no evidence of one event without a source.
MIN_SHARED_WORDS = 3
#: A word that this many events of a day and the next have finds no pairs (it still counts
#: in the score of the pairs the rarer words find).
COMMON_WORD = 30

_WORDS, _ACTORS, _DATE, _SOURCES = 0.6, 0.15, 0.15, 0.1
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


@dataclass(frozen=True)
class EventCard:
    """What same-event linking knows of an event node, from every document that describes it."""

    iri: str
    day: date
    headlines: tuple[str, ...]
    words: frozenset[str] = frozenset()  # normalised: see kg.link.score.topic_words
    actors: frozenset[str] = frozenset()  # participant IRIs
    sources: frozenset[str] = frozenset()  # IRIs of the articles that report it
    documents: frozenset[str] = frozenset()  # document graphs that describe it
    related: frozenset[str] = frozenset()  # events it is dip:relatedTo, either way
    numbers: frozenset[str] = frozenset()  # the numbers its headlines write in digits
    # Each normalised word as a headline wrote it, for the reasons people read.
    written: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


def event_card(
    iri: str,
    day: date,
    headlines: Iterable[str],
    *,
    actors: Iterable[str] = (),
    sources: Iterable[str] = (),
    documents: Iterable[str] = (),
    related: Iterable[str] = (),
) -> EventCard:
    """An event's card, its headline words read once."""
    texts = tuple(sorted(set(headlines)))
    written = topic_words(texts)
    numbers = frozenset(n.replace(",", "") for t in texts for n in _NUMBER.findall(t))
    return EventCard(iri, day, texts, frozenset(written), frozenset(actors),
                     frozenset(sources), frozenset(documents), frozenset(related), numbers,
                     written)


@dataclass(frozen=True)
class SameEvent:
    """A scored link between two event nodes that are one real event, with the evidence."""

    first: str  # the IRIs in order: first < second
    second: str
    score: float  # in [0, 1], rounded to three decimals
    shared_words: tuple[str, ...]  # as the first event writes them, sorted
    word_share: float  # of the shorter headline's words
    shared_actors: tuple[str, ...]  # IRIs, sorted
    shared_sources: tuple[str, ...]  # article IRIs, sorted
    days_apart: int
    day: date  # the earlier event's date: its same-event graph's day
    documents: tuple[str, ...] = field(default=(), compare=False)  # both events' graphs

    def reasons(self, labels: Mapping[str, str] | None = None) -> list[str]:
        """The evidence in words, one reason each; ``labels`` names IRIs for people."""
        labels = labels or {}
        out = [f"headline words shared: {len(self.shared_words)} "
               f"({self.word_share:.0%} of the shorter headline's): "
               + ", ".join(self.shared_words)]
        if self.shared_actors:
            out.append("shared participants: "
                       + ", ".join(sorted(labels.get(a, a) for a in self.shared_actors)))
        if self.shared_sources:
            out.append(f"reported by the same article ({len(self.shared_sources)})")
        out.append("same date" if self.days_apart == 0 else
                   f"dates {self.days_apart} day{'s' if self.days_apart > 1 else ''} apart")
        return out


def score_pair(a: EventCard, b: EventCard) -> SameEvent | None:
    """The same-event link between two events, scored; None where a rule forbids one."""
    if a.iri == b.iri:
        return None
    if a.iri > b.iri:
        a, b = b, a
    days = abs((a.day - b.day).days)
    if days > MAX_DAYS or a.documents & b.documents or b.iri in a.related or a.iri in b.related:
        return None
    if a.numbers and b.numbers and not a.numbers & b.numbers:
        return None  # "round 12" and "round 13", "kills 12" and "kills 40": not one report
    shared = a.words & b.words
    sources = a.sources & b.sources
    if len(shared) < MIN_SHARED_WORDS and not sources:
        return None
    fewer = min(len(a.words), len(b.words))
    share = len(shared) / fewer if fewer else 0.0
    union = len(a.words | b.words)
    jaccard = len(shared) / union if union else 0.0
    actors = a.actors & b.actors
    # A source that names no actor says nothing about them either way: half.
    fewer_actors = min(len(a.actors), len(b.actors))
    actor_share = len(actors) / fewer_actors if fewer_actors else 0.5
    score = (_WORDS * (share + jaccard) / 2 + _ACTORS * actor_share
             + _DATE * (1.0 if days == 0 else 0.5) + _SOURCES * (1.0 if sources else 0.0))
    return SameEvent(
        first=a.iri,
        second=b.iri,
        score=round(min(1.0, max(0.0, score)), 3),
        shared_words=tuple(sorted(a.written.get(w, w) for w in shared)),
        word_share=round(share, 3),
        shared_actors=tuple(sorted(actors)),
        shared_sources=tuple(sorted(sources)),
        days_apart=days,
        day=min(a.day, b.day),
        documents=tuple(sorted(a.documents | b.documents)),
    )


def candidate_pairs(cards: Iterable[EventCard]) -> Iterator[tuple[EventCard, EventCard]]:
    """The pairs worth scoring, each once: for each day, its events with those of the day
    and of the next :data:`MAX_DAYS` days that share a source or a word few of them have.

    Never every pair of a busy day; and the same pairs whichever days are asked for, as the
    window a word is counted in is always the same days.
    """
    by_day: dict[date, list[EventCard]] = defaultdict(list)
    for card in cards:
        by_day[card.day].append(card)
    for day in sorted(by_day):
        first = by_day[day]
        window = first + [c for k in range(1, MAX_DAYS + 1)
                          for c in by_day.get(day + timedelta(days=k), ())]
        by_key: dict[str, list[int]] = defaultdict(list)
        for index, card in enumerate(window):
            for word in card.words:
                by_key["w " + word].append(index)
            for source in card.sources:
                by_key["s " + source].append(index)
        seen: set[tuple[int, int]] = set()
        for key, members in by_key.items():
            if key.startswith("w ") and len(members) >= COMMON_WORD:
                continue  # "iran" on a day of Iran talks: the rarer words find the pairs
            for i, j in combinations(members, 2):
                # A pair of two later days is the next day's to find.
                if i < len(first) and (i, j) not in seen:
                    seen.add((i, j))
                    yield window[i], window[j]


def same_events(cards: Iterable[EventCard], *, threshold: float = THRESHOLD) -> list[SameEvent]:
    """The links worth keeping among ``cards``: at least ``threshold``, in IRI order."""
    links = [link for a, b in candidate_pairs(cards) if (link := score_pair(a, b)) is not None]
    kept = [link for link in links if link.score >= threshold]
    return sorted(kept, key=lambda link: (link.first, link.second))


def same_event_triples(
    links: Iterable[SameEvent],
    *,
    graph_iri: str,
    label: str,
    labels: Mapping[str, str],
    generated_at: datetime,
    software: str,
) -> Iterator[Triple]:
    """The triples of a same-event graph: each link as a dip:SameEventLink node with its
    score and evidence, the plain ``a dip:sameEventAs b`` both ways, and PROV-O for the graph."""
    g = URIRef(graph_iri)
    sources: set[str] = set()
    for link in links:
        a, b = URIRef(link.first), URIRef(link.second)
        node = URIRef(same_event_link_iri(link.first, link.second))
        yield a, DIP.sameEventAs, b
        yield b, DIP.sameEventAs, a
        yield node, RDF.type, DIP.SameEventLink
        yield node, DIP.linkedEvent, a
        yield node, DIP.linkedEvent, b
        yield node, DIP.score, Literal(Decimal(f"{link.score:.3f}"), datatype=XSD.decimal)
        for actor in link.shared_actors:
            yield node, DIP.sharedActor, URIRef(actor)
        for reason in link.reasons(labels):
            yield node, DIP.reason, Literal(reason)
        for doc in link.documents:
            yield node, PROV.wasDerivedFrom, URIRef(doc)
        sources.update(link.documents)
    yield g, RDF.type, DIP.SameEventGraph
    yield from link_graph_provenance(
        graph_iri, label=label, version=SAME_EVENT_VERSION,
        activity_label=f"same-event linking: {label}", sources=sources,
        generated_at=generated_at, software=software)
