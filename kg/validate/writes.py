"""A client's writes, checked before they land: SPARQL updates and whole-graph writes.

The store's default graph is the RDF merge of its named graphs (one per document). A client's
update is read by the SPARQL grammar (:mod:`kg.sparql.analysis`), refused if it asks for what
this service does not do (LOAD, SERVICE, writing the default graph), and run by the store with
the merge kept around it (:func:`kg.store.merge.client_update`).

Writing the default graph itself is refused: it would hold facts no document holds, and the
next merge could not tell them apart. With the SHACL gate on, an update that changes graphs
holding the ontology's classes is checked as ingest checks documents, before it commits where
the store can run it on a checkpoint of itself (the embedded store on disk), else right after
it, undone if it breaks the shapes.

A client's write derives nothing: the derived data's records are made stale just before it
commits (:func:`kg.derivation.stale_while`), so that a write refused before then writes nothing
at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg import derivation
from kg.iri import DEFAULT_GRAPH_IRI
from kg.rdffile import to_rdflib
from kg.sparql.analysis import UpdatePlan, plan_update, with_using
from kg.sparql.parse import SparqlSyntaxError
from kg.store import QuerySyntaxError, Store
from kg.terms import TermError, Triple, is_iri, sparql_iri
from kg.validate import ValidationResult, validate_documents
from kg.validate import gate as shacl_gate
from kg.vocab import DIP, RDF

_ONTOLOGY = str(DIP._NS)

class UpdateRefused(Exception):
    """An update this endpoint will not run, with the reason for the client."""


class GateRejected(Exception):
    """A write that breaks the SHACL shapes; nothing of it was kept."""

    def __init__(self, results: Sequence[ValidationResult]) -> None:
        violations = [r for r in results if r.severity == "Violation"]
        super().__init__(f"the write breaks the SHACL shapes ({len(violations)} violations); "
                         "nothing was changed")
        self.results = tuple(results)


@dataclass(frozen=True)
class UpdateOutcome:
    """What an update did: the graphs it named and whether the gate looked at them."""

    targets: tuple[str, ...] | None
    rebuilt: bool
    checked: bool


def apply_update(
    store: Store,
    text: str,
    *,
    base_iri: str | None = None,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    gate: bool = True,
    allow_load: bool = False,
    allow_service: bool = False,
) -> UpdateOutcome:
    """Run a client's update with the default graph kept the merge of the named graphs.

    Raises:
        UpdateRefused: for what this endpoint does not run (see the module docstring).
        QuerySyntaxError: for an update that does not parse.
        GateRejected: for an update that breaks the shapes (nothing of it was kept).
        StoreError: if the store fails the update (nothing was changed).
    """
    try:
        plan = plan_update(text, base_iri=base_iri)
    except SparqlSyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from None
    _refuse(plan, using=bool(using or using_named), gate=gate, allow_load=allow_load,
            allow_service=allow_service)
    # A final ";" (with any prologue after it) goes: our operations follow the client's.
    core = text if plan.trailing_semicolon is None else text[: plan.trailing_semicolon]
    try:
        body = with_using(core, plan, using, using_named)
    except TermError as exc:
        raise UpdateRefused(str(exc)) from None
    if base_iri is not None and not is_iri(base_iri):
        raise UpdateRefused(f"not an absolute IRI for the base: {base_iri!r}")
    targets = sorted(plan.targets) if plan.targets is not None else None
    checked = gate and bool(targets)
    if checked and plan.whole_store:
        _gate_by_dry_run(body, plan, targets or [], base_iri=base_iri)
        checked = False
    before = {g: store.graph_triples(g) for g in targets} if checked and targets else {}
    reported = checked
    if checked and targets:
        after = store.preview_update(body, plan, targets, base_iri=base_iri)
        if after is not None:
            # Validated before it commits: a rejected update is never visible, nor durable.
            _check(store, before, after)
            checked = False
    with derivation.stale_while(store):
        store.run_update(body, plan, base_iri=base_iri)
        if checked and targets:
            # A store that cannot preview (in memory, or another server): checked after the
            # write and undone if rejected; between the two a reader could see it.
            try:
                _check(store, before, {g: store.graph_triples(g) for g in targets})
            except BaseException:
                # Whatever failed after the write (reading the graphs back, the gate), the
                # client is told the update failed: so it must not stay.
                store.replace_graphs(before)  # undo: the graphs as they were, merge kept
                raise
    return UpdateOutcome(tuple(targets) if targets is not None else None,
                         rebuilt=not plan.static, checked=reported)


def _check(store: Store, before: Mapping[str, Sequence[Triple]],
           after: Mapping[str, Sequence[Triple]]) -> None:
    """Raise GateRejected if the graphs, changed from ``before`` to ``after``, break the shapes."""
    changed = {g: t for g, t in after.items() if set(t) != set(before[g])}
    if not changed or not (_uses_ontology(changed.values()) or _uses_ontology(before.values())):
        return
    problems = gate_results(store, changed)
    if any(r.severity == "Violation" for r in problems):
        raise GateRejected(problems)


def _gate_by_dry_run(body: str, plan: UpdatePlan, targets: Sequence[str], *,
                     base_iri: str | None) -> None:
    """Check an update that clears ALL graphs before it runs: what the written graphs hold
    afterwards depends only on its own text, so a run on an empty store shows it."""
    if plan.named_only:
        raise UpdateRefused(
            "with the SHACL gate on, an update that clears the NAMED graphs cannot also write "
            "graphs (it could not be undone): send them as two requests"
        )
    dry = ox.Store()
    try:
        dry.update(body, base_iri=base_iri)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return  # the real run reports it, and changes nothing
    contents: dict[str, list[Triple]] = {}
    for graph in targets:
        quads = dry.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        contents[graph] = [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                           for q in quads]
    if _uses_ontology(contents.values()):
        found = validate_documents({g: t for g, t in contents.items() if t})
        problems = [r for results in found.values() for r in results]
        if any(r.severity == "Violation" for r in problems):
            raise GateRejected(problems)


def _refuse(plan: UpdatePlan, *, using: bool, gate: bool, allow_load: bool,
            allow_service: bool) -> None:
    if using and plan.dataset_clauses:
        raise UpdateRefused(
            "the update has USING or WITH clauses and the request has using-graph-uri or "
            "using-named-graph-uri parameters: give the dataset one way only"
        )
    if plan.loads and not allow_load:
        raise UpdateRefused("LOAD is refused: this endpoint does not fetch URLs on a client's "
                            "behalf (send the data in the request instead)")
    if plan.services and not allow_service:
        raise UpdateRefused("SERVICE is refused: this endpoint does not query other endpoints "
                            "on a client's behalf")
    if plan.default_writes:
        raise UpdateRefused(
            f"{plan.default_writes[0]}: the default graph is the merge of the named graphs "
            "(one per document) and cannot be written itself; write into a named graph, e.g. "
            f"INSERT DATA {{ GRAPH {sparql_iri(DEFAULT_GRAPH_IRI)} {{ … }} }}, and its triples "
            "appear in the default graph"
        )
    if gate and plan.targets is None:
        raise UpdateRefused(
            "with the SHACL gate on, an update must name the graphs it writes (GRAPH <iri>, "
            "not GRAPH ?g), so that they can be checked; name them, or ask the operator to "
            "turn the gate off (KG_SHACL_GATE=false)"
        )


def _uses_ontology(graphs: Iterable[Sequence[Triple]]) -> bool:
    for triples in graphs:
        for _, p, o in triples:
            if str(p).startswith(_ONTOLOGY) or (p == RDF.type and str(o).startswith(_ONTOLOGY)):
                return True
    return False


def gate_results(store: Store, graphs: Mapping[str, Sequence[Triple]]) -> list[ValidationResult]:
    """The ingest gate's results for graphs about to be written, all documents together."""
    found = shacl_gate(store, graphs)
    return [r for results in found.values() for r in results]


