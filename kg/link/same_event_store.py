"""Same-event links in the store: event cards read by date, scored by :mod:`kg.link.same_event`.

Links are derived data. The links whose earlier event falls on day *d* live in their own
named graph, ``{GRAPH_BASE}same-event/<d>`` (:func:`kg.iri.same_event_graph_iri`), written
whole each time they are computed: from the events of *d* and *d + 1*, so computing them
again never duplicates a link nor leaves a stale one, and a day without links has no graph.
The graph says with PROV-O which document graphs its links were derived from.

Every query is plain SPARQL 1.1 and none reads the whole store: events are looked up by
their date, a day at a time by value (``VALUES ?day``), and their features by IRI. After an
ingest only the days of the events that the written or dropped documents describe (and of
the links derived from those documents) are computed anew, with the day before each.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from rdflib import URIRef
from rdflib.term import Node

from kg.iri import (
    DOCUMENT_GRAPH_BASE,
    SAME_EVENT_GRAPH_BASE,
    same_event_graph_day,
    same_event_graph_iri,
)
from kg.link.features import (
    PREFIXES,
    VALUES_CHUNK,
    as_date,
    chunks,
    day_literal,
    select_column,
    values_block,
)
from kg.link.graphs import changed_graphs, rewrite_link_graphs
from kg.link.same_event import (
    MAX_DAYS,
    EventCard,
    SameEvent,
    event_card,
    same_event_triples,
    same_events,
)
from kg.progress import Progress, no_progress
from kg.store import Store

#: Days computed per round of queries and per write.
DAYS_CHUNK = 64


@dataclass(frozen=True)
class SameEventReport:
    """What a run of same-event linking did."""

    days: int  # days whose same-event graph was computed
    links: int  # links those days now have
    seconds: float


def link_same_events_all(
    store: Store, *, software: str, progress: Progress = no_progress
) -> SameEventReport:
    """Compute the same-event links of every day that has an event; drop any other such graph."""
    started = time.perf_counter()
    days = sorted(
        day
        for value in select_column(store, "SELECT DISTINCT ?day WHERE { ?e dip:date ?day }")
        if (day := _parse_day(value)) is not None
    )
    report = rewrite_link_graphs(
        store, SAME_EVENT_GRAPH_BASE, (same_event_graph_iri(d) for d in days),
        lambda: link_days(store, days, software=software, progress=progress),
    )
    return SameEventReport(report.days, report.links, time.perf_counter() - started)


def update_same_events(
    store: Store,
    changed_graphs: Iterable[str],
    *,
    software: str,
    progress: Progress = no_progress,
) -> SameEventReport:
    """Recompute the same-event links that documents written or dropped may have changed.

    ``changed_graphs`` are the document graphs just written or dropped: the days of the
    events they now describe, and the days of the links derived from them, are computed
    anew, each with the day before (whose graph holds its links to them).
    """
    started = time.perf_counter()
    graphs = sorted(set(changed_graphs))
    touched: set[date] = set()
    for chunk in chunks(graphs, VALUES_CHUNK):
        for value in select_column(
            store,
            f"SELECT DISTINCT ?day WHERE {{ {values_block('g', chunk)} "
            "GRAPH ?g { ?e dip:date ?day } }",
        ):
            if (day := _parse_day(value)) is not None:
                touched.add(day)
        for graph in select_column(
            store,
            f"SELECT DISTINCT ?sg WHERE {{ {values_block('doc', chunk)} "
            "GRAPH ?sg { ?sg a dip:SameEventGraph ; prov:wasDerivedFrom ?doc } }",
        ):
            if (day := same_event_graph_day(graph)) is not None:
                touched.add(day)
    days = sorted({d - timedelta(days=k) for d in touched for k in range(MAX_DAYS + 1)})
    report = link_days(store, days, software=software, progress=progress)
    return SameEventReport(report.days, report.links, time.perf_counter() - started)


def link_days(
    store: Store, days: Sequence[date], *, software: str, progress: Progress = no_progress
) -> SameEventReport:
    """Compute the same-event graphs of ``days`` and write each anew (dropped if empty)."""
    started = time.perf_counter()
    todo = sorted(set(days))
    count = 0
    existing = set(_same_event_graphs(store, todo))
    advance = progress("linking the same events", len(todo), "days")
    for start in range(0, len(todo), DAYS_CHUNK):
        chunk = todo[start : start + DAYS_CHUNK]
        found = find_same_events(store, chunk)
        labels = _labels(store, sorted({a for link in found for a in link.shared_actors}))
        now = datetime.now(UTC)
        by_day: dict[date, list[SameEvent]] = defaultdict(list)
        for link in found:
            by_day[link.day].append(link)
        graphs: dict[str, list[tuple[Node, Node, Node]]] = {}
        for day in chunk:
            graph = same_event_graph_iri(day)
            links = by_day.get(day, [])
            count += len(links)
            if not links and graph not in existing:
                continue  # nothing to write, nothing to drop
            graphs[graph] = (
                list(same_event_triples(links, graph_iri=graph, label=f"same events of {day}",
                                        labels=labels, generated_at=now, software=software))
                if links else []
            )
        store.replace_graphs(changed_graphs(store, graphs))
        advance(len(chunk))
    return SameEventReport(len(todo), count, time.perf_counter() - started)


def find_same_events(store: Store, days: Sequence[date]) -> list[SameEvent]:
    """The same-event links whose earlier event falls on one of ``days``, without writing them."""
    wanted = set(days)
    window = sorted({d + timedelta(days=k) for d in wanted for k in range(MAX_DAYS + 1)})
    return [link for link in same_events(event_cards(store, window).values())
            if link.day in wanted]


def event_cards(store: Store, days: Sequence[date]) -> dict[str, EventCard]:
    """The cards of every event dated on one of ``days``: looked up by date, then by IRI."""
    day_of: dict[str, date] = {}
    headlines: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks([day_literal(d) for d in days], VALUES_CHUNK):
        for event, day, headline in store.query(
            PREFIXES + f"SELECT ?e ?day ?headline WHERE {{ VALUES ?day {{ {' '.join(chunk)} }}"
            " ?e dip:date ?day OPTIONAL { ?e dip:headline ?headline } }"
        ).rows:
            parsed = as_date(day)
            if parsed is None or not isinstance(event, URIRef):
                continue
            day_of[str(event)] = parsed
            if headline is not None:
                headlines[str(event)].append(str(headline))
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for chunk in chunks(sorted(day_of), VALUES_CHUNK):
        for event, kind, value in store.query(
            PREFIXES + f"SELECT ?e ?kind ?x WHERE {{ {values_block('e', chunk)}"
            ' { ?e dip:participant ?x BIND ("actor" AS ?kind) }'
            ' UNION { ?e dip:reportedBy ?x BIND ("source" AS ?kind) }'
            ' UNION { ?e dip:relatedTo ?x BIND ("related" AS ?kind) }'
            ' UNION { ?x dip:relatedTo ?e BIND ("related" AS ?kind) }'
            ' UNION { GRAPH ?x { ?e dip:date ?any } BIND ("document" AS ?kind)'
            f' FILTER (STRSTARTS(STR(?x), "{DOCUMENT_GRAPH_BASE}")) }} }}'
        ).rows:
            if event is not None and kind is not None and value is not None:
                facts[str(event)][str(kind)].add(str(value))
    return {
        event: event_card(
            event, day, headlines.get(event, ()),
            actors=facts[event]["actor"], sources=facts[event]["source"],
            documents=facts[event]["document"], related=facts[event]["related"],
        )
        for event, day in day_of.items()
    }


def _same_event_graphs(store: Store, days: Sequence[date]) -> list[str]:
    """The same-event graphs of ``days`` the store holds."""
    found: list[str] = []
    for chunk in chunks([same_event_graph_iri(d) for d in days], VALUES_CHUNK):
        found += select_column(
            store, f"SELECT ?g WHERE {{ {values_block('g', chunk)} GRAPH ?g {{ ?g a ?type }} }}"
        )
    return found


def _labels(store: Store, nodes: Sequence[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for chunk in chunks(list(nodes), VALUES_CHUNK):
        for node, label in store.query(
            PREFIXES + f"SELECT ?n ?label WHERE {{ {values_block('n', chunk)}"
            " ?n rdfs:label ?label }"
        ).rows:
            if node is not None and label is not None:
                labels.setdefault(str(node), str(label))
    return labels


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
