"""OWL-RL inference: what the ontology's axioms entail about the data, kept in its own graph.

The entailed triples go to the named graph :data:`INFERRED_GRAPH` (and, like every named
graph, into the merged default graph), never mixed with asserted data: each run computes
what every other graph entails and brings that graph up to date.

Two engines:

``fast`` (the default)
    The OWL 2 RL rules that our ontology's axioms call for, run inside the store as
    SPARQL queries (one per entailed edge, one per inferable class), each result compared
    with what the inferred graph holds and only the difference written: class and
    property hierarchies with their equivalences (``cax-sco``, ``cax-eqc``, ``prp-spo1``,
    ``prp-eqp``), inverse and symmetric properties (``prp-inv``, ``prp-symp``), domains
    and ranges (``prp-dom``, ``prp-rng``), and ``owl:sameAs`` made symmetric and
    transitive (``eq-sym``, ``eq-trans``). The schema is read first and closed here, so
    that each rule needs one pass over the data, each distinct triple read once however
    many documents repeat it. With ``same_as=True`` facts are also copied across
    ``owl:sameAs`` (``eq-rep-s/o``). That is off by default: our ``owl:sameAs`` links go
    to Wikidata, and copying every fact about an actor onto its Wikidata IRI would double
    every actor query's answers. The ontology has no transitive properties, so
    ``prp-trp`` is not among the rules; tests/test_reason.py checks on real data that
    this engine gives every triple owlrl gives for our vocabulary.
``owlrl``
    The reference: the owlrl package's full OWL-RL closure of the ontology and the data,
    in memory. Slow (minutes at 10k events), but complete.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import tempfile
import time
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import owlrl
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.rdffile import has_blank_node, to_oxigraph, to_rdflib
from kg.store import Store, open_store
from kg.terms import Triple, sparql_iri
from kg.vocab import GRAPH_BASE, OWL, RDF, RDFS, XSD

INFERRED_GRAPH = GRAPH_BASE + "inferred"
ENGINES = ("fast", "owlrl")



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
    seconds: float  # in all
    added: int = 0  # triples this run put into the inferred graph
    removed: int = 0  # triples this run took out of it (no longer entailed)


def infer(store: Store, *, engine: str = "fast", same_as: bool = False) -> InferenceReport:
    """Bring the inferred graph of ``store`` up to date with ``engine`` (``fast`` or ``owlrl``)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    started = time.perf_counter()
    if engine == "owlrl":
        closure = owlrl_closure(_asserted_graph(store))
        store.drop_graphs([INFERRED_GRAPH])
        store.add_triples(INFERRED_GRAPH, {_ox_triple(t) for t in closure})
        return InferenceReport(engine, _count(store), time.perf_counter() - started,
                               added=len(closure))
    added = removed = 0
    for _ in range(_MAX_ROUNDS):
        change = _sync(store, copy_facts=same_as)
        added, removed = added + change.added, removed + change.removed
        if not change.still_asserted:
            break
    return InferenceReport(engine, _count(store), time.perf_counter() - started,
                           added=added, removed=removed)


# A triple asserted after it was inferred is in both the inferred graph and a document's.
# The rules read what is asserted as "the default graph but the inferred graph", so they miss
# it: harmless while what entailed it holds, since the schema is closed. When that support is
# gone, the sync takes the triple out of the inferred graph; one more round then reads it as
# asserted. Two rounds always suffice; the third is a margin.
_MAX_ROUNDS = 3


@dataclass
class _Change:
    added: int = 0
    removed: int = 0
    still_asserted: int = 0  # removed triples that a document also asserts