def graph_write(
    store: Store,
    graph: str,
    triples: Sequence[Triple],
    *,
    merge: bool,
    gate: bool,
) -> bool:
    """Replace (or with ``merge`` add to) one named graph; True if the graph is new.

    Raises:
        GateRejected: if the graph's new content breaks the shapes (nothing was written).
    """
    existing = store.graph_triples(graph)
    created = not existing and not graph_exists(store, graph)
    content = list(dict.fromkeys([*existing, *triples])) if merge else list(triples)
    if gate and (_uses_ontology([content]) or _uses_ontology([existing])):
        problems = gate_results(store, {graph: content})
        if any(r.severity == "Violation" for r in problems):
            raise GateRejected(problems)
    with derivation.stale_while(store):
        store.replace_graphs({graph: content})
        if not content:  # an empty graph still exists after a PUT of nothing
            store.create_graph(graph)
    return created


def graph_exists(store: Store, graph: str) -> bool:
    """Whether the store has a named graph ``graph`` (even an empty one)."""
    if not is_iri(graph):
        return False
    return bool(store.query(f"ASK {{ GRAPH {sparql_iri(graph)} {{ }} }}").boolean)


def drop_graph(store: Store, graph: str) -> None:
    """Drop one graph for a client, the derived data's records marked stale just before."""
    with derivation.stale_while(store):
        store.drop_graphs([graph])
