"""OWL-RL inference: what the ontology's axioms entail about the data, kept in its own graph.

The entailed triples go to the named graph :data:`INFERRED_GRAPH`, never mixed with
asserted data: each run drops it and computes it anew from every other graph.

Two engines:

``fast`` (the default)
    The rules of OWL 2 RL that our kind of ontology uses, run inside the store as one
    SPARQL update: class and property hierarchies (``cax-sco``, ``prp-spo1``, with
    equivalences), inverse, symmetric and transitive properties (``prp-inv``,
    ``prp-symp``, ``prp-trp``), domains and ranges (``prp-dom``, ``prp-rng``), and
    ``owl:sameAs`` made symmetric and transitive. The schema is read once and closed
    here, so that every rule needs a single pass; the data never leaves the store.
    With ``same_as=True`` facts are also copied across ``owl:sameAs`` (``eq-rep-*``);
    that is off by default because our ``owl:sameAs`` links go to Wikidata, and copying
    every fact about an actor onto its Wikidata IRI would double every actor query's
    answers.
``owlrl``
    The reference: the owlrl package's full OWL-RL closure of the ontology and the data,
    in memory. Slow (minutes at 10k events), but complete.
"""

from __future__ import annotations

import io
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.rdffile import to_rdflib
from kg.store import Store, open_store
from kg.vocab import GRAPH_BASE, OWL, RDF, RDFS

INFERRED_GRAPH = GRAPH_BASE + "inferred"
ENGINES = ("fast", "owlrl")

Triple = tuple[Node, Node, Node]

_SCHEMA_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    RDFS.domain,
    RDFS.range,
)
_PROPERTY_TYPES = (OWL.SymmetricProperty, OWL.TransitiveProperty)


@dataclass(frozen=True)
class InferenceReport:
    """What a run of inference did."""

    engine: str
    triples: int  # entailed triples now in the inferred graph
    seconds: float