def _sync(store: Store, *, copy_facts: bool) -> _Change:
    """One pass of the fast engine: each rule's part of the inferred graph made what it entails.

    Each part (the triples of one predicate, or for rdf:type of one class) is compared with
    what the store holds and only the difference is written: rerunning on an unchanged store
    writes nothing, and memory stays one part's size however large the graph is.
    """
    rules = compile_rules(read_schema(store))
    change = _Change()
    with _Spool(store) as spool:
        _sync_parts(store, rules, change, spool)
    if copy_facts:
        copies = {_ox_triple(t) for t in _copied_facts(store)}
        copies -= set(store.stream_triples(_GRAPH_QUERY))
        store.add_triples(INFERRED_GRAPH, copies)
        change.added += len(copies)
    return change


def _sync_parts(store: Store, rules: Rules, change: _Change, spool: _Spool) -> None:
    """Compare each part of the inferred graph with what the rules give; spool what is new.

    Writing the new triples only at the end changes no rule's answer: the rules read the
    default graph without the inferred graph, and adding to both leaves that as it was.
    """
    edges = edge_parts(rules)
    for (predicate, _), queries in edges.items():
        wanted = itertools.chain.from_iterable(store.stream_triples(q) for q in queries)
        _apply(store, change, wanted, _part_query(predicate, None), spool)
    members = _class_members(store, rules)
    classes = sorted(members)
    for cls in classes:
        _apply_class(store, change, cls, members.pop(cls), spool)
    extras = _extras(store, rules)
    for predicate in _EXTRA_PREDICATES:
        closed = {_ox_triple(t) for t in extras if t[1] == predicate}
        _apply(store, change, closed, _part_query(predicate, None), spool)
    owned = (set(edges) | {(RDF.type, cls) for cls in classes}
             | {(p, None) for p in _EXTRA_PREDICATES})
    _apply(store, change, set(), _unowned_query(owned), spool)


_SPOOL_CHUNK = 20_000  # triples a run adds in one transaction; more are bulk-loaded
_SPOOL_FILE_TRIPLES = 250_000  # triples per bulk load


class _Spool:
    """The triples a run adds to the inferred graph, written when the run ends.

    Up to a chunk they are kept in memory and added in one transaction; beyond, they go to
    temporary N-Triples files that the store bulk-loads (at 10k events 4 s against 22 s of
    transactions for the 335k triples of a first run). Each file holds at most
    ``_SPOOL_FILE_TRIPLES``: the bulk loader holds a file's triples in memory (at 100k
    events, 3.3M triples in one file took it past 3 GB). Triples with a blank node are
    added at once: a file would make their blank nodes new ones.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[ox.Triple] = []
        self.files: list[typing.IO[str]] = []
        self.in_file = 0  # triples in the last file

    def __enter__(self) -> _Spool:
        return self

    def add(self, triples: Iterable[ox.Triple]) -> int:
        """Spool these triples; returns how many."""
        count = 0
        blank = []
        for t in triples:
            count += 1
            if has_blank_node(t):
                blank.append(t)
                continue
            self.pending.append(t)
            if len(self.pending) >= _SPOOL_CHUNK:
                self._write()
        if blank:
            self.store.add_triples(INFERRED_GRAPH, blank)
        return count

    def _write(self) -> None:
        if not self.files or self.in_file >= _SPOOL_FILE_TRIPLES:
            self.files.append(tempfile.NamedTemporaryFile(  # noqa: SIM115 (see __exit__)
                "w", encoding="utf-8", suffix=".nt", prefix="kg-inferred-"))
            self.in_file = 0
        self.files[-1].writelines(f"{t} .\n" for t in self.pending)
        self.in_file += len(self.pending)
        self.pending = []

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        try:
            if exc_type is not None:
                return
            if not self.files:
                self.store.add_triples(INFERRED_GRAPH, self.pending)
                return
            if self.pending:
                self._write()
            for file in self.files:
                file.flush()
                self.store.load_triples(INFERRED_GRAPH, file.name)
        finally:
            for file in self.files:
                file.close()  # and so deleted


def _apply(store: Store, change: _Change, wanted: Iterable[ox.Triple], current_query: str,
           spool: _Spool) -> None:
    """Make the part of the inferred graph that ``current_query`` selects hold ``wanted``.

    ``wanted`` is streamed and triples are compared by their keys, so memory is some tens of
    bytes per triple of the part, whatever its size.
    """
    current = {_key(t) for t in store.stream_triples(current_query)}
    seen: set[bytes] = set()

    def new() -> Iterator[ox.Triple]:
        for t in wanted:
            key = _key(t)
            if key not in seen:
                seen.add(key)
                if key not in current:
                    yield t

    change.added += spool.add(new())
    gone_keys = current - seen
    if gone_keys:
        gone = [t for t in store.stream_triples(current_query) if _key(t) in gone_keys]
        change.still_asserted += len(store.remove_triples(INFERRED_GRAPH, gone))
        change.removed += len(gone)


def _apply_class(store: Store, change: _Change, cls: URIRef,
                 nodes: set[ox.NamedNode | ox.BlankNode], spool: _Spool) -> None:
    """Make the part of the inferred graph that types nodes with ``cls`` type ``nodes`` (but
    those asserted to have it). Compared by node, in ``nodes`` itself, which is used up."""
    rdf_type, node_class = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls))
    for t in store.stream_triples(f"CONSTRUCT {{ ?n a {_term(cls)} }}"
                                  f" WHERE {{ {_asserted(f'?n a {_term(cls)}')} }}"):
        nodes.discard(t.subject)
    gone = []
    for t in store.stream_triples(_part_query(RDF.type, cls)):
        if t.subject in nodes:
            nodes.discard(t.subject)  # inferred already
        else:
            gone.append(t)
    change.added += spool.add(ox.Triple(n, rdf_type, node_class) for n in nodes)
    if gone:
        change.still_asserted += len(store.remove_triples(INFERRED_GRAPH, gone))
        change.removed += len(gone)


def _key(triple: ox.Triple) -> bytes:
    """A triple's identity in 16 bytes (a set of these costs a fraction of one of triples)."""
    return hashlib.blake2b(str(triple).encode(), digest_size=16).digest()


