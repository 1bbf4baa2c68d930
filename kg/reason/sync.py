"""The fast engine: the rules run inside the store, and only the difference written."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.derivation import asserted, asserted_graphs, asserted_once
from kg.progress import Advance, Progress, no_progress
from kg.reason.graph import (
    GRAPH_QUERY,
    INFERRED_GRAPH,
    ox_triple,
    part_query,
    term,
    unowned_query,
)
from kg.reason.rules import (
    Rules,
    class_sources,
    compile_rules,
    edge_parts,
    read_schema,
    same_as_classes,
)
from kg.reason.spool import Spool
from kg.store import Store
from kg.terms import Triple, sparql_iri
from kg.vocab import OWL, RDF, RDFS


@dataclass
class Change:
    """What one pass of the fast engine did to the inferred graph."""

    added: int = 0
    removed: int = 0


def sync_inferred(
    store: Store, *, copy_facts: bool, progress: Progress = no_progress
) -> Change:
    """One pass of the fast engine: each rule's part of the inferred graph made what it entails.

    Each part (the triples of one predicate, or for rdf:type of one class) is compared with
    what the store holds and only the difference is written: rerunning on an unchanged store
    writes nothing, and memory stays one part's size however large the graph is. The rules
    read the asserted graphs alone, never the inferred graph, so one pass reaches the fixpoint.
    ``progress`` is told as each part is done.
    """
    rules = compile_rules(read_schema(store))
    change = Change()
    # The parts: one per entailed predicate, the read of the class members, one per class,
    # the extras, the unowned rest, and the copies across owl:sameAs if asked for.
    classes = set().union(*class_sources(rules).values())
    total = (len(edge_parts(rules)) + 1 + len(classes) + len(_EXTRA_PREDICATES) + 1
             + int(copy_facts))
    advance = progress("inferring", total, "rules")
    with Spool(store) as spool:
        _sync_parts(store, rules, change, spool, advance)
    if copy_facts:
        copies = {ox_triple(t) for t in _copied_facts(store)}
        copies -= set(store.stream_triples(GRAPH_QUERY))
        store.add_triples(INFERRED_GRAPH, copies)
        change.added += len(copies)
        advance(1)
    return change


def _sync_parts(store: Store, rules: Rules, change: Change, spool: Spool,
                advance: Advance) -> None:
    """Compare each part of the inferred graph with what the rules give; spool what is new.

    Writing the new triples only at the end changes no rule's answer: the rules read the
    asserted graphs, which the inferred graph is not.
    """
    edges = edge_parts(rules)
    for (predicate, _), queries in edges.items():
        wanted = itertools.chain.from_iterable(store.stream_triples(q) for q in queries)
        _apply(store, change, wanted, part_query(predicate, None), spool)
        advance(1)
    members = _class_members(store, rules)
    advance(1)
    classes = sorted(members)
    for cls in classes:
        _apply_class(store, change, cls, members.pop(cls), spool)
        advance(1)
    extras = _extras(store, rules)
    for predicate in _EXTRA_PREDICATES:
        closed = {ox_triple(t) for t in extras if t[1] == predicate}
        _apply(store, change, closed, part_query(predicate, None), spool)
        advance(1)
    owned = (set(edges) | {(RDF.type, cls) for cls in classes}
             | {(p, None) for p in _EXTRA_PREDICATES})
    _apply(store, change, set(), unowned_query(owned), spool)
    advance(1)


def _apply(store: Store, change: Change, wanted: Iterable[ox.Triple], current_query: str,
           spool: Spool) -> None:
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
        store.remove_triples(INFERRED_GRAPH, gone)
        change.removed += len(gone)


def _apply_class(store: Store, change: Change, cls: URIRef,
                 nodes: set[ox.NamedNode | ox.BlankNode], spool: Spool) -> None:
    """Make the part of the inferred graph that types nodes with ``cls`` type ``nodes`` (but
    those asserted to have it). Compared by node, in ``nodes`` itself, which is used up."""
    rdf_type, node_class = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls))
    for t in store.stream_triples(f"CONSTRUCT {{ ?n a {term(cls)} }}"
                                  f" WHERE {asserted_once(f'?n a {term(cls)}')}"):
        nodes.discard(t.subject)
    gone = []
    for t in store.stream_triples(part_query(RDF.type, cls)):
        if t.subject in nodes:
            nodes.discard(t.subject)  # inferred already
        else:
            gone.append(t)
    change.added += spool.add(ox.Triple(n, rdf_type, node_class) for n in nodes)
    if gone:
        store.remove_triples(INFERRED_GRAPH, gone)
        change.removed += len(gone)


def _key(triple: ox.Triple) -> bytes:
    """A triple's identity in 16 bytes (a set of these costs a fraction of one of triples)."""
    return hashlib.blake2b(str(triple).encode(), digest_size=16).digest()


_EXTRA_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, OWL.sameAs)


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
        union = " UNION ".join(asserted(pattern) for pattern in sorted(patterns))
        found = store.stream_triples(
            f"CONSTRUCT {{ ?n a {term(RDFS.Resource)} }} WHERE {{ SELECT DISTINCT ?n WHERE"
            f" {{ {union} }} }}")
        nodes = [same.setdefault(t.subject, t.subject) for t in found]  # type: ignore[arg-type]
        for cls in classes:
            members[cls].update(nodes)
    return dict(members)


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
    members = " ".join(term(a) for a in others)
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
        rows = " ".join(f"({term(s)} {term(p)} {term(o)})"
                        for s, p, o in todo[start:start + chunk])
        asserted.update(store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }}"
            f" GRAPH ?g {{ ?s ?p ?o }} {asserted_graphs('?g')} }}"
        ).triples)
    return (set(todo) - asserted) | blank

