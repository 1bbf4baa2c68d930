"""Article–event links in the store: candidates found with SPARQL, scored by :mod:`kg.link.score`.

Links are derived data. Each article's links live in their own named graph,
``{GRAPH_BASE}links/<hash of the article IRI>`` (:func:`kg.iri.link_graph_iri`), written whole
each time they are computed, so computing them again never duplicates a link nor leaves a
stale one, and an article without links has no graph. The graph says with PROV-O which
document graphs its links were derived from, when, and by which linker version; each link is
a ``dip:ReportLink`` node with its score and evidence, beside the plain
``article dip:reports event`` that simple queries use.

Every query is plain SPARQL 1.1, so the embedded store and any SPARQL server work alike, and
none reads the whole store for one article: a dated article's candidates are the events on
the days of its date window (each day looked up by value) that have one of its actors as a
participant; an undated article's are the events of the actors its title names that share
the most actors with it (:data:`CANDIDATES` at most).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.iri import DOCUMENT_GRAPH_BASE, link_graph_iri
from kg.iri import LINK_GRAPH_BASE as LINK_GRAPH_BASE  # re-exported: tests/test_linker.py
from kg.link.score import (
    ACTOR_WEIGHTS,
    MAX_LINKS,
    THRESHOLD,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    ArticleFeatures,
    EventFeatures,
    Link,
    best_links,
    link_triples,
    name_words,
    named_in,
    score_link,
    text_words,
    topic_words,
)
from kg.store import Store
from kg.terms import is_iri, sparql_iri, sparql_literal
from kg.vocab import DCTERMS, DIP, PROV, RDFS, XSD

#: An undated article is scored against at most this many events: those sharing most actors.
CANDIDATES = 50
#: Articles per round of queries and per write.
CHUNK = 100
#: Up to this many events written, the articles that could report them are checked one by
#: one before linking them anew; beyond it (a bulk load) they are all linked anew.
CHECK_EVENTS = 1000
_VALUES_CHUNK = 500

_PREFIXES = f"""PREFIX dip: {sparql_iri(str(DIP._NS))}
PREFIX rdfs: {sparql_iri(str(RDFS))}
PREFIX dcterms: {sparql_iri(str(DCTERMS))}
PREFIX prov: {sparql_iri(str(PROV))}
PREFIX xsd: {sparql_iri(str(XSD))}
"""
_KINDS = '(dip:Person "person") (dip:State "state") (dip:Organization "organization")'


@dataclass(frozen=True)
class LinkReport:
    """What a run of linking did."""

    articles: int  # articles whose links were computed
    links: int  # links they now have
    seconds: float


def link_all(store: Store, *, software: str) -> LinkReport:
    """Compute the links of every article that mentions an actor, and drop any other link graph."""
    started = time.perf_counter()
    articles = _select_column(
        store, "SELECT DISTINCT ?a WHERE { ?a dip:mentions ?x }"
    )
    existing = set(
        _select_column(
            store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a dip:LinkGraph } }"
        )
    )
    report = link_articles(store, articles, software=software)
    stale = existing - {link_graph_iri(a) for a in articles}
    if stale:
        store.drop_graphs(sorted(stale))
    return LinkReport(report.articles, report.links, time.perf_counter() - started)


def update_links(store: Store, changed_graphs: Iterable[str], *, software: str) -> LinkReport:
    """Recompute the links that documents written or dropped may have changed.

    ``changed_graphs`` are the document graphs just written or dropped. The articles they
    describe, and those with links derived from them, are linked anew. Of the articles
    that could report the documents' events (mentioning one of their actors, undated or
    dated within the window of one of their dates), only those whose links one of these
    events would enter or change are, when the events are few; all of them when there are
    many (a bulk load), which costs less than checking each.
    """
    started = time.perf_counter()
    graphs = sorted(set(changed_graphs))
    direct = _described_or_derived(store, graphs)
    events, actors, days = _events_in(store, graphs)
    maybe = _reporting_candidates(store, actors, days) - direct
    if maybe and len(events) <= CHECK_EVENTS:
        maybe = _improvable(store, sorted(maybe), events)
    report = link_articles(store, direct | maybe, software=software)
    return LinkReport(report.articles, report.links, time.perf_counter() - started)


def _described_or_derived(store: Store, graphs: Sequence[str]) -> set[str]:
    """Articles that the graphs describe, or whose links were derived from them."""
    found: set[str] = set()
    for chunk in _chunks(graphs, _VALUES_CHUNK):
        found.update(
            _select_column(
                store,
                f"SELECT DISTINCT ?a WHERE {{ {_values('g', chunk)} "
                "GRAPH ?g { ?a dip:mentions ?x } }",
            )
        )
        found.update(
            _select_column(
                store,
                f"SELECT DISTINCT ?a WHERE {{ {_values('doc', chunk)} "
                "GRAPH ?lg { ?lg a dip:LinkGraph . ?link prov:wasDerivedFrom ?doc ;"
                " dip:article ?a } }",
            )
        )
    return found


def _events_in(store: Store, graphs: Sequence[str]) -> tuple[set[str], set[str], set[date]]:
    """The events the graphs describe, with their participants and dates."""
    events: set[str] = set()
    actors: set[str] = set()
    days: set[date] = set()
    for chunk in _chunks(graphs, _VALUES_CHUNK):
        rows = store.query(
            _PREFIXES + f"SELECT DISTINCT ?e ?day ?x WHERE {{ {_values('g', chunk)} "
            "GRAPH ?g { ?e dip:date ?day ; dip:participant ?x } }"
        ).rows
        for event, day, actor in rows:
            parsed = _date(day)
            if parsed is not None and isinstance(actor, URIRef):
                events.add(str(event))
                days.add(parsed)
                actors.add(str(actor))
    return events, actors, days


def _reporting_candidates(store: Store, actors: set[str], days: set[date]) -> set[str]:
    """Articles mentioning one of ``actors``, undated or dated near one of ``days``."""
    found: set[str] = set()
    if not actors:
        return found
    # An article published on day p reports events dated p - WINDOW_BEFORE to p + WINDOW_AFTER.
    published = sorted(
        {d + timedelta(days=k) for d in days for k in range(-WINDOW_AFTER, WINDOW_BEFORE + 1)}
    )
    for chunk in _chunks([_day(d) for d in published], _VALUES_CHUNK):
        rows = store.query(
            _PREFIXES + "SELECT DISTINCT ?a ?x WHERE { "
            f"VALUES ?p {{ {' '.join(chunk)} }} ?a dip:published ?p ; dip:mentions ?x }}"
        ).rows
        found.update(str(a) for a, x in rows if str(x) in actors)
    for chunk in _chunks(sorted(actors), _VALUES_CHUNK):
        found.update(
            _select_column(
                store,
                f"SELECT DISTINCT ?a WHERE {{ {_values('x', chunk)} ?a dip:mentions ?x "
                "FILTER NOT EXISTS { ?a dip:published ?p } }",
            )
        )
    return found


def _improvable(store: Store, articles: Sequence[str], events: set[str]) -> set[str]:
    """Of ``articles``, those whose links one of ``events`` would enter or change.

    An event already linked may have changed; another matters if it scores at least the
    threshold and the article has room for it or it beats the article's weakest link.
    """
    features, _ = _event_features(store, sorted(events))
    by_actor: dict[str, list[EventFeatures]] = defaultdict(list)
    for event in features.values():
        for actor in event.actors:
            by_actor[actor].append(event)
    out: set[str] = set()
    for chunk in _chunks(articles, CHUNK):
        current: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for row in store.query(
            _PREFIXES + f"SELECT ?a ?e ?score WHERE {{ {_values('a', chunk)} "
            "?link dip:article ?a ; dip:event ?e ; dip:score ?score }"
        ).rows:
            current[str(row[0])].append((float(str(row[2])), str(row[1])))
        found, _, _ = _article_features(store, chunk)
        for iri, article in found.items():
            linked = current.get(iri, [])
            if any(event in events for _, event in linked):
                out.add(iri)
                continue
            weakest = min(s for s, _ in linked) if len(linked) >= MAX_LINKS else THRESHOLD
            nearby = {e.iri: e for x in article.actors for e in by_actor.get(x, ())}
            if any(
                (link := score_link(article, event)) is not None
                and link.score >= max(weakest, THRESHOLD)
                for event in nearby.values()
            ):
                out.add(iri)
    return out


def link_articles(store: Store, articles: Iterable[str], *, software: str) -> LinkReport:
    """Compute the links of ``articles`` and write each article's link graph anew."""
    started = time.perf_counter()
    todo = sorted(set(articles))
    count = 0
    cache = _EventCache(store)
    for chunk in _chunks(todo, CHUNK):
        graphs: dict[str, list[tuple[Node, Node, Node]]] = {}
        for article, triples in _link_chunk(store, chunk, cache, software=software):
            graphs[link_graph_iri(article)] = triples
            count += sum(1 for t in triples if t[1] == DIP.reports)
        store.replace_graphs(graphs)
    return LinkReport(len(todo), count, time.perf_counter() - started)


