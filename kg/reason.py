"""OWL-RL inference: what the ontology's axioms entail about the data, kept in its own graph.

The entailed triples go to the named graph :data:`INFERRED_GRAPH`, never mixed with
asserted data: each run computes it anew from every other graph and replaces it whole.

Two engines:

``fast`` (the default)
    The OWL 2 RL rules that our ontology's axioms call for, run inside the store as one
    SPARQL update: class and property hierarchies with their equivalences (``cax-sco``,
    ``cax-eqc``, ``prp-spo1``, ``prp-eqp``), inverse and symmetric properties (``prp-inv``,
    ``prp-symp``), domains and ranges (``prp-dom``, ``prp-rng``), and ``owl:sameAs`` made
    symmetric and transitive (``eq-sym``, ``eq-trans``). The schema is read first and
    closed here, so that each rule needs a single pass; the data stays in the store.
    With ``same_as=True`` facts are also copied across ``owl:sameAs`` (``eq-rep-s/o``).
    That is off by default: our ``owl:sameAs`` links go to Wikidata, and copying every
    fact about an actor onto its Wikidata IRI would double every actor query's answers.
    The ontology has no transitive properties, so ``prp-trp`` is not among the rules;
    tests/test_reason.py checks on real data that this engine gives every triple owlrl
    gives for our vocabulary.
``owlrl``
    The reference: the owlrl package's full OWL-RL closure of the ontology and the data,
    in memory. Slow (minutes at 10k events), but complete.
"""

from __future__ import annotations

import io
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import owlrl
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.rdffile import to_rdflib
from kg.store import Store, open_store
from kg.vocab import GRAPH_BASE, OWL, RDF, RDFS

INFERRED_GRAPH = GRAPH_BASE + "inferred"
ENGINES = ("fast", "owlrl")

# Where the fast engine builds the closure before it replaces the inferred graph.
_SCRATCH_GRAPH = GRAPH_BASE + "inferred-scratch"
_DERIVED = (INFERRED_GRAPH, _SCRATCH_GRAPH)

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
        store.update(closure_update(read_schema(store), same_as_classes(store), copy_facts=same_as))
        triples: list[Triple] = store.graph_triples(_SCRATCH_GRAPH)
    else:
        triples = owlrl_closure(_asserted_graph(store))
    # The store's own write keeps whatever it derives from its graphs (its default graph).
    store.replace_graphs({INFERRED_GRAPH: triples, _SCRATCH_GRAPH: []})
    return InferenceReport(engine, len(triples), time.perf_counter() - started)


def drop_inferred(store: Store) -> None:
    """Remove the inferred graph."""
    store.drop_graphs([INFERRED_GRAPH, _SCRATCH_GRAPH])


def entailed(graph: Graph, *, engine: str = "fast", same_as: bool = False) -> Graph:
    """The triples ``engine`` entails from ``graph`` (data and ontology), without a store."""
    with open_store("memory:") as store:
        store.replace_graphs({GRAPH_BASE + "input": list(graph)})
        infer(store, engine=engine, same_as=same_as)
        out = Graph()
        for triple in store.graph_triples(INFERRED_GRAPH):
            out.add(triple)
    return out


# -- the schema, closed -----------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """The axioms the rules use (named classes and properties only)."""

    sub_class: frozenset[tuple[URIRef, URIRef]] = frozenset()
    sub_property: frozenset[tuple[URIRef, URIRef]] = frozenset()
    inverse: frozenset[tuple[URIRef, URIRef]] = frozenset()
    symmetric: frozenset[URIRef] = frozenset()
    domain: frozenset[tuple[URIRef, URIRef]] = frozenset()
    range: frozenset[tuple[URIRef, URIRef]] = frozenset()

    @classmethod
    def from_triples(cls, triples: Iterable[Triple]) -> Schema:
        """The schema these triples state; anonymous classes (unions and the like) are left out."""
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
        return cls(**{name: frozenset(values) for name, values in parts.items()})


def read_schema(store: Store) -> Schema:
    """The schema axioms of every asserted graph."""
    values = " ".join(f"<{p}>" for p in _SCHEMA_PREDICATES)
    result = store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{"
        f" {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"
        f" UNION {{ ?s ?p ?o FILTER (?p = <{RDF.type}> && ?o = <{OWL.SymmetricProperty}>) }}"
        f" }} {_asserted('?g')} }}"
    )
    return Schema.from_triples((s, p, o) for s, p, o in result.rows if s and p and o)


