"""Document graphs as the quads the embedded store writes: each triple in its named graph and,
once per write, in the default graph, their merge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib.term import Node

from kg.rdffile import to_oxigraph
from kg.store.bindings import _graph_node
from kg.store.errors import StoreError
from kg.terms import Triple


def store_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as Oxigraph's, or StoreError for one it refuses."""
    try:
        return to_oxigraph(term)
    except ValueError as exc:
        raise StoreError(f"not a valid RDF term: {term!r}: {exc}") from None


def document_quads(graphs: Mapping[str, Iterable[Triple]]) -> list[ox.Quad]:
    """The quads of new graphs and of their merge into the default graph."""
    # Each term is made once per write, and looked up inline: this loop runs for every
    # triple ingested, and a helper call per term made it a fifth slower.
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
    get, quad, default = cache.get, ox.Quad, ox.DefaultGraph()
    quads: list[ox.Quad] = []
    append = quads.append
    merged: set[Triple] = set()  # documents of a batch share many facts: write each once
    for graph_iri, triples in graphs.items():
        graph = _graph_node(graph_iri)
        try:
            for triple in triples:
                s, p, o = triple
                subject = get(s)
                if subject is None:
                    subject = cache[s] = store_term(s)
                predicate = get(p)
                if predicate is None:
                    predicate = cache[p] = store_term(p)
                obj = get(o)
                if obj is None:
                    obj = cache[o] = store_term(o)
                append(quad(subject, predicate, obj, graph))  # type: ignore[arg-type]
                if triple not in merged:
                    merged.add(triple)
                    append(quad(subject, predicate, obj, default))  # type: ignore[arg-type]
        except (StoreError, TypeError) as exc:
            raise StoreError(f"graph <{graph_iri}>: {exc}; nothing was written") from None
    return quads
