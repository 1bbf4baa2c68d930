"""Validating a whole store in bounded memory: batches of document graphs, each with what its
shapes read.

A shape's verdict on a focus node depends on the node's own triples (from every document that
describes it), on what the shapes read one hop away (the types of its values for ``sh:class``,
the dates of the events an article reports, ...) and on the class hierarchy. ``shapes_reach``
reads that from the shapes (their SPARQL with a real parser); each batch then gets exactly those
triples from the store, merged across documents, so cardinalities and uniqueness across
documents are judged as on the whole graph. Each focus node is judged once, in the batch of the
first graph (in IRI order) that describes it. Shapes whose reach is not one hop, and inference,
fall back to the whole graph in memory.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection as RdfList
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.algebra import triples as sparql_triples
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.iri import INFERRED_GRAPH
from kg.ontology import ontology_graph
from kg.store import Store
from kg.terms import Triple, sparql_iri, sparql_term
from kg.validate import ValidationReport, ValidationResult, validate
from kg.validate.report import SEVERITIES
from kg.validate.run import DataGraph, read_results, run_pyshacl
from kg.validate.shapes import resolve_shapes
from kg.vocab import PREFIXES, RDF, RDFS

DEFAULT_BATCH = 250
Progress = Callable[[int, int], None]

_INFERRED = sparql_iri(INFERRED_GRAPH)
_THIS, _VALUE, _PATH = Variable("this"), Variable("value"), Variable("PATH")
# Constraints that validate value nodes against other shapes, or targets found by queries:
# what they read is not bounded by one hop.
_UNBOUNDED = (SH.node, SH.qualifiedValueShape, SH.target, SH.targetNode, SH.rule,
              SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_LOGICAL = (SH["or"], SH["and"], SH.xone)


@dataclass(frozen=True)
class Reach:
    """What the shapes read beyond a focus node's own triples."""

    object_targets: frozenset[URIRef]  # sh:targetObjectsOf: one such triple makes a target
    follow: frozenset[URIRef]  # predicates read on a node one hop from the focus node
    inverse: frozenset[URIRef]  # predicates walked backwards into the focus node (all of them)