def find_links(store: Store, articles: Sequence[str]) -> dict[str, list[Link]]:
    """The links the store's data gives ``articles``, without writing them."""
    features, _, _ = _article_features(store, articles)
    candidates = {a: _candidates(store, f) for a, f in features.items()}
    events, _ = _event_features(store, sorted({e for c in candidates.values() for e in c}))
    return {
        a: best_links(features[a], [events[e] for e in candidates.get(a, ()) if e in events])
        if a in features
        else []
        for a in articles
    }


class _EventCache:
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
            features, labels = _event_features(self.store, missing)
            self.features.update(features)
            self.labels.update(labels)
            self.known.update(missing)
        return {e: self.features[e] for e in wanted if e in self.features}


def _link_chunk(
    store: Store, articles: Sequence[str], cache: _EventCache, *, software: str
) -> Iterator[tuple[str, list[tuple[Node, Node, Node]]]]:
    features, article_docs, labels = _article_features(store, articles)
    candidates = {a: _candidates(store, f) for a, f in features.items()}
    events = cache.get(e for c in candidates.values() for e in c)
    labels.update(cache.labels)
    links = {
        a: best_links(f, [events[e] for e in candidates[a] if e in events])
        for a, f in features.items()
    }
    event_docs = _documents(
        store, sorted({link.event for found in links.values() for link in found}), "dip:date"
    )
    now = datetime.now(UTC)
    for article in articles:
        found = links.get(article, [])
        if not found:
            yield article, []  # no links: the graph is dropped
            continue
        graph = link_graph_iri(article)
        yield article, list(
            link_triples(
                article,
                found,
                graph_iri=graph,
                article_documents=article_docs.get(article, ()),
                event_documents=event_docs,
                labels=labels,
                generated_at=now,
                software=software,
            )
        )