_EXTRA_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, OWL.sameAs)
_INFERRED = sparql_iri(INFERRED_GRAPH)
_GRAPH_QUERY = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_INFERRED} {{ ?s ?p ?o }} }}"


def _part_query(predicate: URIRef, cls: URIRef | None) -> str:
    """A query for the triples of the inferred graph with this predicate (and class)."""
    pattern = f"?s {_term(predicate)} {_term(cls) if cls is not None else '?o'}"
    return f"CONSTRUCT {{ {pattern} }} WHERE {{ GRAPH {_INFERRED} {{ {pattern} }} }}"


def _unowned_query(owned: set[tuple[URIRef, URIRef | None]]) -> str:
    """A query for the triples of the inferred graph that no rule makes any more.

    They were made by an earlier ontology, or copied across owl:sameAs by an earlier run.
    """
    predicates = ", ".join([*(_term(p) for p, cls in sorted(owned) if cls is None),
                            _term(RDF.type)])
    classes = ", ".join(_term(cls) for p, cls in sorted(owned) if cls is not None)
    return (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_INFERRED} {{ ?s ?p ?o }}"
            f" FILTER (?p NOT IN ({predicates})"
            f" || (?p = {_term(RDF.type)} && ?o NOT IN ({classes or _term(OWL.Nothing)}))) }}")


def _ox_triple(triple: Triple) -> ox.Triple:
    s, p, o = (to_oxigraph(node) for node in triple)
    return ox.Triple(s, p, o)  # type: ignore[arg-type]


def drop_inferred(store: Store) -> None:
    """Remove the inferred graph."""
    store.drop_graphs([INFERRED_GRAPH])


