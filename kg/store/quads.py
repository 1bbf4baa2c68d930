"""Document graphs as the quads the embedded store writes: each triple in its named graph and,
once per write, in the default graph, their merge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox
from rdflib import BNode
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
    """Graphs about to be written (graph IRI -> triples), with their N-Quads made once.

    The ingest gate loads the merge (:attr:`merged`) and the embedded store every quad
    (:attr:`nquads`). Oxigraph reads text faster than Python makes its quads: writing a batch
    and loading it this way took about two thirds of the time of making pyoxigraph quads and
    adding them (bench/RESULTS.md).
    Every term was made a pyoxigraph term once and written as that term writes itself, so the
    text holds only terms Oxigraph accepts. Any store takes it as the mapping it is.
    """

    #: Every quad, N-Quads: each graph's triples, then their merge into the default graph.
    nquads: str
    #: The merge alone, each distinct triple once, N-Triples.
    merged: str
    #: How many quads :attr:`nquads` holds.
    quad_count: int


def prepare_graphs(graphs: Mapping[str, Iterable[Triple]]) -> dict[str, list[Triple]]:
    """The graphs with their text (StoreError naming the graph of a term Oxigraph refuses).

    Graphs with a blank node are given back as they are: Oxigraph names the blank nodes of
    text it reads anew, and the store keeps the ones it is given.
    """
    prepared = PreparedGraphs((g, list(ts)) for g, ts in graphs.items())
    text = _text(prepared)
    if text is None:
        return dict(prepared)
    prepared.nquads, prepared.merged, prepared.quad_count = text
    return prepared


def _text(graphs: Mapping[str, list[Triple]]) -> tuple[str, str, int] | None:
    """Every quad of the graphs and their merge as N-Quads, the merge alone as N-Triples, and
    the number of quads; None if a graph has a blank node."""
    # Each term is written once per batch, and looked up inline: this loop runs for every
    # triple ingested.
    written: dict[Node, str] = {}
    get = written.get
    lines: list[str] = []
    add = lines.append
    merged: dict[str, None] = {}  # documents of a batch share many facts: merged once
    for graph_iri, triples in graphs.items():
        in_graph = f" {_graph_node(graph_iri)} .\n"
        try:
            for s, p, o in triples:
                subject = get(s)
                if subject is None:
                    if isinstance(s, BNode):
                        return None
                    subject = written[s] = str(store_term(s))
                predicate = get(p)
                if predicate is None:
                    predicate = written[p] = str(store_term(p))
                obj = get(o)
                if obj is None:
                    if isinstance(o, BNode):
                        return None
                    obj = written[o] = str(store_term(o))
                triple = f"{subject} {predicate} {obj}"
                add(triple + in_graph)
                merged[triple] = None
        except (StoreError, TypeError, ValueError) as exc:
            raise StoreError(f"graph <{graph_iri}>: {exc}; nothing was written") from None
    # Text, not bytes: pyoxigraph reads a str as it is, and encoding it first, then joining
    # the bytes, copied a batch's text twice more.
    merge = [f"{triple} .\n" for triple in merged]
    count = len(lines) + len(merge)
    lines += merge
    return "".join(lines), "".join(merge), count


def new_graph_data(graphs: Mapping[str, Iterable[Triple]]) -> tuple[str | list[ox.Quad], int]:
    """What writing new graphs adds, and how many quads: their N-Quads text if they were
    prepared (:func:`prepare_graphs`), else their quads."""
    if isinstance(graphs, PreparedGraphs):
        return graphs.nquads, graphs.quad_count
    quads = document_quads(graphs)
    return quads, len(quads)


def load_quads(store: ox.Store, data: str | Sequence[ox.Quad], *, bulk: bool,
               format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
    """Add quads, or text this module wrote (N-Quads, or N-Triples for the default graph),
    to a pyoxigraph store: by its bulk loader, or in one transaction."""
    if isinstance(data, str):
        # Lenient: every term was made a pyoxigraph term, which checks it, before it was written.
        if bulk:
            store.bulk_load(data, format, lenient=True)
        else:
            store.load(data, format, lenient=True)
    elif bulk:
        store.bulk_extend(data)
    else:
        store.extend(data)


def document_quads(graphs: Mapping[str, Iterable[Triple]]) -> list[ox.Quad]:
    """The quads of new graphs and of their merge into the default graph."""
    # Each term is made once per write, and looked up inline: this loop runs for every
    # triple written, and a helper call per term made it a fifth slower.
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
