"""Model records to RDF triples: pure functions, deterministic IRIs, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg import iri
from kg.model import (
    Actor,
    Article,
    Document,
    Event,
    EventRef,
    Mentions,
    Outlet,
    Place,
    Post,
    Quote,
    SourceLink,
    Span,
)
from kg.names import name_key
from kg.terms import Triple
from kg.vocab import CAMEO, DCTERMS, DEFAULT_BASE, DIP, OWL, RDF, RDFS, SKOS, WD, XSD

#: Bumped whenever the mapping changes, so that unchanged documents are re-mapped.
#: 5: provenance names files by their path within the folder ingested, not a ``file:`` IRI.
MAPPER_VERSION = "5"



# The nodes and name keys of actors, places and the like recur in every document that names
# them: each is made once (rdflib checks an IRI each time it makes one) and shared, as rdflib
# terms are immutable.
@lru_cache(maxsize=1 << 16)
def _node(value: str) -> URIRef:
    return URIRef(value)


@lru_cache(maxsize=1 << 16)
def _key(name: str) -> Literal:
    return Literal(name_key(name))


@lru_cache(maxsize=1 << 16)
def _plain(text: str) -> Literal:
    """A plain literal: names, headlines, context tags and anchors recur across documents."""
    return Literal(text)


@lru_cache(maxsize=1 << 12)
def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


@lru_cache(maxsize=1 << 14)
def _date(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


class _Builder:
    """Collects the triples of one document; each node is described once."""

    def __init__(self, base: str) -> None:
        self.base = base
        # A plain set: building an rdflib Graph triple by triple costs more than the mapping.
        self.triples: set[Triple] = set()
        self._seen: set[str] = set()
        self._headlines: dict[URIRef, str] = {}  # the headline literal each event got here

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        # An empty literal says nothing (a blank byline, an empty link text).
        if o is not None and not (isinstance(o, Literal) and not str(o)):
            self.triples.add((s, p, o))

    def first_time(self, node: str) -> bool:
        if node in self._seen:
            return False
        self._seen.add(node)
        return True

    # -- actors, posts and the other named nodes --------------------------------------------

    def name_keys(self, node: URIRef, *names: str) -> None:
        """The keys the node is looked up by (kg.names): one per label and alias."""
        for name in names:
            self.add(node, DIP.nameKey, _key(name))

    def actor(self, actor: Actor) -> URIRef:
        node = _node(iri.actor_iri(actor.kind, actor.name, self.base))
        if self.first_time(node):
            self.add(node, RDF.type, DIP[_ACTOR_CLASS[actor.kind.value]])
            self.add(node, RDFS.label, _plain(actor.name))
            self.name_keys(node, actor.name, *actor.aliases)
            if actor.qid:
                self.add(node, OWL.sameAs, WD[actor.qid])
            if actor.wikipedia:
                self.add(node, DIP.wikipedia, URIRef(actor.wikipedia))
        return node

    def post(self, post: Post) -> URIRef:
        node = _node(iri.named_iri("post", post.name, self.base))
        if self.first_time(node):
            self.add(node, RDF.type, DIP.Post)
            self.add(node, RDFS.label, _plain(post.name))
            self.name_keys(node, post.name)
            if post.qid:
                self.add(node, OWL.sameAs, WD[post.qid])
            if post.state is not None:
                self.add(node, DIP.postOf, self.actor(post.state))
        if post.holder is not None:
            self.add(node, DIP.holder, self.actor(post.holder))
        return node

    def topic(self, name: str) -> URIRef:
        node = _node(iri.named_iri("topic", name, self.base))
        if self.first_time(node):
            self.add(node, RDF.type, DIP.Topic)
            self.add(node, RDFS.label, _plain(name))
            self.add(node, SKOS.prefLabel, Literal(name, lang="en"))
            self.name_keys(node, name)
        return node

    def place(self, place: Place) -> URIRef:
        node = _node(iri.named_iri("place", place.name, self.base))
        if self.first_time(node):
            self.add(node, RDF.type, DIP.Place)
            self.add(node, RDFS.label, _plain(place.name))
            self.name_keys(node, place.name)
            if place.qid:
                self.add(node, OWL.sameAs, WD[place.qid])
        return node

    def outlet(self, outlet: Outlet) -> URIRef:
        node = _node(iri.named_iri("source", outlet.name, self.base))
        if self.first_time(node):
            self.add(node, RDF.type, DIP.Source)
            if outlet.is_agency:
                self.add(node, RDF.type, DIP.NewsAgency)
            self.add(node, RDFS.label, _plain(outlet.name))
            self.name_keys(node, outlet.name)
            if outlet.qid:
                self.add(node, OWL.sameAs, WD[outlet.qid])
        return node

    # -- what recognised mentions say about an event or an article ---------------------------

    def mentions(
        self, subject: URIRef, mentions: Mentions, actor_property: URIRef
    ) -> list[tuple[URIRef, Span]]:
        """Link the actors and places; return the evidence of what was linked, by node."""
        linked: set[URIRef] = set()
        actors = [self.actor(actor) for actor in mentions.actors]
        for post in mentions.posts:
            linked.add(self.post(post))
            if post.holder is not None:
                actors.append(self.actor(post.holder))
        for node in actors:
            linked.add(node)
            self.add(subject, actor_property, node)
        for place in mentions.places:
            node = self.place(place)
            linked.add(node)
            self.add(subject, DIP.place, node)
        found = []
        for item in mentions.evidence:
            target = self.target(item.target)
            if target in linked:
                found.append((target, item.span))
        return found

    def target(self, thing: Actor | Post | Place) -> URIRef:
        """The node of an actor, post or place, without describing it."""
        if isinstance(thing, Actor):
            return _node(iri.actor_iri(thing.kind, thing.name, self.base))
        return _node(iri.named_iri("post" if isinstance(thing, Post) else "place", thing.name,
                                    self.base))

    # -- evidence: the words that named each actor, post, place and event type ----------

    def evidence(
        self,
        record: URIRef,
        found: Iterable[tuple[URIRef, Span]],
        texts: Mapping[str, Sequence[str | None]],
    ) -> None:
        """A dip:Evidence node for the first words that named each node in the texts stored
        on ``record`` (the headline before the summary and the context tags; the title
        before the dateline and the body): a body naming Putin twenty times gets one, for
        the graph holds evidence, not a concordance.

        Its offsets index that literal (``?record ?textProperty ?text``), so that
        ``SUBSTR(?text, ?begin + 1, ?end - ?begin)`` is the anchor; a headline's are
        moved onto its cleaned form (wiki quotes gone, spaces folded).
        """
        add = self.triples.add
        done: set[URIRef] = set()
        for target, span in sorted(found, key=lambda item: (
                _FIELD_ORDER.get(item[1].field, 9), item[1].start)):
            if target in done:
                continue
            where = self._stored_span(record, span, texts.get(span.field, ()))
            if where is None:
                continue
            done.add(target)
            start, end, anchor = where
            node = URIRef(iri.evidence_iri(str(record), span.field, start, end, str(target)))
            add((node, RDF.type, DIP.Evidence))
            add((node, DIP.evidenceFor, target))
            add((node, DIP.evidenceIn, record))
            add((node, DIP.textProperty, _TEXT_PROPERTY[span.field]))
            add((node, DIP.anchorOf, _plain(anchor)))
            add((node, DIP.beginIndex, _integer(start)))
            add((node, DIP.endIndex, _integer(end)))

    def _stored_span(
        self, record: URIRef, span: Span, values: Sequence[str | None]
    ) -> tuple[int, int, str] | None:
        if span.field not in _TEXT_PROPERTY or not span.text or span.end <= span.start:
            return None
        if not any(v is not None and v[span.start:span.end] == span.text for v in values):
            return None  # not in the text as stored (another record's, or not stored)
        if span.field != "headline":
            return span.start, span.end, span.text
        raw = next(v for v in values if v is not None and v[span.start:span.end] == span.text)
        clean, index = _clean_headline_index(raw)
        if self._headlines.get(record) != clean:
            return None  # this event's headline literal here is another wording's
        start, last = index[span.start], index[span.end - 1]
        if start < 0 or last < 0:
            return None
        return start, last + 1, clean[start:last + 1]

    # -- events ------------------------------------------------------------------------------

    def event(self, event: Event) -> URIRef:
        node = _node(iri.event_iri(event.date, event.headline, self.base))
        self.event_core(node, event.headline, event.date)
        self.add(node, DIP.summary, _text(event.summary))
        found: list[tuple[URIRef, Span]] = []
        if event.event_type is not None:
            if event.event_type.dip_class:
                self.add(node, RDF.type, DIP[event.event_type.dip_class])
            self.add(node, DIP.eventType, CAMEO[event.event_type.code])
            if event.event_type.span is not None:
                found.append((CAMEO[event.event_type.code], event.event_type.span))
        topics = ([event.topic] if event.topic else []) + list(event.mentions.topics)
        for topic in dict.fromkeys(topics):
            self.add(node, DIP.topic, self.topic(topic))
        for tag in event.context:
            self.add(node, DIP.contextTag, _plain(tag))
        found += self.mentions(node, event.mentions, DIP.participant)
        for actor in (*event.mentions.actors, *(p.holder for p in event.mentions.posts
                                                 if p.holder is not None),
                      *event.represented):
            self.add(node, DIP.involves, self.actor(actor))
        summary = event.summary if _text(event.summary) is not None else None
        self.evidence(node, found, {"headline": (event.headline,), "summary": (summary,),
                                    "context": event.context})
        for link in event.sources:
            self.add(node, DIP.reportedBy, self.source_link(link))
        for ref in event.related:
            related = self.event_ref(ref)
            if related is not None and related != node:
                self.add(node, DIP.relatedTo, related)
        return node

    def event_core(self, node: URIRef, headline: str, day: date) -> None:
        if self.first_time(node):
            clean = self._headlines[node] = _clean_headline(headline)
            self.add(node, RDF.type, DIP.Event)
            label = _plain(clean)
            self.add(node, RDFS.label, label)
            self.add(node, DIP.headline, label)
            self.add(node, DIP.date, _date(day))

    def event_ref(self, ref: EventRef) -> URIRef | None:
        if ref.date is None:
            return None  # an event without a date cannot be identified
        node = _node(iri.event_iri(ref.date, ref.headline, self.base))
        self.event_core(node, ref.headline, ref.date)
        for topic in ref.mentions.topics:
            self.add(node, DIP.topic, self.topic(topic))
        for tag in ref.context:
            self.add(node, DIP.contextTag, _plain(tag))
        # No evidence here: a related entry points at an event whose own page carries it
        # (evidence on every restated entry would double an event page's triples).
        self.mentions(node, ref.mentions, DIP.participant)
        for actor in (*ref.mentions.actors, *(p.holder for p in ref.mentions.posts
                                               if p.holder is not None)):
            self.add(node, DIP.involves, self.actor(actor))
        return node

    def source_link(self, link: SourceLink) -> URIRef:
        node = URIRef(iri.article_iri(link.url, base=self.base))
        if self.first_time(node):
            self.add(node, RDF.type, DIP.Article)
            self.add(node, RDFS.label, _plain(link.label))
            self.add(node, DIP.sourceLabel, _plain(link.label))
            self.add(node, DIP.url, Literal(link.url, datatype=XSD.anyURI))
            if link.publisher is not None:
                self.add(node, DIP.publisher, self.outlet(link.publisher))
            if link.agency is not None:
                self.add(node, DIP.agency, self.outlet(link.agency))
        return node

    # -- full-text articles ------------------------------------------------------------------

    def article(self, article: Article) -> URIRef:
        node = URIRef(iri.article_iri(article.url, article.title, self.base))
        self.first_time(node)
        self.add(node, RDF.type, DIP.Article)
        self.add(node, RDFS.label, Literal(article.title))
        self.add(node, DIP.title, Literal(article.title))
        if article.url:
            self.add(node, DIP.url, Literal(article.url, datatype=XSD.anyURI))
        if article.published is not None:
            self.add(node, DIP.published, Literal(article.published.isoformat(), datatype=XSD.date))
        self.add(node, DIP.byline, _text(article.byline))
        self.add(node, DIP.dateline, _text(article.dateline))
        self.add(node, DIP.text, _text(article.body))
        if article.publisher is not None:
            self.add(node, DIP.publisher, self.outlet(article.publisher))
        for agency in article.agencies:
            self.add(node, DIP.agency, self.outlet(agency))
        if article.place is not None:
            self.add(node, DIP.place, self.place(article.place))
        for subject in (*article.regions, *article.themes):
            self.add(node, DCTERMS.subject, self.topic(subject))
        found = self.mentions(node, article.mentions, DIP.mentions)
        self.evidence(node, found, {
            "title": (article.title,),
            "body": (article.body if _text(article.body) is not None else None,),
            "dateline": (article.dateline if _text(article.dateline) is not None else None,),
        })
        for quote in article.quotes:
            self.quote(node, quote)
        return node

    def quote(self, article: URIRef, quote: Quote) -> URIRef:
        start = quote.span.start if quote.span is not None else 0
        node = URIRef(iri.quote_iri(str(article), start, quote.text))
        self.add(article, DIP.quote, node)
        self.add(node, RDF.type, DIP.Quote)
        self.add(node, DIP.quoteText, Literal(quote.text))
        if quote.speaker is not None:
            self.add(node, DIP.speaker, self.actor(quote.speaker))
        if quote.span is not None:
            self.add(node, DIP.startOffset,
                     Literal(quote.span.start, datatype=XSD.integer))
            self.add(node, DIP.endOffset, Literal(quote.span.end, datatype=XSD.integer))
        return node


_ACTOR_CLASS = {"person": "Person", "state": "State", "organization": "Organization"}
#: The property whose literal an evidence span's offsets index, by the span's field.
_TEXT_PROPERTY = {
    "headline": DIP.headline,
    "summary": DIP.summary,
    "context": DIP.contextTag,
    "title": DIP.title,
    "dateline": DIP.dateline,
    "body": DIP.text,
}
_FIELD_ORDER = {name: rank for rank, name in enumerate(_TEXT_PROPERTY)}


def _text(value: str | None) -> Literal | None:
    return Literal(value) if value and value.strip() else None


def _clean_headline(headline: str) -> str:
    return " ".join(headline.replace("''", "").split())


@lru_cache(maxsize=256)
def _clean_headline_index(headline: str) -> tuple[str, tuple[int, ...]]:
    """``_clean_headline(headline)`` and, for each character of ``headline``, its index in
    the cleaned text (-1 for a character taken out)."""
    index = [-1] * len(headline)
    out: list[str] = []
    space = False
    i = 0
    while i < len(headline):
        if headline.startswith("''", i):
            i += 2
            continue
        char = headline[i]
        if char.isspace():
            space = bool(out)
        else:
            if space:
                out.append(" ")
                space = False
            index[i] = len(out)
            out.append(char)
        i += 1
    return "".join(out), tuple(index)


def map_triples(doc: Document, *, base: str = DEFAULT_BASE) -> set[Triple]:
    """All triples a document says (provenance excluded)."""
    builder = _Builder(base)
    for event in doc.events:
        builder.event(event)
    for article in doc.articles:
        builder.article(article)
    return builder.triples


def map_document(doc: Document, *, base: str = DEFAULT_BASE) -> Graph:
    """All triples a document says, as an rdflib graph (provenance excluded)."""
    graph = Graph()
    for triple in map_triples(doc, base=base):
        graph.add(triple)
    return graph
