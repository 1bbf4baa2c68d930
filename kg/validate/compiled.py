"""A cheap SHACL gate: the shapes compiled to SPARQL SELECT queries run by pyoxigraph.

pySHACL checks each focus node in Python, which costs about 50 ms a document. The subset of
SHACL Core the shipped shapes use (class, subject and object targets; predicate and inverse
paths; count, value-type, value-range, string, ``sh:in``, ``sh:hasValue`` constraints; ``sh:or``
and ``sh:not`` of value-type and string constraints; SPARQL-based constraints) is compiled to one
query per constraint over all focus nodes at once (:mod:`kg.validate.constraint`), and their rows
read as results (:mod:`kg.validate.rows`). A node shape using anything else is left to pySHACL,
run over the same graph with only those shapes, so a verdict never depends on what the compiler
covers. ``pyshacl_only`` names the shapes that fall back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from kg.ontology import ontology_graph
from kg.rdffile import to_oxigraph
from kg.store.quads import load_quads
from kg.terms import Triple
from kg.validate.constraint import TARGETS, Check, Unsupported, local, node_shape, target_shapes
from kg.validate.report import ValidationResult
from kg.validate.rows import run_checks
from kg.validate.run import DataGraph, read_results, run_pyshacl

__all__ = ["Check", "Plan", "Unsupported", "check_graph", "check_triples", "compile_shapes",
           "compiled_plan", "default_quads", "ontology_quads", "run_checks"]


@dataclass(frozen=True)
class Plan:
    """The compiled checks, and a shapes graph with the node shapes left to pySHACL."""

    checks: tuple[Check, ...]
    fallback: Graph | None
    pyshacl_only: tuple[str, ...]


def compile_shapes(shapes: Graph, *, distinct_focus: bool = False) -> Plan:
    """Compile each node shape that has targets, or leave it (whole) to pySHACL.

    ``distinct_focus``: each focus node tested once, at the cost of holding them all in
    memory: for a batch of documents, not a whole store.
    """
    checks: list[Check] = []
    fallback: list[Node] = []
    for shape in sorted(target_shapes(shapes), key=str):
        try:
            checks.extend(node_shape(shapes, shape, distinct_focus=distinct_focus))
        except Unsupported:
            fallback.append(shape)
    if not fallback:
        return Plan(tuple(checks), None, ())
    rest = Graph()
    compiled = set(target_shapes(shapes)) - set(fallback)
    for triple in shapes:
        # A shape without targets validates nothing: the compiled ones are left in place.
        if triple[0] in compiled and triple[1] in TARGETS:
            continue
        rest.add(triple)
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    return Plan(tuple(checks), rest, tuple(local(s) for s in fallback))


def check_graph(graph: Graph, shapes: Graph, plan: Plan | None = None) -> tuple[
        ValidationResult, ...]:
    """The results of validating ``graph`` (changed in place when pySHACL must run)."""
    try:
        quads = default_quads(graph)
    except ValueError:  # a term Oxigraph refuses: pySHACL checks the graph
        return read_results(run_pyshacl(graph, shapes, "none"), shapes, graph)
    store = ox.Store()
    store.bulk_extend(quads)
    return _check(store, shapes, plan, lambda: graph, probe=True)


def check_triples(triples: Collection[Triple], shapes: Graph, plan: Plan | None = None, *,
                  quads: Sequence[ox.Quad] | None = None,
                  text: str | None = None) -> tuple[ValidationResult, ...]:
    """The results of validating ``triples`` with the ontology (Unsupported: use pySHACL).

    The caller may have made them already (:class:`kg.store.quads.PreparedGraphs`):
    ``quads``, the triples as quads of the default graph, or ``text``, some of them as
    N-Triples and the others as ``quads``.
    """
    if quads is None and text is None:
        try:
            quads = default_quads(triples)
        except ValueError as exc:  # a term Oxigraph refuses (an IRI with a space): pySHACL's
            raise Unsupported(str(exc)) from exc

    def graph() -> Graph:  # only built for the shapes left to pySHACL
        data = DataGraph()
        data.addN((s, p, o, data) for s, p, o in triples)
        data += ontology_graph()
        return data

    if text is not None or len(quads or ()) >= _OWN_STORE_FROM:
        # A batch of ingest: a store of its own, loaded in one go, costs less than adding
        # its quads to the kept one and taking them out again (a fifth of the gate's time).
        own = ox.Store()
        own.bulk_extend(ontology_quads())
        if text is not None:
            load_quads(own, text, bulk=True, format=ox.RdfFormat.N_TRIPLES)
        own.bulk_extend(quads or ())
        return _check(own, shapes, plan, graph, probe=True)
    assert quads is not None
    # The ontology is loaded once per thread, not per call: loading it cost more than the
    # checks of one small document. The data goes in for the call and out after it.
    store = _ontology_store()
    added = [q for q in dict.fromkeys(quads) if q not in store]
    store.extend(added)
    try:
        return _check(store, shapes, plan, graph, probe=True)
    finally:
        try:
            for quad in added:
                store.remove(quad)
        except BaseException:
            _LOCAL.store = None  # left half cleaned: the next call loads a fresh one
            raise
        # A removed quad's terms stay in the in-memory store's dictionary, and its indexes
        # keep what was removed: a store that gated a whole corpus grew with it (83 MB and
        # slower checks every 1,000 events). A fresh one after so many quads keeps it small;
        # after about one ingest batch, the checks of the next cost 15% less than after 200k.
        _LOCAL.written = getattr(_LOCAL, "written", 0) + len(added)
        if _LOCAL.written > _RENEW_AFTER:
            _LOCAL.store, _LOCAL.written = None, 0


#: Quads from which a check gets a store of its own instead of the kept ontology store.
_OWN_STORE_FROM = 5_000
_LOCAL = threading.local()
#: Quads a thread's gate store takes in before it is replaced by a fresh one.
_RENEW_AFTER = 25_000


def _ontology_store() -> ox.Store:
    """This thread's in-memory store holding the ontology alone (between calls)."""
    store: ox.Store | None = getattr(_LOCAL, "store", None)
    if store is None:
        store = _LOCAL.store = ox.Store()
        store.extend(ontology_quads())
    return store


