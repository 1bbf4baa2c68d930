"""The half of ingesting a document that needs nothing stored: decode, parse, extract, map.

Pure work, so that worker processes can do it (:mod:`kg.pipeline.parallel`); what a read
document becomes against the store is the ingester's to decide (:mod:`kg.pipeline.ingester`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.extract import extract_document
from kg.extract.gazetteer import Gazetteer
from kg.ingest_report import FileResult
from kg.iri import document_graph_iri
from kg.mapper import Triple, map_triples
from kg.model import Document, ParseError
from kg.parse import detect_format, parse_document
from kg.provenance import document_key
from kg.sources import InputFile, Source, decode_text, read_source


def _unreadable(name: str, named: bool, error: ParseError) -> FileResult:
    """The result for input that is not text: skipped if met in a folder, else failed."""
    if not named:  # a binary or empty file met while walking a folder
        return FileResult(name, "skipped", message="not a text document")
    return FileResult(name, "failed", message=str(error))


def load_entry(entry: Source | InputFile | Path) -> Source | FileResult:
    """A source for ``entry``, reading a file; a file that cannot be read gives its result."""
    if isinstance(entry, Source):
        return entry
    file = entry if isinstance(entry, InputFile) else InputFile(entry)
    try:
        return read_source(file)
    except ParseError as exc:
        return _unreadable(str(file.path), file.named, exc)


def prepare_document(
    text: str, path: str, *, gazetteer: Gazetteer, format: str | None = None
) -> Document:
    """Parse a text and run every extractor (the event typer among them) over it."""
    return extract_document(parse_document(text, path, format), gazetteer)


@dataclass
class ReadDocument:
    """A document parsed and extracted (and mapped, when read by a worker), not yet admitted."""

    name: str
    location: str
    doc: Document
    graph_iri: str
    triples: list[Triple] | None  # None: mapped when admitted, if it is not unchanged


def read_document(
    source: Source, format: str | None, *, gazetteer: Gazetteer, base: str, with_triples: bool
) -> ReadDocument | FileResult:
    """Decode, parse and extract one source (and map it, ``with_triples``): pure, no store.

    The half of ingesting a document that needs nothing stored, so that worker processes
    can do it (:mod:`kg.pipeline.parallel`); a FileResult for a source that is skipped or
    failed.
    """
    name, named = source.name, source.named
    try:
        text = decode_text(source.data, name)
    except ParseError as exc:
        return _unreadable(name, named, exc)
    try:
        if format is None and not named and detect_format(text, name, guess=False) is None:
            # A folder may hold READMEs and data files beside its pages: those are
            # passed over, while a file the user named is read as its best guess.
            return FileResult(name, "skipped", message="not a recognised document")
        doc = prepare_document(text, name, gazetteer=gazetteer, format=format)
    except ParseError as exc:
        return FileResult(name, "failed", message=str(exc))
    graph_iri = document_graph_iri(document_key(doc, base=base))
    triples = list(map_triples(doc, base=base)) if with_triples else None
    return ReadDocument(name, source.location, doc, graph_iri, triples)
