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


class PreparedGraphs(dict[str, list[Triple]]):
    """Graphs about to be written (graph IRI -> triples), with their quads made once.

    The ingest gate checks the merge (:attr:`merged`) and the embedded store writes every quad
    (:attr:`quads`): making each pyoxigraph term and quad once for both saved a third of the
    conversions of an ingest. Any store takes it as the mapping it is.
    """

    quads: list[ox.Quad]
    merged: list[ox.Quad]


def prepare_graphs(graphs: Mapping[str, Iterable[Triple]]) -> PreparedGraphs:
    """The graphs with their quads (StoreError naming the graph of a term Oxigraph refuses)."""
    prepared = PreparedGraphs((g, list(ts)) for g, ts in graphs.items())
    prepared.quads, prepared.merged = _quads(prepared)
    return prepared


def document_quads(graphs: Mapping[str, Iterable[Triple]]) -> list[ox.Quad]:
    """The quads of new graphs and of their merge into the default graph."""
    if isinstance(graphs, PreparedGraphs):
        return graphs.quads
    return _quads(graphs)[0]


def _quads(graphs: Mapping[str, Iterable[Triple]]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """Every quad of the graphs and their merge, and the merge's quads alone."""
    # Each term is made once per write, and looked up inline: this loop runs for every
    # triple ingested, and a helper call per term made it a fifth slower.
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
    get, quad, default = cache.get, ox.Quad, ox.DefaultGraph()
    quads: list[ox.Quad] = []
    merged_quads: list[ox.Quad] = []
    append, append_merged = quads.append, merged_quads.append
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
                    in_default = quad(subject, predicate, obj, default)  # type: ignore[arg-type]
                    append(in_default)
                    append_merged(in_default)
        except (StoreError, TypeError) as exc:
            raise StoreError(f"graph <{graph_iri}>: {exc}; nothing was written") from None
    return quads, merged_quads
