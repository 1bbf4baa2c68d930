"""The reference engine: the owlrl package's full OWL-RL closure, in memory."""

from __future__ import annotations

import io

import owlrl
import pyoxigraph as ox
from rdflib import Graph, Literal

from kg.iri import is_derived_graph
from kg.rdffile import to_rdflib
from kg.store import Store
from kg.terms import Triple


def owlrl_closure(graph: Graph) -> list[Triple]:
    """The triples owlrl's OWL-RL closure adds to ``graph`` (which is left unchanged)."""
    closed = Graph()
    closed += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    return [t for t in closed if t not in graph and not isinstance(t[0], Literal)]


def asserted_graph(store: Store) -> Graph:
    """Every asserted triple of the store (its named graphs but the derived ones), as one graph."""
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    graph = Graph()
    for quad in ox.parse(buffer.getvalue(), ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode) and not is_derived_graph(
                quad.graph_name.value):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                       to_rdflib(quad.object)))
    return graph