def _check(store: ox.Store, shapes: Graph, plan: Plan | None,
           graph: Callable[[], Graph], *, probe: bool) -> tuple[ValidationResult, ...]:
    plan = plan if plan is not None else compiled_plan(shapes, distinct_focus=True)
    checks = _with_focus_nodes(store, plan.checks) if probe else plan.checks
    found = list(run_checks(store, shapes, checks))
    if plan.fallback is not None:
        data = graph()
        found.extend(read_results(run_pyshacl(data, plan.fallback, "none"), shapes, data))
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    found.sort(key=lambda r: (r.file, rank.get(r.severity, 9), str(r.focus_node), r.path or "",
                              r.shape, str(r.value)))
    return tuple(found)


def _with_focus_nodes(store: ox.Store, checks: tuple[Check, ...]) -> list[Check]:
    """The checks whose shapes have a focus node in the store: the others raise nothing.

    One query asks every focus group for a node: for a small document about half the
    checks have none, and pyoxigraph parses each query it runs, which costs more than
    running it on a document.
    """
    groups = list(dict.fromkeys(c.focus for c in checks))
    if len(groups) < 2 or not all(groups):
        return list(checks)
    probe = " UNION ".join(f"{{ SELECT ({i} AS ?group) WHERE {{ {focus} }} LIMIT 1 }}"
                           for i, focus in enumerate(groups))
    solutions = store.query(f"SELECT ?group WHERE {{ {probe} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    live = {groups[int(row["group"].value)] for row in solutions}
    return [c for c in checks if c.focus in live]


def default_quads(triples: Iterable[Triple]) -> list[ox.Quad]:
    """The triples as quads of the default graph (ValueError for a term Oxigraph refuses)."""
    # Each term converted once: a batch names the same predicates, classes and nodes again
    # and again. rdflib terms are equal only when their kind, text, datatype and language
    # are, so a term stands for exactly one Oxigraph term.
    converted: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = converted.get(node)
        if found is None:
            found = converted[node] = to_oxigraph(node)
        return found

    return [ox.Quad(term(s), term(p), term(o))  # type: ignore[arg-type]
            for s, p, o in triples]


@cache
def ontology_quads() -> tuple[ox.Quad, ...]:
    """The ontology as quads of the default graph: the class hierarchy the checks walk."""
    return tuple(default_quads(ontology_graph()))


_PLANS: dict[tuple[int, bool], tuple[Graph, Plan]] = {}
_PLANS_KEPT = 8  # the shipped shapes, and a few a test or a caller passes


def compiled_plan(shapes: Graph, *, distinct_focus: bool = False) -> Plan:
    """The plan of a shapes graph, compiled once per graph object (the last few kept)."""
    key = (id(shapes), distinct_focus)
    held = _PLANS.get(key)
    if held is None or held[0] is not shapes:
        held = (shapes, compile_shapes(shapes, distinct_focus=distinct_focus))
        while len(_PLANS) >= _PLANS_KEPT:
            del _PLANS[next(iter(_PLANS))]
        _PLANS[key] = held
    return held[1]