def _article_features(
    store: Store, articles: Sequence[str]
) -> tuple[dict[str, ArticleFeatures], dict[str, list[str]], dict[str, str]]:
    """Features of the articles that mention an actor, their document graphs, their titles."""
    values = _values("a", articles)
    published: dict[str, date] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    titles: dict[str, str] = {}
    for a, day, title, text in store.query(
        _PREFIXES + "SELECT ?a ?published ?title ?text WHERE { " + values
        + " OPTIONAL { ?a dip:published ?published } OPTIONAL { ?a dip:title ?title }"
        " OPTIONAL { ?a dip:text ?text } }"
    ).rows:
        key = str(a)
        parsed = _date(day)
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
        _PREFIXES + "SELECT ?a ?kind ?x ?label WHERE { " + values
        + " { ?a dip:mentions ?x . ?x a ?class . VALUES (?class ?kind) { " + _KINDS + " } }"
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
        )
        for a in articles
        if actors.get(a)
    }
    documents = _documents(store, list(features), "dip:mentions|dip:title|dip:published|dip:text")
    return features, documents, labels


def _candidates(store: Store, article: ArticleFeatures) -> list[str]:
    """The events that may be the article's: sharing an actor, within its date window.

    The most actors shared first, counted by weight, those the article's title names
    three times over: the title names whom the article is about.
    """
    weights = " ".join(
        f"({sparql_iri(iri)} {ACTOR_WEIGHTS[kind] * (3 if iri in article.headline_actors else 1)})"
        for iri, kind in sorted(article.actors.items()) if is_iri(iri)
    )
    if article.published is not None:
        days = " ".join(
            _day(article.published + timedelta(days=k))
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
        _PREFIXES + f"SELECT ?e (SUM(?w) AS ?weight) WHERE {{ {where} ?e dip:participant ?x }}"
        f" GROUP BY ?e ORDER BY DESC(?weight) ?e LIMIT {CANDIDATES}"
    ).rows
    return [str(e) for e, _ in rows if isinstance(e, URIRef)]


def _event_features(
    store: Store, events: Sequence[str]
) -> tuple[dict[str, EventFeatures], dict[str, str]]:
    """Features of events, and the labels of their participants and places."""
    days: dict[str, date] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    actors: dict[str, dict[str, str]] = defaultdict(dict)
    places: dict[str, set[str]] = defaultdict(set)
    names: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    for chunk in _chunks(list(events), _VALUES_CHUNK):
        values = _values("e", chunk)
        for e, day, headline in store.query(
            _PREFIXES + "SELECT ?e ?day ?headline WHERE { " + values
            + " ?e dip:date ?day OPTIONAL { ?e dip:headline ?headline } }"
        ).rows:
            parsed = _date(day)
            if parsed is not None:
                days[str(e)] = parsed
            if headline is not None and str(headline) not in texts[str(e)]:
                texts[str(e)].append(str(headline))
        for e, kind, x, label in store.query(
            _PREFIXES + "SELECT ?e ?kind ?x ?label WHERE { " + values
            + " { ?e dip:participant ?x . ?x a ?class . VALUES (?class ?kind) { " + _KINDS
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


def _documents(store: Store, nodes: Sequence[str], path: str) -> dict[str, list[str]]:
    """The document graphs that state ``path`` of each node: where its features came from."""
    out: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(list(nodes), _VALUES_CHUNK):
        for node, graph in store.query(
            _PREFIXES + f"SELECT DISTINCT ?n ?g WHERE {{ {_values('n', chunk)} "
            f"GRAPH ?g {{ ?n {path} ?any }} "
            f'FILTER (STRSTARTS(STR(?g), "{DOCUMENT_GRAPH_BASE}")) }}'
        ).rows:
            out[str(node)].append(str(graph))
    return out


def _select_column(store: Store, query: str) -> list[str]:
    return [str(row[0]) for row in store.query(_PREFIXES + query).rows if row[0] is not None]


def _values(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(sparql_iri(i) for i in iris)} }}"


def _day(day: date) -> str:
    return sparql_literal(Literal(day.isoformat(), datatype=XSD.date))


def _date(term: Node | None) -> date | None:
    if not isinstance(term, Literal):
        return None
    try:
        return date.fromisoformat(str(term)[:10])
    except ValueError:
        return None


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
