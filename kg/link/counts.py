"""Counts over the whole graph, kept up to date with the documents: the events of each actor.

Counting every event's actors costs what the graph holds (132 ms at 100k events, 62 ms of it
to read the 340k involvements alone), so a query that ranks actors by their events cannot stay
flat by asking better. The counts are computed where the article-event links are (one more
step of the same derivation, :data:`kg.derivation.LINKS`): at the end of an ingest that changed
documents, by ``kg link``, and after ``kg infer`` (which may add involvements). They are true
while that derivation's record is current; a write through ``kg serve`` makes it stale, and
:func:`counts_current` then says to count instead (:func:`kg.queries.query_text`).
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg import derivation
from kg.iri import ACTOR_COUNTS_GRAPH
from kg.store import Store
from kg.terms import Triple, sparql_iri
from kg.vocab import DIP, RDF, XSD

#: The count each actor's row of the named query busiest_actors gives: over the default graph.
ACTOR_COUNTS = f"""PREFIX dip: {sparql_iri(str(DIP._NS))}
SELECT ?actor (COUNT(DISTINCT ?event) AS ?events) WHERE {{ ?event dip:involves ?actor }}
GROUP BY ?actor"""


def actor_counts(store: Store) -> dict[URIRef, int]:
    """The number of distinct events that involve each actor, counted now."""
    return {actor: int(events) for actor, events in store.query(ACTOR_COUNTS).rows
            if isinstance(actor, URIRef) and isinstance(events, Literal)}


def count_actors(store: Store) -> int:
    """Write the counts graph anew (one write, replacing it whole); the actors counted."""
    graph = URIRef(ACTOR_COUNTS_GRAPH)
    triples: list[Triple] = [(graph, RDF.type, DIP.CountsGraph)]
    counts = actor_counts(store)
    triples.extend((actor, DIP.eventCount, Literal(n, datatype=XSD.integer))
                   for actor, n in counts.items())
    store.replace_graphs({ACTOR_COUNTS_GRAPH: triples})
    return len(counts)


def stored_counts(store: Store) -> dict[URIRef, int]:
    """The counts the counts graph holds."""
    rows = store.query(
        "SELECT ?actor ?n WHERE { GRAPH ?g { ?actor ?count ?n } }",
        bindings={"g": URIRef(ACTOR_COUNTS_GRAPH), "count": DIP.eventCount}).rows
    return {actor: int(n) for actor, n in rows
            if isinstance(actor, URIRef) and isinstance(n, Literal)}


def counts_current(store: Store) -> bool:
    """Whether the counts graph may be read for the counts: it is there, the links' record,
    which it is derived with, is current, and no inference is halfway (a store from before
    the counts has no counts graph)."""
    records = derivation.read_records(store)
    if records[derivation.INFERENCE].status == derivation.INTERRUPTED:
        return False
    return records[derivation.LINKS].status == derivation.CURRENT and _has_counts(store)


def refresh_counts(store: Store) -> None:
    """After an inference, which may add involvements and keeps the links current: the
    counts made again if they are kept, else left to the next run of the links."""
    links = derivation.read_record(store, derivation.LINKS)
    if links.status == derivation.CURRENT and _has_counts(store):
        count_actors(store)


def _has_counts(store: Store) -> bool:
    return store.query("ASK { GRAPH ?g { ?g a ?kind } }",
                       bindings={"g": URIRef(ACTOR_COUNTS_GRAPH),
                                 "kind": DIP.CountsGraph}).boolean is True