def infer(store: Store, *, engine: str = "fast", same_as: bool = False) -> InferenceReport:
    """Recompute the inferred graph of ``store`` with ``engine`` (``fast`` or ``owlrl``)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    started = time.perf_counter()
    if engine == "fast":
        store.update(closure_update(read_schema(store), same_as=same_as, sameas_pairs=(
            _sameas_pairs(store) if same_as else ())))
    else:
        store.replace_graphs({INFERRED_GRAPH: owlrl_closure(_asserted_graph(store))})
    return InferenceReport(engine, _count(store), time.perf_counter() - started)


def drop_inferred(store: Store) -> None:
    """Remove the inferred graph."""
    store.drop_graphs([INFERRED_GRAPH])


# -- the schema, closed -----------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """The axioms the rules use, read from every asserted graph."""

    sub_class: frozenset[tuple[URIRef, URIRef]] = frozenset()
    sub_property: frozenset[tuple[URIRef, URIRef]] = frozenset()
    inverse: frozenset[tuple[URIRef, URIRef]] = frozenset()
    symmetric: frozenset[URIRef] = frozenset()
    transitive: frozenset[URIRef] = frozenset()
    domain: frozenset[tuple[URIRef, URIRef]] = frozenset()
    range: frozenset[tuple[URIRef, URIRef]] = frozenset()

    @classmethod
    def from_triples(cls, triples: Iterable[Triple]) -> Schema:
        """The schema that these triples state (only IRIs count; anonymous classes do not)."""
        parts: dict[str, set] = defaultdict(set)
        for s, p, o in triples:
            if not isinstance(s, URIRef) or not isinstance(o, URIRef):
                continue
            if p == RDFS.subClassOf:
                parts["sub_class"].add((s, o))
            elif p == OWL.equivalentClass:
                parts["sub_class"] |= {(s, o), (o, s)}
            elif p == RDFS.subPropertyOf:
                parts["sub_property"].add((s, o))
            elif p == OWL.equivalentProperty:
                parts["sub_property"] |= {(s, o), (o, s)}
            elif p == OWL.inverseOf:
                parts["inverse"] |= {(s, o), (o, s)}
            elif p == RDFS.domain:
                parts["domain"].add((s, o))
            elif p == RDFS.range:
                parts["range"].add((s, o))
            elif p == RDF.type and o == OWL.SymmetricProperty:
                parts["symmetric"].add(s)
            elif p == RDF.type and o == OWL.TransitiveProperty:
                parts["transitive"].add(s)
        return cls(**{name: frozenset(values) for name, values in parts.items()})


def read_schema(store: Store) -> Schema:
    """The schema axioms of every graph but the inferred one."""
    values = " ".join(f"<{p}>" for p in _SCHEMA_PREDICATES)
    types = " ".join(f"<{t}>" for t in _PROPERTY_TYPES)
    result = store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"
        f" UNION {{ VALUES ?o {{ {types} }} ?s ?p ?o FILTER (?p = <{RDF.type}>) }} }}"
        f" FILTER (?g != <{INFERRED_GRAPH}>) }}"
    )
    return Schema.from_triples((s, p, o) for s, p, o in result.rows if s and p and o)


def _closure(pairs: Iterable[tuple[URIRef, URIRef]]) -> dict[URIRef, set[URIRef]]:
    """Reflexive-free transitive closure: node -> everything above it."""
    up: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in pairs:
        if a != b:
            up[a].add(b)
    closed: dict[URIRef, set[URIRef]] = {}
    for start in list(up):
        seen: set[URIRef] = set()
        todo = list(up[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(up.get(node, ()))
        seen.discard(start)
        closed[start] = seen
    return closed


@dataclass(frozen=True)
class Rules:
    """The schema compiled into lookup tables, each applied in one pass over the data."""

    super_classes: dict[URIRef, set[URIRef]]
    # asserted predicate -> the (predicate, reversed) edges one of its triples entails
    edges: dict[URIRef, set[tuple[URIRef, bool]]]
    # asserted predicate -> classes of its subject / of its object (closed upwards)
    subject_types: dict[URIRef, set[URIRef]]
    object_types: dict[URIRef, set[URIRef]]
    transitive: frozenset[URIRef]
    schema_triples: set[Triple]


def compile_rules(schema: Schema) -> Rules:
    """Close the schema so that each rule needs one pass over the data."""
    super_classes = _closure(schema.sub_class)
    super_properties = _closure(schema.sub_property)
    inverses: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in schema.inverse:
        inverses[a].add(b)
    domains: dict[URIRef, set[URIRef]] = defaultdict(set)
    ranges: dict[URIRef, set[URIRef]] = defaultdict(set)
    for p, c in schema.domain:
        domains[p].add(c)
    for p, c in schema.range:
        ranges[p].add(c)
    properties = (
        set(super_properties) | set(inverses) | set(schema.symmetric) | set(schema.transitive)
        | set(domains) | set(ranges)
    )

    def upwards(classes: set[URIRef]) -> set[URIRef]:
        return classes | {d for c in classes for d in super_classes.get(c, ())}

    edges: dict[URIRef, set[tuple[URIRef, bool]]] = {}
    subject_types: dict[URIRef, set[URIRef]] = {}
    object_types: dict[URIRef, set[URIRef]] = {}
    for prop in properties:
        reached: set[tuple[URIRef, bool]] = set()
        todo = [(prop, False)]
        while todo:
            state = todo.pop()
            if state in reached:
                continue
            reached.add(state)
            q, flipped = state
            todo.extend((sup, flipped) for sup in super_properties.get(q, ()))
            todo.extend((inv, not flipped) for inv in inverses.get(q, ()))
            if q in schema.symmetric:
                todo.append((q, not flipped))
        subjects: set[URIRef] = set()
        objects: set[URIRef] = set()
        for q, flipped in reached:
            (objects if flipped else subjects).update(domains.get(q, ()))
            (subjects if flipped else objects).update(ranges.get(q, ()))
        reached.discard((prop, False))
        edges[prop] = reached
        subject_types[prop] = upwards(subjects)
        object_types[prop] = upwards(objects)
    schema_triples: set[Triple] = set()
    for c, supers in super_classes.items():
        schema_triples.update((c, RDFS.subClassOf, d) for d in supers)
    for p, supers in super_properties.items():
        schema_triples.update((p, RDFS.subPropertyOf, q) for q in supers)
    schema_triples.update((a, OWL.inverseOf, b) for a, b in schema.inverse)
    return Rules(super_classes, edges, subject_types, object_types, schema.transitive,
                 schema_triples)


# -- the fast engine: one SPARQL update -------------------------------------------------------


def closure_update(
    schema: Schema, *, same_as: bool = False, sameas_pairs: Iterable[tuple[URIRef, URIRef]] = ()
) -> str:
    """The SPARQL update that replaces the inferred graph with the closure of all others."""
    rules = compile_rules(schema)
    inferred = f"<{INFERRED_GRAPH}>"
    asserted = f"FILTER (?g != {inferred})"
    ops = [f"DROP SILENT GRAPH {inferred}"]
    if rules.schema_triples:
        body = " ".join(_nt(t) for t in sorted(rules.schema_triples))
        ops.append(f"INSERT DATA {{ GRAPH {inferred} {{ {body} }} }}")
    forward = [(p, q) for p, qs in rules.edges.items() for q, flipped in qs if not flipped]
    backward = [(p, q) for p, qs in rules.edges.items() for q, flipped in qs if flipped]
    if forward:
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?x ?q ?y }} }} WHERE {{ VALUES (?p ?q) {{ {_rows(forward)} }}"
            f" GRAPH ?g {{ ?x ?p ?y }} {asserted} }}"
        )
    if backward:
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?y ?q ?x }} }} WHERE {{ VALUES (?p ?q) {{ {_rows(backward)} }}"
            f" GRAPH ?g {{ ?x ?p ?y }} {asserted} FILTER (!isLiteral(?y)) }}"
        )
    for prop in sorted(rules.transitive):
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?x <{prop}> ?z }} }} WHERE {{ ?x <{prop}>+ ?z }}"
        )
    subject_types = [(p, c) for p, cs in rules.subject_types.items() for c in cs]
    object_types = [(p, c) for p, cs in rules.object_types.items() for c in cs]
    if subject_types:
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?x a ?c }} }} WHERE {{ VALUES (?p ?c) {{ {_rows(subject_types)} }}"
            f" GRAPH ?g {{ ?x ?p ?y }} {asserted} }}"
        )
    if object_types:
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?y a ?c }} }} WHERE {{ VALUES (?p ?c) {{ {_rows(object_types)} }}"
            f" GRAPH ?g {{ ?x ?p ?y }} {asserted} FILTER (!isLiteral(?y)) }}"
        )
    class_pairs = [(c, d) for c, ds in rules.super_classes.items() for d in ds]
    if class_pairs:
        # Reads the types just inferred too: they are closed already, but a type that a
        # domain gives and an asserted type are closed by this one pass alike.
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?x a ?d }} }} WHERE {{ VALUES (?c ?d) {{ {_rows(class_pairs)} }}"
            f" GRAPH ?g {{ ?x a ?c }} }}"
        )
    ops.append(
        f"INSERT {{ GRAPH {inferred} {{ ?b <{OWL.sameAs}> ?a }} }} WHERE {{ GRAPH ?g {{ ?a <{OWL.sameAs}> ?b }}"
        f" {asserted} FILTER (!isLiteral(?b)) }}"
    )
    ops.append(
        f"INSERT {{ GRAPH {inferred} {{ ?a <{OWL.sameAs}> ?c }} }} WHERE {{"
        f" ?a (<{OWL.sameAs}>|^<{OWL.sameAs}>)+ ?c FILTER (?a != ?c && !isLiteral(?c)) }}"
    )
    pairs = [(a, b) for a, b in sameas_pairs if a != b]
    if same_as and pairs:
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?b ?p ?o }} }} WHERE {{ VALUES (?a ?b) {{ {_rows(pairs)} }}"
            f" GRAPH ?g {{ ?a ?p ?o }} FILTER (?p != <{OWL.sameAs}>) }}"
        )
        ops.append(
            f"INSERT {{ GRAPH {inferred} {{ ?s ?p ?b }} }} WHERE {{ VALUES (?a ?b) {{ {_rows(pairs)} }}"
            f" GRAPH ?g {{ ?s ?p ?a }} FILTER (?p != <{OWL.sameAs}>) }}"
        )
    # Only what is new: drop what some other graph asserts.
    ops.append(
        f"DELETE {{ GRAPH {inferred} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {inferred} {{ ?s ?p ?o }}"
        f" FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {asserted} }} }}"
    )
    return " ;\n".join(ops)


def _sameas_pairs(store: Store) -> list[tuple[URIRef, URIRef]]:
    """Every ordered pair of distinct IRIs in one owl:sameAs class."""
    result = store.query(
        f"SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{ ?a <{OWL.sameAs}> ?b }}"
        f" FILTER (?g != <{INFERRED_GRAPH}> && isIRI(?a) && isIRI(?b)) }}"
    )
    parent: dict[URIRef, URIRef] = {}

    def find(x: URIRef) -> URIRef:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in result.rows:
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            parent[find(a)] = find(b)
    classes: dict[URIRef, list[URIRef]] = defaultdict(list)
    for node in parent:
        classes[find(node)].append(node)
    return [(a, b) for members in classes.values() for a in members for b in members if a != b]


def _rows(pairs: Iterable[tuple[Node, Node]]) -> str:
    return " ".join(f"({_term(a)} {_term(b)})" for a, b in sorted(set(pairs)))


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
        return str(ox.Literal(str(node), language=node.language, datatype=datatype))
    raise ValueError(f"cannot write {node!r} into an update")


def _nt(triple: Triple) -> str:
    return " ".join(_term(t) for t in triple) + " ."


def _count(store: Store) -> int:
    (row,) = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}"
    ).rows
    return int(str(row[0])) if row[0] is not None else 0


# -- the reference engine: owlrl --------------------------------------------------------------


def owlrl_closure(graph: Graph) -> list[Triple]:
    """The triples owlrl's OWL-RL closure adds to ``graph`` (which is left unchanged)."""
    closed = Graph()
    closed += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False,
                           axiomatic_triples=False, datatype_axioms=False).expand(closed)
    return [t for t in closed if t not in graph and not isinstance(t[0], Literal)]


def _asserted_graph(store: Store) -> Graph:
    """Every asserted triple of the store (all graphs but the inferred one), as one graph."""
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    graph = Graph()
    inferred = ox.NamedNode(INFERRED_GRAPH)
    for quad in ox.parse(buffer.getvalue(), ox.RdfFormat.N_QUADS):
        if quad.graph_name != inferred:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def entailed(graph: Graph, *, engine: str = "fast", same_as: bool = False) -> Graph:
    """The triples ``engine`` entails from ``graph`` (data and ontology), without a store."""
    with open_store("memory:") as store:
        store.replace_graphs({GRAPH_BASE + "input": list(graph)})
        infer(store, engine=engine, same_as=same_as)
        out = Graph()
        for triple in store.graph_triples(INFERRED_GRAPH):
            out.add(triple)
    return out

