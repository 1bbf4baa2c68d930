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

from rdflib import URIRef
from rdflib.term import Node

from kg import derivation
from kg.iri import LINK_GRAPH_BASE as LINK_GRAPH_BASE  # re-exported: tests/test_linker.py
from kg.iri import link_graph_iri
from kg.link.counts import count_actors
from kg.link.features import (
    PREFIXES,
    VALUES_CHUNK,
    EventCache,
    article_features,
    as_date,
    candidates,
    chunks,
    day_literal,
    event_features,
    select_column,
    source_documents,
    values_block,
)
from kg.link.graphs import changed_graphs, rewrite_link_graphs
from kg.link.score import (
    MAX_LINKS,
    THRESHOLD,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    EventFeatures,
    Link,
    best_links,
    link_triples,
    score_link,
)
from kg.memory import release_freed_memory
from kg.progress import Progress, no_progress
from kg.store import Store
from kg.vocab import DIP

#: Articles per round of queries and per write.
CHUNK = 100
#: Up to this many events written, the articles that could report them are checked one by
#: one before linking them anew; beyond it (a bulk load) they are all linked anew.
CHECK_EVENTS = 1000


@dataclass(frozen=True)
class LinkReport:
    """What a run of linking did."""

    articles: int  # articles whose links were computed
    links: int  # links they now have
    seconds: float


def link_all(
    store: Store, *, software: str, progress: Progress = no_progress
) -> LinkReport:
    """Compute the links of every article that mentions an actor, and drop any other link graph.

    The run is recorded (:mod:`kg.derivation`): the links are current once it has written all.
    """
    started = time.perf_counter()
    with derivation.running(store, derivation.LINKS):
        articles = select_column(
            store, "SELECT DISTINCT ?a WHERE { ?a dip:mentions ?x }"
        )
        report = rewrite_link_graphs(
            store, LINK_GRAPH_BASE, (link_graph_iri(a) for a in articles),
            lambda: link_articles(store, articles, software=software, progress=progress),
            kind=DIP.LinkGraph,
        )
        count_actors(store)  # derived with the links: current when they are
    return LinkReport(report.articles, report.links, time.perf_counter() - started)


def update_links(
    store: Store,
    changed_graphs: Iterable[str],
    *,
    software: str,
    progress: Progress = no_progress,
) -> LinkReport:
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
        maybe = _improvable(store, sorted(maybe), events, progress)
    report = link_articles(store, direct | maybe, software=software, progress=progress)
    return LinkReport(report.articles, report.links, time.perf_counter() - started)


def _described_or_derived(store: Store, graphs: Sequence[str]) -> set[str]:
    """Articles that the graphs describe, or whose links were derived from them."""
    found: set[str] = set()
    for chunk in chunks(graphs, VALUES_CHUNK):
        found.update(
            select_column(
                store,
                f"SELECT DISTINCT ?a WHERE {{ {values_block('g', chunk)} "
                "GRAPH ?g { ?a dip:mentions ?x } }",
            )
        )
        found.update(
            select_column(
                store,
                f"SELECT DISTINCT ?a WHERE {{ {values_block('doc', chunk)} "
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
    for chunk in chunks(graphs, VALUES_CHUNK):
        rows = store.query(
            PREFIXES + f"SELECT DISTINCT ?e ?day ?x WHERE {{ {values_block('g', chunk)} "
            "GRAPH ?g { ?e dip:date ?day ; dip:participant ?x } }"
        ).rows
        for event, day, actor in rows:
            parsed = as_date(day)
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
    for chunk in chunks([day_literal(d) for d in published], VALUES_CHUNK):
        rows = store.query(
            PREFIXES + "SELECT DISTINCT ?a ?x WHERE { "
            f"VALUES ?p {{ {' '.join(chunk)} }} ?a dip:published ?p ; dip:mentions ?x }}"
        ).rows
        found.update(str(a) for a, x in rows if str(x) in actors)
    for chunk in chunks(sorted(actors), VALUES_CHUNK):
        found.update(
            select_column(
                store,
                f"SELECT DISTINCT ?a WHERE {{ {values_block('x', chunk)} ?a dip:mentions ?x "
                "FILTER NOT EXISTS { ?a dip:published ?p } }",
            )
        )
    return found


def _improvable(
    store: Store, articles: Sequence[str], events: set[str], progress: Progress = no_progress
) -> set[str]:
    """Of ``articles``, those whose links one of ``events`` would enter or change.

    An event already linked may have changed; another matters if it scores at least the
    threshold and the article has room for it or it beats the article's weakest link.
    """
    features, _ = event_features(store, sorted(events))
    by_actor: dict[str, list[EventFeatures]] = defaultdict(list)
    for event in features.values():
        for actor in event.actors:
            by_actor[actor].append(event)
    out: set[str] = set()
    advance = progress("checking which articles to link anew", len(articles), "articles")
    for chunk in chunks(articles, CHUNK):
        current: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for row in store.query(
            PREFIXES + f"SELECT ?a ?e ?score WHERE {{ {values_block('a', chunk)} "
            "?link dip:article ?a ; dip:event ?e ; dip:score ?score }"
        ).rows:
            current[str(row[0])].append((float(str(row[2])), str(row[1])))
        found, _, _ = article_features(store, chunk)
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
        advance(len(chunk))
    return out


def link_articles(
    store: Store, articles: Iterable[str], *, software: str, progress: Progress = no_progress
) -> LinkReport:
    """Compute the links of ``articles`` and write each article's link graph anew."""
    started = time.perf_counter()
    todo = sorted(set(articles))
    count = 0
    cache = EventCache(store)
    advance = progress("linking articles to events", len(todo), "articles")
    for chunk in chunks(todo, CHUNK):
        graphs: dict[str, list[tuple[Node, Node, Node]]] = {}
        for article, triples in _link_chunk(store, chunk, cache, software=software):
            graphs[link_graph_iri(article)] = triples
            count += sum(1 for t in triples if t[1] == DIP.reports)
        store.replace_graphs(changed_graphs(store, graphs))
        release_freed_memory()  # a chunk's features and link triples
        advance(len(chunk))
    return LinkReport(len(todo), count, time.perf_counter() - started)


def find_links(store: Store, articles: Sequence[str]) -> dict[str, list[Link]]:
    """The links the store's data gives ``articles``, without writing them."""
    features, _, _ = article_features(store, articles)
    pools = {a: candidates(store, f) for a, f in features.items()}
    events, _ = event_features(store, sorted({e for c in pools.values() for e in c}))
    return {
        a: best_links(features[a], [events[e] for e in pools.get(a, ()) if e in events])
        if a in features
        else []
        for a in articles
    }


def _link_chunk(
    store: Store, articles: Sequence[str], cache: EventCache, *, software: str
) -> Iterator[tuple[str, list[tuple[Node, Node, Node]]]]:
    features, article_docs, labels = article_features(store, articles)
    candidate_events = {a: candidates(store, f) for a, f in features.items()}
    events = cache.get(e for c in candidate_events.values() for e in c)
    labels.update(cache.labels)
    links = {
        a: best_links(f, [events[e] for e in candidate_events[a] if e in events])
        for a, f in features.items()
    }
    event_docs = source_documents(
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


