"""Reading without storing: one file as a graph, and the whole store validated as one graph."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.iri import INFERRED_GRAPH
from kg.mapper import map_triples
from kg.pipeline.ingester import prepare_document
from kg.rdffile import rdf_format_of, read_rdf
from kg.rdfio import OXIGRAPH_FORMATS
from kg.sources import read_text
from kg.store import Store
from kg.terms import sparql_iri
from kg.validate import ValidationReport, validate
from kg.vocab import DEFAULT_BASE, PREFIXES


def read_graph(
    path: str | Path,
    *,
    format: str | None = None,
    gazetteer: Gazetteer | None = None,
    base: str = DEFAULT_BASE,
) -> Graph:
    """The triples of an RDF file, or of the graph an input document maps to.

    RDF (Turtle, JSON-LD, N-Triples, N-Quads, TriG, RDF/XML) is told by ``format`` or
    the extension and parsed offline; anything else is read as one of our input formats
    and mapped, as ingest would, but without the provenance of a stored document.

    Raises:
        ParseError: for a file that cannot be read, naming the file and line.
    """
    path = Path(path)
    rdf_format = format if format in OXIGRAPH_FORMATS else None
    if format is None:
        head = ""
        if path.suffix.lower() == ".json":
            with contextlib.suppress(OSError), path.open("rb") as handle:
                head = handle.read(4096).decode("utf-8", "replace")
        rdf_format = rdf_format_of(path, head)
    if rdf_format is not None:
        return read_rdf(path, rdf_format)
    doc = prepare_document(
        read_text(path), str(path), gazetteer=gazetteer or load_gazetteer(), format=format
    )
    graph = Graph()
    for triple in map_triples(doc, base=base):
        graph.add(triple)
    return graph


def validate_store(
    store: Store, *, shapes: Graph | str | Path | None = None, inference: str = "none"
) -> ValidationReport:
    """Validate everything the store asserts (the inferred graph aside) as one graph.

    Each result names the input file of a document that describes its focus node.
    """
    # Each distinct triple once, however many documents repeat it.
    asserted = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE {"
        f" GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {sparql_iri(INFERRED_GRAPH)}) }} }}"
    ).triples
    report = validate(asserted, shapes=shapes, inference=inference, source=store.url)
    focus = " ".join(
        sorted({r.focus_node.n3() for r in report.results if isinstance(r.focus_node, URIRef)})
    )
    files: dict[Node, str] = {}
    if focus:
        rows = store.query(
            f"PREFIX dip: {sparql_iri(PREFIXES['dip'])}\n"
            f"SELECT ?node (MIN(?path) AS ?file) WHERE {{ VALUES ?node {{ {focus} }}"
            " GRAPH ?g { ?node ?p ?o . ?g dip:sourcePath ?path } } GROUP BY ?node"
        ).rows
        files = {node: str(file) for node, file in rows if node is not None and file is not None}
    results = tuple(
        dataclasses.replace(r, file=files.get(r.focus_node, store.url)) for r in report.results
    )
    return dataclasses.replace(report, results=results)
