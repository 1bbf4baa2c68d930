"""The inferred graph: its name, and the SPARQL that reads its parts."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.iri import INFERRED_GRAPH
from kg.rdffile import to_oxigraph
from kg.store import Store
from kg.terms import Triple, sparql_iri
from kg.vocab import OWL, RDF

INFERRED = sparql_iri(INFERRED_GRAPH)
GRAPH_QUERY = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {INFERRED} {{ ?s ?p ?o }} }}"




def part_query(predicate: URIRef, cls: URIRef | None) -> str:
    """A query for the triples of the inferred graph with this predicate (and class)."""
    pattern = f"?s {term(predicate)} {term(cls) if cls is not None else '?o'}"
    return f"CONSTRUCT {{ {pattern} }} WHERE {{ GRAPH {INFERRED} {{ {pattern} }} }}"


def unowned_query(owned: set[tuple[URIRef, URIRef | None]]) -> str:
    """A query for the triples of the inferred graph that no rule makes any more.

    They were made by an earlier ontology, or copied across owl:sameAs by an earlier run.
    """
    predicates = ", ".join([*(term(p) for p, cls in sorted(owned) if cls is None),
                            term(RDF.type)])
    classes = ", ".join(term(cls) for p, cls in sorted(owned) if cls is not None)
    return (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {INFERRED} {{ ?s ?p ?o }}"
            f" FILTER (?p NOT IN ({predicates})"
            f" || (?p = {term(RDF.type)} && ?o NOT IN ({classes or term(OWL.Nothing)}))) }}")


def count_inferred(store: Store) -> int:
    """How many triples the inferred graph holds."""
    (row,) = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {INFERRED} {{ ?s ?p ?o }} }}"
    ).rows
    return int(str(row[0])) if row[0] is not None else 0


def term(node: Node) -> str:
    """An IRI or literal written as SPARQL (a blank node cannot be)."""
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
        return str(ox.Literal(str(node), language=node.language, datatype=datatype))
    if isinstance(node, BNode):
        raise ValueError(f"a blank node cannot be named in a query: {node!r}")
    raise ValueError(f"cannot write {node!r} into a query")


def ox_triple(triple: Triple) -> ox.Triple:
    """An rdflib triple as an Oxigraph one."""
    s, p, o = (to_oxigraph(node) for node in triple)
    return ox.Triple(s, p, o)  # type: ignore[arg-type]
