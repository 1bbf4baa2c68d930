"""Validating a whole store with pySHACL in bounded memory: batches of document graphs, each
with what its shapes read.

Each batch gets exactly the triples its shapes read (:mod:`kg.pipeline.shape_reach`) from the
store, merged across documents, so cardinalities and uniqueness across documents are judged as
on the whole graph. Each focus node is judged once, in the batch of the first graph (in IRI
order) that describes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import BNode, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from kg.iri import INFERRED_GRAPH
from kg.ontology import ontology_graph
from kg.pipeline.result_files import in_report_order, with_files
from kg.pipeline.shape_reach import Reach
from kg.store import Store
from kg.terms import Triple, sparql_iri, sparql_term
from kg.validate import ValidationReport, ValidationResult
from kg.validate.run import DataGraph, read_results, run_pyshacl
from kg.vocab import RDF, RDFS

_INFERRED = sparql_iri(INFERRED_GRAPH)


def validate_in_batches(
    store: Store,
    shapes: Graph,
    reach: Reach,
    *,
    batch_size: int,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Validate everything the store asserts (the inferred graph aside) with pySHACL, batch by
    batch of ``batch_size`` document graphs; ``progress`` is told (graphs done, graphs in all)."""
    graphs = [g for g in store.named_graphs() if g != INFERRED_GRAPH]
    hierarchy = _class_hierarchy(store)
    kept: list[tuple[Graph, tuple[ValidationResult, ...]]] = []
    for start in range(0, len(graphs), max(1, batch_size)):
        batch = graphs[start:start + max(1, batch_size)]
        candidates = _candidates(store, batch, reach)
        owned = _owned(store, candidates, reach, before=batch[0])
        if owned:
            data = _context(store, candidates, reach)
            _target_objects(store, data, owned, reach)
            data.addN((s, p, o, data) for s, p, o in hierarchy)
            kept.append(_judge(store, data, shapes, owned))
        if progress is not None:
            progress(start + len(batch), len(graphs))
    kept.append(_judge_ontology(store, shapes, reach, hierarchy))
    return _merged(store.url, kept)


def _candidates(store: Store, batch: list[str], reach: Reach) -> list[str]:
    """SPARQL patterns binding ?f to the batch graphs' possible focus nodes, once each.

    Their subjects, and the objects of the predicates shapes target the objects of. Named
    nodes and literals are listed in VALUES, so the store looks each up by index; blank
    nodes cannot be, so they are found again by patterns over the batch graphs.
    """
    graphs = f"VALUES ?g {{ {' '.join(sparql_iri(g) for g in batch)} }}"
    patterns = [f"{graphs} GRAPH ?g {{ ?f ?anyP ?anyO }}"]
    if reach.object_targets:
        patterns.append(f"{graphs} {_values('targetP', reach.object_targets)}"
                        " GRAPH ?g { ?anyS ?targetP ?f }")
    found: set[Node] = set()
    blank = []
    for pattern in patterns:
        rows = store.query(f"SELECT DISTINCT ?f WHERE {{ {pattern} }}").rows
        nodes = {row[0] for row in rows if row[0] is not None}
        found |= nodes
        if any(isinstance(n, BNode) for n in nodes):
            blank.append(f"{pattern} FILTER (isBlank(?f))")
    terms = sorted((n for n in found if not isinstance(n, BNode)), key=str)
    return ([_values("f", terms)] if terms else []) + blank


def _values(variable: str, terms: Iterable[Node]) -> str:
    """A VALUES block giving ``variable`` each of ``terms`` (named nodes and literals)."""
    return f"VALUES ?{variable} {{ {' '.join(sparql_term(t) for t in terms)} }}"


def _owned(
    store: Store, candidates: list[str], reach: Reach, *, before: str | None
) -> set[Node]:
    """The candidates no graph before ``before`` (no graph at all: None) describes."""
    order = f" && STR(?h) < STR({sparql_iri(before)})" if before is not None else ""
    earlier = f"FILTER (?h != {_INFERRED}{order})"
    reads = ["GRAPH ?h { ?f ?p ?o }"]
    if reach.object_targets:
        targets = ", ".join(sparql_iri(p) for p in sorted(reach.object_targets))
        reads.append(f"GRAPH ?h {{ ?s ?p ?f }} FILTER (?p IN ({targets}))")
    every: set[Node] = set()
    taken: set[Node] = set()
    for pattern in candidates:
        every |= _column(store, f"SELECT DISTINCT ?f WHERE {{ {pattern} }}")
        for read in reads:
            taken |= _column(store, f"SELECT DISTINCT ?f WHERE {{ {pattern} {read} {earlier} }}")
    return every - taken


def _column(store: Store, query: str) -> set[Node]:
    return {row[0] for row in store.query(query).rows if row[0] is not None}