def validate_store(
    store: Store,
    *,
    shapes: Graph | str | Path | None = None,
    inference: str = "none",
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> ValidationReport:
    """Validate everything the store asserts (the inferred graph aside), batch by batch.

    The verdicts are those of ``validate_whole_store``; memory is bounded by the batch
    (``batch_size`` document graphs). Each result names the input file of a document that
    describes its focus node. ``progress`` is told (graphs done, graphs in all) after each batch.
    """
    shapes_graph = resolve_shapes(shapes)
    reach = shapes_reach(shapes_graph) if inference == "none" else None
    if reach is None:
        return validate_whole_store(store, shapes=shapes, inference=inference)
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
            kept.append(_judge(store, data, shapes_graph, owned))
        if progress is not None:
            progress(start + len(batch), len(graphs))
    kept.append(_judge_ontology(store, shapes_graph, reach, hierarchy))
    return _merged(store.url, kept)


def validate_whole_store(
    store: Store, *, shapes: Graph | str | Path | None = None, inference: str = "none"
) -> ValidationReport:
    """Validate everything the store asserts (the inferred graph aside) as one graph in memory.

    The reference for ``validate_store``, and its way for shapes it cannot batch.
    """
    # Each distinct triple once, however many documents repeat it.
    asserted = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE {"
        f" GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {_INFERRED}) }} }}"
    ).triples
    report = validate(asserted, shapes=shapes, inference=inference, source=store.url)
    results = _with_files(store, report.results)
    return dataclasses.replace(report, results=results)


# --------------------------------------------------------------------------------------------
# What the shapes read


def shapes_reach(shapes: Graph) -> Reach | None:
    """What the shapes read beyond a focus node, or None when it is more than one hop away."""
    if any((None, p, None) in shapes for p in _UNBOUNDED):
        return None
    if (None, RDF.type, SH.ConstraintComponent) in shapes:
        return None  # custom components run SPARQL we do not see here
    path_predicates: set[URIRef] = set()
    inverse: set[URIRef] = set()
    for path in shapes.objects(None, SH.path):
        walked = _simple_path(shapes, path)
        if walked is None:
            return None
        predicate, backwards = walked
        path_predicates.add(predicate)
        if backwards:
            inverse.add(predicate)
    if not _values_read_alone(shapes):
        return None
    follow: set[URIRef] = {RDF.type}
    prologue = _prologue(shapes)
    for prop in (SH.select, SH.ask):
        for text in shapes.objects(None, prop):
            read = _sparql_reach(prologue + str(text), ask=prop == SH.ask)
            if read is None:
                return None
            more_follow, more_inverse, reads_path_backwards = read
            follow |= more_follow
            inverse |= more_inverse
            if reads_path_backwards:
                inverse |= path_predicates
    return Reach(frozenset(_iris(shapes.objects(None, SH.targetObjectsOf))),
                 frozenset(follow), frozenset(inverse))


def _iris(nodes: Iterable[Node]) -> Iterator[URIRef]:
    return (n for n in nodes if isinstance(n, URIRef))


def _simple_path(shapes: Graph, path: Node) -> tuple[URIRef, bool] | None:
    """A path of one step: its predicate and whether it is walked backwards."""
    if isinstance(path, URIRef):
        return path, False
    inner = shapes.value(path, SH.inversePath)
    if isinstance(inner, URIRef):
        return inner, True
    return None


def _values_read_alone(shapes: Graph) -> bool:
    """Whether the constraints on value nodes read only the value node and its types."""
    for prop_shape in shapes.subjects(SH.path, None):
        todo = [inner for logical in _LOGICAL for lst in shapes.objects(prop_shape, logical)
                for inner in RdfList(shapes, lst)]
        todo += list(shapes.objects(prop_shape, SH["not"]))
        seen: set[Node] = set()
        while todo:
            inner = todo.pop()
            if inner in seen:
                continue
            seen.add(inner)
            if any((inner, p, None) in shapes for p in (SH.path, SH.property, SH.sparql)):
                return False
            todo += [i for logical in _LOGICAL for lst in shapes.objects(inner, logical)
                     for i in RdfList(shapes, lst)]
            todo += list(shapes.objects(inner, SH["not"]))
    return True


def _prologue(shapes: Graph) -> str:
    """PREFIX lines for every sh:declare of the shapes (pySHACL adds those a shape names)."""
    lines = []
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if isinstance(prefix, Literal) and namespace is not None:
            lines.append(f"PREFIX {prefix}: {sparql_iri(str(namespace))}\n")
    return "".join(sorted(set(lines)))


def _sparql_reach(
    text: str, *, ask: bool
) -> tuple[set[URIRef], set[URIRef], bool] | None:
    """What a SPARQL constraint reads: (follow, inverse, $PATH walked into $this), or None.

    Its triple patterns (EXISTS ones too, paths unfolded) are placed by their distance from
    $this: patterns from $this, patterns into $this by a named predicate (inverse), and
    patterns from a node one hop away by a named predicate (follow) are bounded; any other
    is not.
    """
    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # rdflib raises many kinds; unreadable means unbounded
        return None
    edges: list[tuple[Node, Node, Node]] = []
    if ask:
        edges.append((_THIS, _PATH, _VALUE))
    fresh = iter(range(1_000_000))
    for s, p, o in _patterns(algebra):
        unfolded = _unfold(s, p, o, fresh)
        if unfolded is None:
            return None
        edges += unfolded
    distance = _distances(edges)
    follow: set[URIRef] = set()
    inverse: set[URIRef] = set()
    path_backwards = False
    for s, p, o in edges:
        ds, do = distance.get(s), distance.get(o)
        if ds == 0:
            continue  # the focus node's own triples: always there
        if do == 0:
            if p == _PATH:
                path_backwards = True
            elif isinstance(p, URIRef):
                inverse.add(p)
            else:
                return None
        elif ds == 1 and isinstance(p, URIRef):
            follow.add(p)
        else:
            return None
    return follow, inverse, path_backwards


def _patterns(node: object) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple pattern of a translated query, in EXISTS and subqueries too."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            yield from node.triples
        elif node.name == "TriplesBlock":  # EXISTS patterns stay as parsed until run
            yield from sparql_triples(node.triples)
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _patterns(item)


def _unfold(
    s: Node, p: object, o: Node, fresh: Iterator[int]
) -> list[tuple[Node, Node, Node]] | None:
    """A pattern as single steps (paths unfolded), or None for a repeated or negated path."""
    if isinstance(p, URIRef | Variable):
        return [(s, p, o)]
    if isinstance(p, InvPath):
        return _unfold(o, p.arg, s, fresh)
    if isinstance(p, AlternativePath):
        out: list[tuple[Node, Node, Node]] = []
        for arg in p.args:
            part = _unfold(s, arg, o, fresh)
            if part is None:
                return None
            out += part
        return out
    if isinstance(p, SequencePath):
        out = []
        here = s
        for i, arg in enumerate(p.args):
            there = o if i == len(p.args) - 1 else Variable(f"_step{next(fresh)}")
            part = _unfold(here, arg, there, fresh)
            if part is None:
                return None
            out += part
            here = there
        return out
    return None


def _distances(edges: list[tuple[Node, Node, Node]]) -> dict[Node, int]:
    """Hops from $this to each variable, the patterns read both ways.

    Constants (IRIs, literals) get no distance: a pattern from one reads a fixed node,
    wherever the focus node is, and a path through one joins nothing.
    """
    neighbours: dict[Node, set[Node]] = {}
    for s, _, o in edges:
        if isinstance(s, Variable | BNode) and isinstance(o, Variable | BNode):
            neighbours.setdefault(s, set()).add(o)
            neighbours.setdefault(o, set()).add(s)
    distance: dict[Node, int] = {_THIS: 0}
    todo: deque[Node] = deque([_THIS])
    while todo:
        node = todo.popleft()
        for other in neighbours.get(node, ()):
            if other not in distance:
                distance[other] = distance[node] + 1
                todo.append(other)
    return distance


# --------------------------------------------------------------------------------------------
# What the store holds for a batch


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
    return mine, _with_files(store, read_results(mine, shapes, data))


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


def _with_files(
    store: Store, results: Iterable[ValidationResult]
) -> tuple[ValidationResult, ...]:
    """Results named after the input file of a document that describes their focus node."""
    results = tuple(results)
    focus = " ".join(
        sorted({sparql_iri(str(r.focus_node)) for r in results
                if isinstance(r.focus_node, URIRef)})
    )
    files: dict[Node, str] = {}
    if focus:
        rows = store.query(
            f"PREFIX dip: {sparql_iri(PREFIXES['dip'])}\n"
            f"SELECT ?node (MIN(?path) AS ?file) WHERE {{ VALUES ?node {{ {focus} }}"
            " GRAPH ?g { ?node ?p ?o . ?g dip:sourcePath ?path } } GROUP BY ?node"
        ).rows
        files = {node: str(file) for node, file in rows if node is not None and file is not None}
    return tuple(
        dataclasses.replace(r, file=files.get(r.focus_node, store.url)) for r in results
    )


_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _merged(
    source: str, parts: list[tuple[Graph, tuple[ValidationResult, ...]]]
) -> ValidationReport:
    """One report over the batches' results, ordered as one whole run orders them."""
    results = sorted(
        (r for _, found in parts for r in found),
        key=lambda r: (_RANK.get(r.severity, 9), str(r.focus_node), r.path or "", r.shape,
                       str(r.value)),
    )
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
