"""What the store says about articles and their candidate events, read with plain SPARQL 1.1.

The features :mod:`kg.link.score` scores: an article's date, actors, title and words; the
events on the days of its date window that share one of its actors (or, undated, the events
of the actors its title names); each event's date, actors, places and topic words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.iri import DOCUMENT_GRAPH_BASE
from kg.iri import LINK_GRAPH_BASE as LINK_GRAPH_BASE  # re-exported: tests/test_linker.py
from kg.link.score import (
    ACTOR_WEIGHTS,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    ArticleFeatures,
    EventFeatures,
    name_words,
    named_in,
    text_words,
    topic_words,
)
from kg.names import name_words as key_words
from kg.search import SearchError, index_for
from kg.store import Store
from kg.terms import is_iri, sparql_iri, sparql_literal
from kg.vocab import DCTERMS, DIP, PROV, RDFS, XSD

#: An undated article is scored against at most this many events: those sharing most actors.
CANDIDATES = 50
VALUES_CHUNK = 500

PREFIXES = f"""PREFIX dip: {sparql_iri(str(DIP._NS))}
PREFIX rdfs: {sparql_iri(str(RDFS))}
PREFIX dcterms: {sparql_iri(str(DCTERMS))}
PREFIX prov: {sparql_iri(str(PROV))}
PREFIX xsd: {sparql_iri(str(XSD))}
"""
KINDS = '(dip:Person "person") (dip:State "state") (dip:Organization "organization")'



class EventCache:
    """Event features fetched once per run: articles of one run share many candidates."""

    def __init__(self, store: Store, size: int = 100_000) -> None:
        self.store = store
        self.size = size
        self.features: dict[str, EventFeatures] = {}
        self.labels: dict[str, str] = {}
        self.known: set[str] = set()  # asked for, whether or not they are linkable events

    def get(self, events: Iterable[str]) -> dict[str, EventFeatures]:
        wanted = set(events)
        missing = sorted(wanted - self.known)
        if len(self.known) + len(missing) > self.size:  # bounded memory on a huge store
            self.features, self.labels, self.known = {}, {}, set()
            missing = sorted(wanted)
        if missing:
            features, labels = event_features(self.store, missing)
            self.features.update(features)
            self.labels.update(labels)
            self.known.update(missing)
        return {e: self.features[e] for e in wanted if e in self.features}


def article_features(
    store: Store, articles: Sequence[str]
) -> tuple[dict[str, ArticleFeatures], dict[str, list[str]], dict[str, str]]:
    """Features of the articles that mention an actor, their document graphs, their titles."""
    values = values_block("a", articles)
    published: dict[str, date] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    titles: dict[str, str] = {}
    for a, day, title, text in store.query(
        PREFIXES + "SELECT ?a ?published ?title ?text WHERE { " + values
        + " OPTIONAL { ?a dip:published ?published } OPTIONAL { ?a dip:title ?title }"
        " OPTIONAL { ?a dip:text ?text } }"
    ).rows:
        key = str(a)
        parsed = as_date(day)
        if parsed is not None:
            published[key] = min(parsed, published.get(key, parsed))
        for value in (title, text):
            if value is not None and str(value) not in texts[key]:
                texts[key].append(str(value))
        if title is not None:
            labels.setdefault(key, str(title))
            titles.setdefault(key, str(title))
    actors: dict[str, dict[str, str]] = defaultdict(dict)
    names: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    places: dict[str, set[str]] = defaultdict(set)
    for a, kind, x, label in store.query(
        PREFIXES + "SELECT ?a ?kind ?x ?label WHERE { " + values
        + " { ?a dip:mentions ?x . ?x a ?class . VALUES (?class ?kind) { " + KINDS + " } }"
        ' UNION { ?a dip:place ?x BIND ("place" AS ?kind) }'
        ' UNION { ?a dcterms:subject ?x BIND ("subject" AS ?kind) }'
        " OPTIONAL { ?x rdfs:label ?label } }"
    ).rows:
        key, node = str(a), str(x)
        if str(kind) in ACTOR_WEIGHTS:
            actors[key][node] = str(kind)
            if label is not None:
                names[key][node] = (str(label), str(kind))
        elif str(kind) == "place":
            places[key].add(node)
        elif label is not None:
            texts[key].append(str(label))
    features = {
        a: ArticleFeatures(
            iri=a,
            published=published.get(a),
            actors=actors[a],
            words=text_words(*texts.get(a, ())),
            places=frozenset(places.get(a, ())),
            # Not organisations': "Security Council" would take "security" from topics.
            names=name_words(
                label for label, kind in names[a].values() if kind != "organization"
            ),
            title_words=text_words(titles.get(a, "")),
            headline_actors=named_in(titles.get(a, ""), names[a]),
            title=titles.get(a, ""),
        )
        for a in articles
        if actors.get(a)
    }
    graphs = source_documents(store, list(features),
                              "dip:mentions|dip:title|dip:published|dip:text")
    return features, graphs, labels


def candidates(store: Store, article: ArticleFeatures) -> list[str]:
    """The events that may be the article's: sharing an actor, within its date window.

    The most actors shared first, counted by weight, those the article's title names
    three times over: the title names whom the article is about. An undated article's are
    first the events its title heads (:func:`_headed_by_title`).
    """
    if article.published is None:
        headed = _headed_by_title(store, article)
        if headed:
            return headed
    weights = " ".join(
        f"({sparql_iri(iri)} {ACTOR_WEIGHTS[kind] * (3 if iri in article.headline_actors else 1)})"
        for iri, kind in sorted(article.actors.items()) if is_iri(iri)
    )
    if article.published is not None:
        days = " ".join(
            day_literal(article.published + timedelta(days=k))
            for k in range(-WINDOW_BEFORE, WINDOW_AFTER + 1)
        )
        where = f"VALUES ?day {{ {days} }} VALUES (?x ?w) {{ {weights} }} ?e dip:date ?day ."
    else:
        # Without a date, the events of the actors the title names (else of its people and
        # organisations): states take part in too many events to look through them all.
        leads = sorted(article.headline_actors) or sorted(
            iri for iri, kind in article.actors.items() if kind != "state"
        )
        where = f"VALUES (?x ?w) {{ {weights} }}"
        if leads:
            where = (
                f"VALUES ?lead {{ {' '.join(sparql_iri(i) for i in leads)} }}"
                f" ?e dip:participant ?lead . {where}"
            )
    rows = store.query(
        PREFIXES + f"SELECT ?e (SUM(?w) AS ?weight) WHERE {{ {where} ?e dip:participant ?x }}"
        f" GROUP BY ?e ORDER BY DESC(?weight) ?e LIMIT {CANDIDATES}"
    ).rows
    return [str(e) for e, _ in rows if isinstance(e, URIRef)]


def _headed_by_title(store: Store, article: ArticleFeatures) -> list[str]:
    """The events whose headline holds every word of an undated article's title, found by
    the text index (none without a current one, or when the words match too many).

    Without a date the other way in is every event of the actors the title names, whose
    number grows with the store: 37 ms an article at 10k events, hours for a 100k corpus.
    """
    words = key_words(article.title)
    index = index_for(store) if words else None
    if index is None or not index.built or index.pending:
        return []
    try:
        return index.lookup(words, ("event",))[:CANDIDATES]
    except SearchError:
        return []


def event_features(
    store: Store, events: Sequence[str]
) -> tuple[dict[str, EventFeatures], dict[str, str]]:
    """Features of events, and the labels of their participants and places."""
    days: dict[str, date] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    actors: dict[str, dict[str, str]] = defaultdict(dict)
    places: dict[str, set[str]] = defaultdict(set)
    names: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    for chunk in chunks(list(events), VALUES_CHUNK):
        values = values_block("e", chunk)
        for e, day, headline in store.query(
            PREFIXES + "SELECT ?e ?day ?headline WHERE { " + values
            + " ?e dip:date ?day OPTIONAL { ?e dip:headline ?headline } }"
        ).rows:
            parsed = as_date(day)
            if parsed is not None:
                days[str(e)] = parsed
            if headline is not None and str(headline) not in texts[str(e)]:
                texts[str(e)].append(str(headline))
        for e, kind, x, label in store.query(
            PREFIXES + "SELECT ?e ?kind ?x ?label WHERE { " + values
            + " { ?e dip:participant ?x . ?x a ?class . VALUES (?class ?kind) { " + KINDS
            + " } }"
            ' UNION { ?e dip:place ?x BIND ("place" AS ?kind) }'
            ' UNION { ?e dip:topic ?x BIND ("topic" AS ?kind) }'
            # The posts its participants hold, and their states, name them too ("Russian
            # President" is no topic of a meeting with Putin).
            ' UNION { ?e dip:participant ?p . ?x dip:holder ?p BIND ("post" AS ?kind) }'
            ' UNION { ?e dip:participant ?p . ?post dip:holder ?p ; dip:postOf ?x'
            ' BIND ("post" AS ?kind) }'
            " OPTIONAL { ?x rdfs:label ?label } }"
        ).rows:
            key, node, text = str(e), str(x), str(label) if label is not None else None
            if str(kind) == "topic":
                if text is not None:
                    texts[key].append(text)
                continue
            if str(kind) == "post":
                if text is not None:
                    names[key].append(text)
                continue
            if str(kind) in ACTOR_WEIGHTS:
                actors[key][node] = str(kind)
            else:
                places[key].add(node)
            if text is not None:
                names[key].append(text)
                labels.setdefault(node, text)
    features = {
        e: EventFeatures(
            iri=e,
            day=days[e],
            actors=actors[e],
            words=topic_words(texts.get(e, ()), names=names.get(e, ())),
            places=frozenset(places.get(e, ())),
        )
        for e in events
        if e in days and actors.get(e)
    }
    return features, labels


def source_documents(store: Store, nodes: Sequence[str], path: str) -> dict[str, list[str]]:
    """The document graphs that state ``path`` of each node: where its features came from."""
    out: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks(list(nodes), VALUES_CHUNK):
        for node, graph in store.query(
            PREFIXES + f"SELECT DISTINCT ?n ?g WHERE {{ {values_block('n', chunk)} "
            f"GRAPH ?g {{ ?n {path} ?any }} "
            f'FILTER (STRSTARTS(STR(?g), "{DOCUMENT_GRAPH_BASE}")) }}'
        ).rows:
            out[str(node)].append(str(graph))
    return out


def select_column(store: Store, query: str) -> list[str]:
    return [str(row[0]) for row in store.query(PREFIXES + query).rows if row[0] is not None]


def values_block(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(sparql_iri(i) for i in iris)} }}"


def day_literal(day: date) -> str:
    return sparql_literal(Literal(day.isoformat(), datatype=XSD.date))


def as_date(term: Node | None) -> date | None:
    if not isinstance(term, Literal):
        return None
    try:
        return date.fromisoformat(str(term)[:10])
    except ValueError:
        return None


def chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
