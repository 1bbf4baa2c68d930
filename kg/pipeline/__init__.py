"""The one place that chains parse, extract, map, validate and store, and derives from them.

The CLI and the web call the library through here (and :mod:`kg.store`, :mod:`kg.validate`,
:mod:`kg.queries`, :mod:`kg.results`); the steps themselves stay behind it:

- ``ingester``: documents in, from paths or memory, one named graph each, validated first
  (:func:`ingest`);
- ``read``: one file read as a graph without storing it, and the store validated whole;
- the derived data, recomputable from the document graphs: the inferred graph
  (:func:`infer`, :mod:`kg.reason`) and the article-event links (:func:`link_all`,
  :mod:`kg.link.find`), each run recorded (:mod:`kg.derivation`), and the same-event links
  (:func:`link_same_events_all`, :mod:`kg.link.same_event_store`);
- ``pair_eval``: event identity scored on hand-labelled pairs of mentions
  (:func:`score_pairs`, :func:`format_pairs`);
- ``check``: the store's invariants checked and restored (:func:`check_store`,
  :func:`repair_store`: ``kg check [--repair]``);
- the text index (:mod:`kg.search`), derived from the documents and written by ingest:
  :func:`search`, :func:`reindex`, :func:`check_index`, :func:`use_index`.

The long ones (:func:`ingest`, :func:`link_all`, :func:`link_same_events_all`, :func:`infer`,
:func:`reindex`) take ``progress=``, a :data:`Progress` (:mod:`kg.progress`), told of each
phase with its total and of the work done; by default nobody is told.
"""

from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.ingest_report import FileResult, IngestReport
from kg.link.find import LinkReport, link_all
from kg.link.same_event_store import SameEventReport, link_same_events_all
from kg.model import ParseError
from kg.pipeline.check import Finding, check_store, repair_store
from kg.pipeline.ingester import (
    SOFTWARE_IRI,
    Gate,
    Ingester,
    ingest,
    prepare_document,
)
from kg.pipeline.pair_eval import PairReport, format_pairs, score_pairs
from kg.pipeline.read import read_graph, validate_store
from kg.progress import Advance, Progress, no_progress, tally
from kg.reason import ENGINES, INFERRED_GRAPH, InferenceReport, infer
from kg.search import (
    KINDS,
    MAX_LIMIT,
    MAX_QUERY,
    Hit,
    IndexReport,
    IndexUnavailable,
    SearchError,
    check_index,
    index_for,
    reindex,
    search,
    use_index,
)
from kg.sources import InputFile, Source, collect_files, upload_source

__all__ = [
    "ENGINES",
    "INFERRED_GRAPH",
    "KINDS",
    "MAX_LIMIT",
    "MAX_QUERY",
    "SOFTWARE_IRI",
    "Advance",
    "FileResult",
    "Finding",
    "Gate",
    "Gazetteer",
    "Hit",
    "IndexReport",
    "IndexUnavailable",
    "InferenceReport",
    "IngestReport",
    "Ingester",
    "InputFile",
    "LinkReport",
    "PairReport",
    "ParseError",
    "Progress",
    "SameEventReport",
    "SearchError",
    "Source",
    "check_index",
    "check_store",
    "collect_files",
    "format_pairs",
    "index_for",
    "infer",
    "ingest",
    "link_all",
    "link_same_events_all",
    "load_gazetteer",
    "no_progress",
    "prepare_document",
    "read_graph",
    "reindex",
    "repair_store",
    "score_pairs",
    "search",
    "tally",
    "upload_source",
    "use_index",
    "validate_store",
]
