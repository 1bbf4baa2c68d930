"""The shipped ontology (and the CAMEO/PLOVER schemes): parsed once, and kept in the store."""

from __future__ import annotations

from functools import cache

from rdflib import Graph, Literal, URIRef

from kg.iri import ONTOLOGY_GRAPH, short_hash
from kg.resources import resource_path
from kg.store import Store
from kg.terms import Triple, sparql_iri, sparql_literal
from kg.vocab import RDFS

ONTOLOGY_FILES = ("diplomacy.ttl", "cameo.ttl")


@cache
def ontology_graph() -> Graph:
    """The ontology and the CAMEO/PLOVER schemes as one graph, parsed once: do not change it."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph.parse(resource_path("ontology", name), format="turtle")
    return graph


def ensure_ontology(store: Store) -> None:
    """Load the ontology into its own named graph unless this version is already there."""
    marker = "ontology " + short_hash(
        "".join(resource_path("ontology", n).read_text(encoding="utf-8") for n in ONTOLOGY_FILES)
    )
    graph, comment = sparql_iri(ONTOLOGY_GRAPH), sparql_iri(RDFS.comment)
    asked = store.query(
        f"ASK {{ GRAPH {graph} {{ {graph} {comment} {sparql_literal(Literal(marker))} }} }}"
    )
    if asked.boolean:
        return
    triples: list[Triple] = list(ontology_graph())
    triples.append((URIRef(ONTOLOGY_GRAPH), RDFS.comment, Literal(marker)))
    triples.append((URIRef(ONTOLOGY_GRAPH), RDFS.label, Literal("diplomacy ontology and CAMEO")))
    store.replace_graphs({ONTOLOGY_GRAPH: triples})
