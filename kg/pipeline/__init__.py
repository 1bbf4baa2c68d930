"""The one place that chains parse, extract, map, validate and store, and derives from them.

The CLI and the web call the library through here (and :mod:`kg.store`, :mod:`kg.validate`,
:mod:`kg.queries`, :mod:`kg.results`); the steps themselves stay behind it:

- ``ingester``: documents in, from paths or memory, one named graph each, validated first
  (:func:`ingest`);
- ``read``: one file read as a graph without storing it, and the store validated whole;
- the derived data, recomputable from the document graphs: the inferred graph
  (:func:`infer`, :mod:`kg.reason`) and the article-event links (:func:`link_all`,
  :mod:`kg.link.find`).
"""

from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.ingest_report import FileResult, IngestReport
from kg.link.find import LinkReport, link_all
from kg.model import ParseError
from kg.pipeline.ingester import (
    SOFTWARE_IRI,
    Gate,
    Ingester,
    ingest,
    prepare_document,
)
from kg.pipeline.read import read_graph, validate_store
from kg.reason import ENGINES, INFERRED_GRAPH, InferenceReport, infer
from kg.sources import Source, upload_source

__all__ = [
    "ENGINES",
    "INFERRED_GRAPH",
    "SOFTWARE_IRI",
    "FileResult",
    "Gate",
    "Gazetteer",
    "InferenceReport",
    "IngestReport",
    "Ingester",
    "LinkReport",
    "ParseError",
    "Source",
    "infer",
    "ingest",
    "link_all",
    "load_gazetteer",
    "prepare_document",
    "read_graph",
    "upload_source",
    "validate_store",
]
