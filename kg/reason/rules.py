"""The schema closed and compiled into rules, and the rules written as SPARQL queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.derivation import asserted, asserted_graphs, asserted_once
from kg.reason.graph import term
from kg.store import Store
from kg.terms import Triple, sparql_iri
from kg.vocab import OWL, RDF, RDFS, XSD

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
    # One branch per constant predicate, which the store reads from an index (a VALUES
    # list of predicates would have it scan, and hold, every quad).
    branches = [f"{{ GRAPH ?g {{ ?s {sparql_iri(p)} ?o }} BIND ({sparql_iri(p)} AS ?p) }}"
                for p in _SCHEMA_PREDICATES]
    symmetric = sparql_iri(OWL.SymmetricProperty)
    branches.append(f"{{ GRAPH ?g {{ ?s a {symmetric} }}"
                    f" BIND ({sparql_iri(RDF.type)} AS ?p) BIND ({symmetric} AS ?o) }}")
    result = store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ {' UNION '.join(branches)} {asserted_graphs('?g')} }}"
    )
    return Schema.from_triples((s, p, o) for s, p, o in result.rows if s and p and o)


def same_as_classes(store: Store) -> list[set[URIRef]]:
    """The classes of IRIs that asserted owl:sameAs links make one (two members or more)."""
    result = store.query(
        f"SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{ ?a {sparql_iri(OWL.sameAs)} ?b }}"
        f" {asserted_graphs('?g')} FILTER (isIRI(?a) && isIRI(?b)) }}"
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
        if not str(c).startswith(str(XSD)) and c != RDFS.Literal:  # datatypes type literals
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


# -- the rules as SPARQL queries inside the store ---------------------------------------------

Part = tuple[URIRef, URIRef | None]  # (predicate, class): the triples one part of the graph holds


def edge_parts(rules: Rules) -> dict[Part, list[str]]:
    """The edge rules as CONSTRUCT queries, grouped by the predicate they give.

    One query per entailed edge (a super-property, an inverse, a symmetric reverse); the
    part of a predicate gathers every edge that gives it. Each query reads the asserted
    graphs (:mod:`kg.derivation`: never the default graph, where a fact that no graph holds
    any more would read as asserted), each distinct triple once however many documents
    repeat it. What is asserted already is left out (MINUS, a hash anti-join over one
    predicate). Triples with a literal subject are dropped by CONSTRUCT itself.
    """
    parts: dict[Part, list[str]] = defaultdict(list)
    for prop, edges in sorted(rules.edges.items()):
        for q, back in sorted(edges):
            x, y = ("?y", "?x") if back else ("?x", "?y")
            parts[(q, None)].append(
                f"CONSTRUCT {{ {x} {term(q)} {y} }} WHERE {{"
                f" {asserted_once(f'?x {term(prop)} ?y')}"
                f" MINUS {asserted(f'{x} {term(q)} {y}', '?h')} }}"
            )
    return dict(parts)


def class_sources(rules: Rules) -> dict[str, set[URIRef]]:
    """The patterns (binding ``?n``) that give a node classes, each with the classes it gives.

    From the predicates whose domain or range gives a class (or a subclass of it), and
    from asserted subclasses; closed upwards, so one pattern gives a whole hierarchy.
    """
    sources: dict[str, set[URIRef]] = defaultdict(set)
    for table, pattern in ((rules.subject_types, "?n {p} ?y"), (rules.object_types, "?y {p} ?n"),
                           (rules.super_classes, "?n a {p}")):
        for key, classes in table.items():
            if classes:
                sources[pattern.format(p=term(key))] |= classes
    return dict(sources)

