"""Derived graphs: which graphs are derived, and the records of which derivations are current.

The inferred graph (:mod:`kg.reason`), the article-event link graphs (:mod:`kg.link.find`)
and the same-event link graphs are computed from the asserted graphs: every other named
graph, the documents' among them (:func:`kg.iri.is_derived_graph` tells them apart, and
:func:`asserted` reads the asserted ones in SPARQL). The inference and the article-event
links keep a record in their own state graph (:data:`kg.iri.INFERRED_STATE_GRAPH`,
:data:`kg.iri.LINKS_STATE_GRAPH`), a ``prov:Activity`` that describes itself:

- a run writes its start alone first, which wipes the last end: a run that dies halfway leaves
  a start with no end, read as *interrupted*, and the next command that writes redoes it;
- a run that has written everything writes its start and its end: *current*;
- a write of documents marks a current record *stale* (``prov:invalidatedAtTime`` on what it
  generated) and the links' record started, before it writes any document;
- a client's write through ``kg serve`` (an update, a Graph Store write), which recomputes
  nothing, marks every current record stale just before it commits (:func:`stale_while`),
  once nothing is left to refuse it, and puts them back if it wrote nothing after all.

The label of a record is the command that redoes the derivation (``kg infer --engine fast``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rdflib import Literal, URIRef

from kg.iri import (
    COUNTS_GRAPH_BASE,
    DERIVED_GRAPH_BASES,
    INFERRED_GRAPH,
    INFERRED_STATE_GRAPH,
    LINK_GRAPH_BASE,
    LINKS_STATE_GRAPH,
    SAME_EVENT_GRAPH_BASE,
)
from kg.store import QuerySyntaxError, Store, StoreError
from kg.terms import Triple, sparql_iri, sparql_literal
from kg.vocab import DIP, PROV, RDF, RDFS, XSD


@dataclass(frozen=True)
class Derivation:
    """A kind of derived data: the graph that records it, and what it generates."""

    name: str
    state_graph: str
    generates: str  # the inferred graph, or what every link graph's IRI starts with
    command: str  # the command that computes it, as a record's label when none is given


INFERENCE = Derivation("inferred graph", INFERRED_STATE_GRAPH, INFERRED_GRAPH,
                       "kg infer --engine fast")
LINKS = Derivation("article-event links", LINKS_STATE_GRAPH, LINK_GRAPH_BASE, "kg link")
DERIVATIONS = (INFERENCE, LINKS)
#: The derived graphs told by what their IRIs start with, and the type each gives itself.
SELF_TYPES = {LINK_GRAPH_BASE: DIP.LinkGraph, SAME_EVENT_GRAPH_BASE: DIP.SameEventGraph,
              COUNTS_GRAPH_BASE: DIP.CountsGraph}
_STATE_GRAPHS = tuple(d.state_graph for d in DERIVATIONS)
_VARIABLE = re.compile(r"\?\w+")

#: What a record says: never run (or not recorded), interrupted, current, or stale.
Status = str
NEVER, INTERRUPTED, CURRENT, STALE = "never", "interrupted", "current", "stale"


@dataclass(frozen=True)
class Record:
    """The state of one derivation, as its state graph records it."""

    derivation: Derivation
    status: Status
    command: str
    started: datetime | None = None
    ended: datetime | None = None
    invalidated: datetime | None = None


# -- which graphs are asserted, in SPARQL -----------------------------------------------------

def asserted_graphs(graph_var: str) -> str:
    """SPARQL that keeps a graph variable, bound by a ``GRAPH`` pattern before it, to asserted
    graphs: not the inferred graph, not a state graph, not a link or same-event graph.

    The inferred and state graphs are told by IRI, the others by the type each gives itself
    (:data:`SELF_TYPES`): a hash anti-join read once, where a test of each row's IRI
    (``STRSTARTS(STR(?g), ...)``) made the rules two to six times slower. The same graphs as
    :func:`kg.iri.is_derived_graph` as long as every such graph types itself (`kg check`).
    """
    fixed = ", ".join(sparql_iri(g) for g in (INFERRED_GRAPH, *_STATE_GRAPHS))
    kinds = " ".join(sparql_iri(t) for t in SELF_TYPES.values())
    return (f"FILTER ({graph_var} NOT IN ({fixed}))"
            f" MINUS {{ VALUES ?derivedKind_ {{ {kinds} }}"
            f" GRAPH {graph_var} {{ {graph_var} a ?derivedKind_ }} }}")


def asserted(pattern: str, graph_var: str = "?g") -> str:
    """A group matching ``pattern`` in any asserted graph: a solution per graph that has it."""
    return f"{{ GRAPH {graph_var} {{ {pattern} }} {asserted_graphs(graph_var)} }}"


def asserted_once(pattern: str, graph_var: str = "?g") -> str:
    """A group matching ``pattern`` in any asserted graph, each solution once.

    Made distinct inside the store (a fact that many documents state is one solution),
    which costs less there than the repeats cost the reader of a rule's answer.
    """
    variables = " ".join(dict.fromkeys(_VARIABLE.findall(pattern)))
    return f"{{ SELECT DISTINCT {variables} WHERE {asserted(pattern, graph_var)} }}"


def derived_graph_test(graph_var: str) -> str:
    """A SPARQL expression: whether a graph variable names a derived graph, by its IRI."""
    fixed = ", ".join(sparql_iri(g) for g in (INFERRED_GRAPH, *_STATE_GRAPHS))
    bases = " || ".join(f"STRSTARTS(STR({graph_var}), {sparql_literal(Literal(base))})"
                        for base in DERIVED_GRAPH_BASES)
    return f"({graph_var} IN ({fixed}) || {bases})"


def mistyped_graphs(store: Store) -> list[str]:
    """Derived graphs that do not type themselves as what their IRI says, or the reverse."""
    named = store.named_graphs()
    kinds = " ".join(sparql_iri(t) for t in SELF_TYPES.values())
    typed = {(str(g), str(t)) for g, t in store.query(
        f"SELECT DISTINCT ?g ?t WHERE {{ VALUES ?t {{ {kinds} }} GRAPH ?g {{ ?g a ?t }} }}"
    ).rows}
    wrong: set[str] = set()
    for base, kind in SELF_TYPES.items():
        wrong.update(g for g in named if g.startswith(base) and (g, str(kind)) not in typed)
        wrong.update(g for g, t in typed if t == str(kind) and not g.startswith(base))
    return sorted(wrong)


# -- the records ------------------------------------------------------------------------------

def read_records(store: Store) -> dict[Derivation, Record]:
    """The record of every derivation (``never`` where its state graph holds none)."""
    graphs = " ".join(sparql_iri(d.state_graph) for d in DERIVATIONS)
    rows = store.query(
        f"SELECT ?g ?p ?o WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    ).rows
    facts: dict[str, dict[URIRef, object]] = {d.state_graph: {} for d in DERIVATIONS}
    for g, p, o in rows:
        if g is not None and p is not None:
            facts[str(g)][p] = o  # type: ignore[index]
    return {d: _record(d, facts[d.state_graph]) for d in DERIVATIONS}


def read_record(store: Store, derivation: Derivation) -> Record:
    """The record of one derivation."""
    return read_records(store)[derivation]


def _record(derivation: Derivation, facts: dict[URIRef, object]) -> Record:
    def when(predicate: URIRef) -> datetime | None:
        value = facts.get(predicate)
        moment = value.toPython() if isinstance(value, Literal) else None
        return moment if isinstance(moment, datetime) else None

    started, ended = when(PROV.startedAtTime), when(PROV.endedAtTime)
    invalidated = when(PROV.invalidatedAtTime)
    label = facts.get(RDFS.label)
    command = str(label) if label is not None else derivation.command
    if started is None:
        status = NEVER
    elif ended is None:
        status = INTERRUPTED
    else:
        status = STALE if invalidated is not None else CURRENT
    return Record(derivation, status, command, started, ended, invalidated)


def _triples(record: Record) -> list[Triple]:
    """The state graph of a record."""
    node, result = URIRef(record.derivation.state_graph), URIRef(record.derivation.generates)
    triples: list[Triple] = [
        (node, RDF.type, PROV.Activity),
        (node, RDFS.label, Literal(record.command)),
        (node, PROV.generated, result),
    ]
    for predicate, value in ((PROV.startedAtTime, record.started),
                             (PROV.endedAtTime, record.ended)):
        if value is not None:
            triples.append((node, predicate, _timestamp(value)))
    if record.invalidated is not None:
        triples.append((result, PROV.invalidatedAtTime, _timestamp(record.invalidated)))
    return triples


def _timestamp(value: datetime) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def _now() -> datetime:
    return datetime.now(UTC)


def start(store: Store, derivation: Derivation, command: str | None = None) -> Record:
    """Record that a derivation starts (its last end wiped); returns the record before."""
    before = read_record(store, derivation)
    started = Record(derivation, INTERRUPTED, command or before.command, started=_now())
    store.replace_graphs({derivation.state_graph: _triples(started)})
    return before


def finish(store: Store, derivation: Derivation, command: str | None = None) -> None:
    """Record that a derivation has written all it derives: it is current."""
    before = read_record(store, derivation)
    now = _now()
    done = Record(derivation, CURRENT, command or before.command, started=before.started or now,
                  ended=now)
    store.replace_graphs({derivation.state_graph: _triples(done)})


@contextlib.contextmanager
def running(store: Store, derivation: Derivation, command: str | None = None) -> Iterator[Record]:
    """Record a run: its start now, its end if the block ends without an error.

    Yields the record before the run (``interrupted`` if the last run died halfway).
    """
    before = start(store, derivation, command)
    yield before
    finish(store, derivation, command)


def documents_changing(store: Store) -> dict[Derivation, Record]:
    """Before a write of documents: the links' record started, a current inference made stale.

    One write. Returns the records as they were, so that the writer knows what to redo.
    """
    records = read_records(store)
    now = _now()
    graphs: dict[str, list[Triple]] = {}
    links = records[LINKS]
    if links.status != INTERRUPTED:
        graphs[LINKS.state_graph] = _triples(
            Record(LINKS, INTERRUPTED, links.command, started=now))
    inference = records[INFERENCE]
    if inference.status == CURRENT:
        graphs[INFERENCE.state_graph] = _triples(Record(
            INFERENCE, STALE, inference.command, inference.started, inference.ended, now))
    if graphs:
        store.replace_graphs(graphs)
    return records


def mark_stale(store: Store) -> dict[Derivation, Record]:
    """Before a write of documents that derives nothing: every current record made stale.

    One write, none if no record is current. Returns the records as they were, for
    :func:`put_back` should the write not happen.
    """
    records = read_records(store)
    now = _now()
    graphs = {d.state_graph: _triples(replace(r, status=STALE, invalidated=now))
              for d, r in records.items() if r.status == CURRENT}
    if graphs:
        store.replace_graphs(graphs)
    return records


@contextlib.contextmanager
def stale_while(store: Store) -> Iterator[None]:
    """Around the commit of a write that derives nothing: every current record stale first.

    A crash at any point then leaves them stale, never wrongly current. An error of the block
    puts them back (the write was refused whole, or undone), except a :class:`StoreError`
    other than a :class:`QuerySyntaxError`: the store failed the write, which may have
    written part of its steps, and stale is the safe record.
    """
    records = mark_stale(store)
    try:
        yield
    except QuerySyntaxError:
        put_back(store, records)
        raise
    except StoreError:
        raise
    except BaseException:
        put_back(store, records)
        raise


def put_back(store: Store, records: Mapping[Derivation, Record]) -> None:
    """After a write that changed nothing: the records :func:`mark_stale` made stale, current."""
    graphs = {d.state_graph: _triples(r) for d, r in records.items() if r.status == CURRENT}
    if graphs:
        store.replace_graphs(graphs)