def same_as_classes(store: Store) -> list[set[URIRef]]:
    """The classes of IRIs that asserted owl:sameAs links make one (two members or more)."""
    result = store.query(
        f"SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{ ?a <{OWL.sameAs}> ?b }}"
        f" {_asserted('?g')} FILTER (isIRI(?a) && isIRI(?b)) }}"
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
    classes: dict[URIRef, set[URIRef]] = defaultdict(set)
    for node in parent:
        classes[find(node)].add(node)
    return [members for members in classes.values() if len(members) > 1]


def _closure(pairs: Iterable[tuple[URIRef, URIRef]]) -> dict[URIRef, set[URIRef]]:
    """Transitive closure without the reflexive pairs: node -> everything above it."""
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
    schema_triples: set[Triple] = field(default_factory=set)


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
    properties = (set(super_properties) | set(inverses) | set(schema.symmetric)
                  | set(domains) | set(ranges))

    def upwards(classes: set[URIRef]) -> set[URIRef]:
        return classes | {d for c in classes for d in super_classes.get(c, ())}

    edges: dict[URIRef, set[tuple[URIRef, bool]]] = {}
    subject_types: dict[URIRef, set[URIRef]] = {}
    object_types: dict[URIRef, set[URIRef]] = {}
    for prop in properties:
        # Every edge one triple of prop entails, following sub-properties, inverses and
        # symmetry as far as they go; "reversed" edges run from the object to the subject.
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
    return Rules(super_classes, edges, subject_types, object_types, schema_triples)


# -- the fast engine: one SPARQL update -------------------------------------------------------


def closure_update(
    schema: Schema, same_as: Iterable[set[URIRef]] = (), *, copy_facts: bool = False,
    target: str = _SCRATCH_GRAPH,
) -> str:
    """The SPARQL update that writes into ``target`` the closure of the asserted graphs.

    Every pattern names its graph, so the update works whatever a store keeps in its
    default graph. ``same_as`` holds the owl:sameAs classes; with ``copy_facts`` the facts
    of each member are copied to the others.
    """
    rules = compile_rules(schema)
    into = f"<{target}>"
    asserted = _asserted("?g")
    ops = [f"DROP SILENT GRAPH {into}"]
    same_pairs = sorted((a, b) for members in same_as for a in members for b in members if a != b)
    data = sorted(rules.schema_triples) + [(a, OWL.sameAs, b) for a, b in same_pairs]
    if data:
        ops.append(f"INSERT DATA {{ GRAPH {into} {{ {' '.join(_nt(t) for t in data)} }} }}")

    def insert(template: str, table: list[tuple[Node, Node]], head: str, where: str) -> None:
        if table:
            ops.append(f"INSERT {{ GRAPH {into} {{ {template} }} }} WHERE {{"
                       f" VALUES {head} {{ {_rows(table)} }} {where} }}")

    edge_pattern = f"GRAPH ?g {{ ?x ?p ?y }} {asserted}"
    insert("?x ?q ?y", [(p, q) for p, qs in rules.edges.items() for q, back in qs if not back],
           "(?p ?q)", edge_pattern)
    insert("?y ?q ?x", [(p, q) for p, qs in rules.edges.items() for q, back in qs if back],
           "(?p ?q)", f"{edge_pattern} FILTER (!isLiteral(?y))")
    insert("?x a ?c", [(p, c) for p, cs in rules.subject_types.items() for c in cs],
           "(?p ?c)", edge_pattern)
    insert("?y a ?c", [(p, c) for p, cs in rules.object_types.items() for c in cs],
           "(?p ?c)", f"{edge_pattern} FILTER (!isLiteral(?y))")
    # The types asserted anywhere and those just inferred, closed upwards in one pass
    # (the inferred ones are closed already; reading them again does no harm).
    insert("?x a ?d", [(c, d) for c, ds in rules.super_classes.items() for d in ds],
           "(?c ?d)", f"{{ GRAPH ?g {{ ?x a ?c }} {asserted} }} UNION {{ GRAPH {into} {{ ?x a ?c }} }}")
    if copy_facts and same_pairs:
        facts = (f"{{ GRAPH ?g {{ {{}} }} {asserted} }} UNION {{ GRAPH {into} {{ {{}} }} }}"
                 f" FILTER (?p != <{OWL.sameAs}>)")
        insert("?b ?p ?o", list(same_pairs), "(?a ?b)", facts.replace("{}", "?a ?p ?o"))
        insert("?s ?p ?b", list(same_pairs), "(?a ?b)", facts.replace("{}", "?s ?p ?a"))
    # Only what is new: what some asserted graph holds already is not entailed again.
    ops.append(
        f"DELETE {{ GRAPH {into} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {into} {{ ?s ?p ?o }}"
        f" FILTER EXISTS {{ {edge_pattern.replace('?x ?p ?y', '?s ?p ?o')} }} }}"
    )
    return " ;\n".join(ops)


def _asserted(graph_var: str) -> str:
    """A filter that keeps a graph variable off the derived graphs."""
    return f"FILTER ({graph_var} NOT IN ({', '.join(f'<{g}>' for g in _DERIVED)}))"


def _rows(pairs: Iterable[tuple[Node, Node]]) -> str:
    return " ".join(f"({_term(a)} {_term(b)})" for a, b in pairs)


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
        return str(ox.Literal(str(node), language=node.language, datatype=datatype))
    raise ValueError(f"cannot write {node!r} into an update")


def _nt(triple: Triple) -> str:
    return " ".join(_term(t) for t in triple) + " ."


# -- the reference engine: owlrl --------------------------------------------------------------


def owlrl_closure(graph: Graph) -> list[Triple]:
    """The triples owlrl's OWL-RL closure adds to ``graph`` (which is left unchanged)."""
    closed = Graph()
    closed += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    return [t for t in closed if t not in graph and not isinstance(t[0], Literal)]


def _asserted_graph(store: Store) -> Graph:
    """Every asserted triple of the store (its named graphs but the derived ones), as one graph."""
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    graph = Graph()
    derived = {ox.NamedNode(g) for g in _DERIVED}
    for quad in ox.parse(buffer.getvalue(), ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name not in derived:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                       to_rdflib(quad.object)))
    return graph
