"""A document on its way into the store: admitted, waiting for the gate and the write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.ingest_report import FileResult
from kg.mapper import Triple
from kg.validate.report import ValidationResult

#: The SHACL gate's results for a batch, by the index of each document in the batch.
Verdicts = dict[int, list[ValidationResult]]


@dataclass
class Pending:
    """A document admitted for storing: its result so far, its graph and triples, and the
    graphs of the same file it replaces."""

    result: FileResult
    graph_iri: str
    triples: list[Triple]
    stale: list[str]
    # What the ingester recorded before, restored if the validation gate rejects the document.
    location: str = ""
    known_before: tuple[str, str] | None = None
    paths_before: list[str] | None = None
    # The same text as a document earlier in the batch: "unchanged" if that one is stored.
    duplicate: bool = False


def gate_documents(pending: Sequence[Pending]) -> dict[int, list[Triple]]:
    """What the SHACL gate checks of a batch: each document's triples by its index (twins of
    documents earlier in the batch share their verdict)."""
    return {i: item.triples for i, item in enumerate(pending) if not item.duplicate}
