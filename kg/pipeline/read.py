"""Reading without storing: one file as a graph, and the whole store validated as one graph."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.mapper import map_triples
from kg.pipeline import store_validation
from kg.pipeline.ingester import prepare_document
from kg.rdffile import rdf_format_of, read_rdf
from kg.rdfio import OXIGRAPH_FORMATS
from kg.sources import read_text
from kg.store import Store
from kg.validate import ValidationReport
from kg.vocab import DEFAULT_BASE


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
    store: Store,
    *,
    shapes: Graph | str | Path | None = None,
    inference: str = "none",
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Validate everything the store asserts (the inferred graph aside), batch by batch.

    Each result names the input file of a document that describes its focus node;
    ``progress(graphs_done, graphs_total)`` is told after each batch.
    """
    return store_validation.validate_store(store, shapes=shapes, inference=inference,
                                           progress=progress)