def _count(store: Store) -> int:
    (row,) = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_INFERRED} {{ ?s ?p ?o }} }}"
    ).rows
    return int(str(row[0])) if row[0] is not None else 0


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
    # One branch per constant predicate, which the store reads from an index (a VALUES
    # list of predicates would have it scan, and hold, every quad).
    branches = [f"{{ GRAPH ?g {{ ?s {sparql_iri(p)} ?o }} BIND ({sparql_iri(p)} AS ?p) }}"
                for p in _SCHEMA_PREDICATES]
    symmetric = sparql_iri(OWL.SymmetricProperty)
    branches.append(f"{{ GRAPH ?g {{ ?s a {symmetric} }}"
                    f" BIND ({sparql_iri(RDF.type)} AS ?p) BIND ({symmetric} AS ?o) }}")
    result = store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ {' UNION '.join(branches)} {_not_inferred('?g')} }}"
    )
    return Schema.from_triples((s, p, o) for s, p, o in result.rows if s and p and o)


def same_as_classes(store: Store) -> list[set[URIRef]]:
    """The classes of IRIs that asserted owl:sameAs links make one (two members or more)."""
    result = store.query(
        f"SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{ ?a {sparql_iri(OWL.sameAs)} ?b }}"
        f" {_not_inferred('?g')} FILTER (isIRI(?a) && isIRI(?b)) }}"
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


# -- the fast engine: the rules as SPARQL queries inside the store ----------------------------

Part = tuple[URIRef, URIRef | None]  # (predicate, class): the triples one part of the graph holds


def edge_parts(rules: Rules) -> dict[Part, list[str]]:
    """The edge rules as CONSTRUCT queries, grouped by the predicate they give.

    One query per entailed edge (a super-property, an inverse, a symmetric reverse); the
    part of a predicate gathers every edge that gives it. Each query reads the store's
    default graph (the merge of its graphs, so each distinct triple once however many
    documents repeat it, and no DISTINCT needed) without the inferred graph: what is
    asserted. What is asserted already is left out (MINUS, a hash anti-join over one
    predicate). Triples with a literal subject are dropped by CONSTRUCT itself.
    """
    parts: dict[Part, list[str]] = defaultdict(list)
    for prop, edges in sorted(rules.edges.items()):
        for q, back in sorted(edges):
            x, y = ("?y", "?x") if back else ("?x", "?y")
            parts[(q, None)].append(
                f"CONSTRUCT {{ {x} {_term(q)} {y} }} WHERE {{"
                f" {_asserted(f'?x {_term(prop)} ?y')}"
                f" MINUS {{ {_asserted(f'{x} {_term(q)} {y}')} }} }}"
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
                sources[pattern.format(p=_term(key))] |= classes
    return dict(sources)


def _class_members(store: Store, rules: Rules) -> dict[URIRef, set[ox.NamedNode | ox.BlankNode]]:
    """For each class a node can be inferred to have, the nodes that have it.

    Each source pattern is read once (an event's predicates give it dip:Event, sem:Event
    and schema:Event alike), and each node is kept once however many classes it has.
    """
    members: dict[URIRef, set[ox.NamedNode | ox.BlankNode]] = defaultdict(set)
    same: dict[ox.NamedNode | ox.BlankNode, ox.NamedNode | ox.BlankNode] = {}
    # Patterns that give the same classes go in one query, each node once: the seven
    # properties of a dip:Evidence node give one answer row per node, not seven. No
    # FILTER (!isLiteral(?n)): CONSTRUCT drops a literal subject itself, and the filter
    # made Oxigraph answer three times slower (4 s against 1.2 s for 104k evidence nodes).
    by_classes: dict[frozenset[URIRef], list[str]] = defaultdict(list)
    for pattern, given in class_sources(rules).items():
        by_classes[frozenset(given)].append(pattern)
    for classes, patterns in sorted(by_classes.items(), key=lambda item: sorted(item[0])):
        union = " UNION ".join(f"{{ {_asserted(pattern)} }}" for pattern in sorted(patterns))
        found = store.stream_triples(
            f"CONSTRUCT {{ ?n a {_term(RDFS.Resource)} }} WHERE {{ SELECT DISTINCT ?n WHERE"
            f" {{ {union} }} }}")
        nodes = [same.setdefault(t.subject, t.subject) for t in found]  # type: ignore[arg-type]
        for cls in classes:
            members[cls].update(nodes)
    return dict(members)


def _asserted(pattern: str) -> str:
    """A group matching ``pattern`` in what is asserted: the default graph, the inferred aside."""
    return f"{pattern} MINUS {{ GRAPH {_INFERRED} {{ {pattern} }} }}"


def _extras(store: Store, rules: Rules) -> set[Triple]:
    """What the rules in the store leave out: the schema closed, and owl:sameAs made
    symmetric and transitive; only what no document asserts."""
    extra: set[Triple] = set(rules.schema_triples)
    extra.update((a, OWL.sameAs, b) for a, b in _same_as_pairs(store))
    return _unasserted(store, extra)


def _same_as_pairs(store: Store) -> list[tuple[URIRef, URIRef]]:
    return [(a, b) for members in same_as_classes(store) for a in members for b in members
            if a != b]


def _copied_facts(store: Store) -> set[Triple]:
    """The facts of each owl:sameAs member, the inferred ones included, copied to the others;
    only what no document asserts."""
    others: dict[Node, list[URIRef]] = defaultdict(list)
    for a, b in _same_as_pairs(store):
        others[a].append(b)
    if not others:
        return set()
    members = " ".join(_term(a) for a in others)
    facts = store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?a {{ {members} }}"
        f" {{ GRAPH ?g {{ ?a ?p ?o }} BIND (?a AS ?s) }} UNION"
        f" {{ GRAPH ?g {{ ?s ?p ?a }} BIND (?a AS ?o) }} FILTER (?p != {sparql_iri(OWL.sameAs)}) }}"
    ).triples
    copies: set[Triple] = set()
    for subject, predicate, obj in facts:
        for s2 in (subject, *others.get(subject, ())):
            for o2 in (obj, *others.get(obj, ())):
                copies.add((s2, predicate, o2))
    return _unasserted(store, copies)


def _unasserted(store: Store, triples: set[Triple], chunk: int = 2000) -> set[Triple]:
    """Those of ``triples`` that no asserted graph holds."""
    checkable = {t for t in triples if not isinstance(t[0], Literal)}
    blank = {t for t in checkable if any(isinstance(n, BNode) for n in t)}
    todo = sorted(checkable - blank)
    asserted: set[Triple] = set()
    for start in range(0, len(todo), chunk):
        rows = " ".join(f"({_term(s)} {_term(p)} {_term(o)})"
                        for s, p, o in todo[start:start + chunk])
        asserted.update(store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }}"
            f" GRAPH ?g {{ ?s ?p ?o }} {_not_inferred('?g')} }}"
        ).triples)
    return (set(todo) - asserted) | blank


def _not_inferred(graph_var: str) -> str:
    """A filter that keeps a graph variable off the inferred graph."""
    return f"FILTER ({graph_var} != {_INFERRED})"


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
        return str(ox.Literal(str(node), language=node.language, datatype=datatype))
    if isinstance(node, BNode):
        raise ValueError(f"a blank node cannot be named in a query: {node!r}")
    raise ValueError(f"cannot write {node!r} into a query")


# -- the reference engine: owlrl --------------------------------------------------------------


def owlrl_closure(graph: Graph) -> list[Triple]:
    """The triples owlrl's OWL-RL closure adds to ``graph`` (which is left unchanged)."""
    closed = Graph()
    closed += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    return [t for t in closed if t not in graph and not isinstance(t[0], Literal)]


def _asserted_graph(store: Store) -> Graph:
    """Every asserted triple of the store (its named graphs but the inferred one), as one graph."""
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    graph = Graph()
    inferred = ox.NamedNode(INFERRED_GRAPH)
    for quad in ox.parse(buffer.getvalue(), ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name != inferred:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                       to_rdflib(quad.object)))
    return graph