def _context(store: Store, candidates: list[str], reach: Reach) -> Graph:
    """The candidates' triples from every graph, and what the shapes read around them."""
    data = DataGraph()
    asserted = f"FILTER (?h != {_INFERRED})"
    # Predicates by FILTER rather than VALUES, as for the neighbours' triples below.
    inverse = (f"FILTER (?q IN ({', '.join(sparql_iri(p) for p in sorted(reach.inverse))}))"
               if reach.inverse else "")
    steps = ["GRAPH ?h { ?f ?q ?n } FILTER (!isLiteral(?n))"]
    if inverse:
        steps.append(f"GRAPH ?h {{ ?n ?q ?f }} {inverse}")
    neighbours: set[Node] = set()
    blank_neighbours = []
    for pattern in candidates:
        data.addN((s, p, o, data) for s, p, o in store.query(
            f"CONSTRUCT {{ ?f ?p ?o }} WHERE {{ SELECT DISTINCT ?f ?p ?o WHERE {{ {pattern}"
            f" GRAPH ?h {{ ?f ?p ?o }} {asserted} }} }}"
        ).triples)
        if inverse:
            data.addN((s, p, o, data) for s, p, o in store.query(
                f"CONSTRUCT {{ ?s ?q ?f }} WHERE {{ SELECT DISTINCT ?s ?q ?f WHERE {{ {pattern}"
                f" GRAPH ?h {{ ?s ?q ?f }} {inverse} {asserted} }} }}"
            ).triples)
        for step in steps:
            found = {row[0] for row in store.query(
                f"SELECT DISTINCT ?n WHERE {{ {pattern} {step} {asserted} }}").rows
                if row[0] is not None}
            neighbours |= {n for n in found if not isinstance(n, BNode)}
            if any(isinstance(n, BNode) for n in found):
                blank_neighbours.append(f"{pattern} {step} {asserted} FILTER (isBlank(?n))")
    # A filter, not a second VALUES block: with two, the store joins them after reading every
    # quad (15 s a batch at 1k events); with one, it looks each neighbour up.
    follow = ", ".join(sparql_iri(p) for p in sorted(reach.follow))
    reads = ([_values("n", sorted(neighbours, key=str))] if neighbours else []) + blank_neighbours
    for read in reads:
        data.addN((s, p, o, data) for s, p, o in store.query(
            f"CONSTRUCT {{ ?n ?p ?o }} WHERE {{ SELECT DISTINCT ?n ?p ?o WHERE {{ {read}"
            f" GRAPH ?k {{ ?n ?p ?o }} FILTER (?p IN ({follow}) && ?k != {_INFERRED}) }} }}"
        ).triples)
    return data


def _target_objects(store: Store, data: Graph, owned: set[Node], reach: Reach) -> None:
    """Add one stored triple making each owned node the object that a shape targets.

    One is enough to make it a target, and reading them all would read every event of a
    CAMEO code; the batch graphs usually hold one already. (A blank node's would be in the
    same document: blank nodes are not shared between documents.)
    """
    missing = sorted((n for n in owned if not isinstance(n, BNode)
                      and not any((None, p, n) in data for p in reach.object_targets)), key=str)
    if not missing or not reach.object_targets:
        return
    targets = ", ".join(sparql_iri(p) for p in sorted(reach.object_targets))
    rows = store.query(
        f"SELECT ?f ?p (MIN(?s) AS ?x) WHERE {{ {_values('f', missing)} GRAPH ?h {{ ?s ?p ?f }}"
        f" FILTER (?p IN ({targets}) && ?h != {_INFERRED}) }} GROUP BY ?f ?p"
    ).rows
    data.addN((x, p, f, data) for f, p, x in rows
              if x is not None and p is not None and f is not None)


def _class_hierarchy(store: Store) -> list[Triple]:
    """Every rdfs:subClassOf the store asserts: targets and sh:class walk it from anywhere."""
    return list(store.query(
        f"PREFIX rdfs: {sparql_iri(str(RDFS))}\n"
        "CONSTRUCT { ?c rdfs:subClassOf ?d } WHERE { SELECT DISTINCT ?c ?d WHERE {"
        f" GRAPH ?g {{ ?c rdfs:subClassOf ?d }} FILTER (?g != {_INFERRED}) }} }}"
    ).triples)


# --------------------------------------------------------------------------------------------
# Judging a batch


def _judge(
    store: Store, data: Graph, shapes: Graph, owned: set[Node]
) -> tuple[Graph, tuple[ValidationResult, ...]]:
    """Validate a batch's data with the ontology; the report and results of its own nodes."""
    data += ontology_graph()
    report = run_pyshacl(data, shapes, "none")
    mine = Graph()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(node, SH.focusNode) in owned:
            _copy_description(report, node, mine)
    return mine, with_files(store, read_results(mine, shapes, data))


def _judge_ontology(
    store: Store, shapes: Graph, reach: Reach, hierarchy: list[Triple]
) -> tuple[Graph, tuple[ValidationResult, ...]]:
    """The ontology's own nodes that no stored graph describes (the whole run has them too)."""
    ontology = ontology_graph()
    nodes = set(ontology.subjects()) | {
        o for p in reach.object_targets for o in ontology.objects(None, p)
    }
    terms = sorted((n for n in nodes if not isinstance(n, BNode)), key=str)
    # The ontology's blank nodes, parsed here, are in no stored graph.
    left = _owned(store, [_values("f", terms)], reach, before=None) if terms else set()
    owned = left | {n for n in nodes if isinstance(n, BNode)}
    data: Graph = DataGraph()
    if left:
        data = _context(store, [_values("f", sorted(left, key=str))], reach)
    _target_objects(store, data, owned, reach)
    data.addN((s, p, o, data) for s, p, o in hierarchy)
    return _judge(store, data, shapes, owned)


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    """A node's triples and those of the blank nodes they lead to (a result and its path)."""
    todo, seen = [node], set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for _, p, o in source.triples((subject, None, None)):
            target.add((subject, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def _merged(
    source: str, parts: list[tuple[Graph, tuple[ValidationResult, ...]]]
) -> ValidationReport:
    """One report over the batches' results, ordered as one whole run orders them."""
    results = in_report_order(r for _, found in parts for r in found)
    conforms = not any(r.severity == "Violation" for r in results)
    graph = Graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for part, _ in parts:
        for result in part.subjects(RDF.type, SH.ValidationResult):
            graph.add((report, SH.result, result))
        graph += part
    return ValidationReport(conforms, tuple(results), graph, (source,))
