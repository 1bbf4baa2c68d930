"""A document on its way into the store: admitted, waiting for the gate and the write."""

from __future__ import annotations

import dataclasses
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


def sort_by_verdicts(
    pending: Sequence[Pending], found: Verdicts
) -> tuple[list[Pending], list[FileResult], list[Pending]]:
    """A batch split by the gate's verdicts: the documents to store (with their warnings),
    the results of those not stored, and those the gate refused (twins share their fate)."""
    kept: list[Pending] = []
    refused: list[Pending] = []
    rejected: list[FileResult] = []
    rejected_iris: dict[str, str] = {}
    for i, item in enumerate(pending):
        path = item.result.path
        if item.duplicate:
            continue
        results = [dataclasses.replace(r, file=path) for r in found[i]]
        warnings = tuple(r.to_text() for r in results if r.severity == "Warning")
        violations = [r.to_text() for r in results if r.severity == "Violation"]
        if not violations:
            kept.append(
                dataclasses.replace(
                    item, result=dataclasses.replace(item.result, warnings=warnings)
                )
            )
            continue
        refused.append(item)
        rejected_iris[item.graph_iri] = path
        rejected.append(
            dataclasses.replace(
                item.result,
                status="failed",
                triples=0,
                warnings=warnings,
                message="\n".join([f"{path}: not stored, it breaks the shapes:", *violations]),
            )
        )
    for item in pending:
        if item.duplicate and item.graph_iri in rejected_iris:
            rejected.append(
                dataclasses.replace(
                    item.result,
                    status="failed",
                    message=(
                        f"{item.result.path}: not stored: the same text as "
                        f"{rejected_iris[item.graph_iri]}, which breaks the shapes"
                    ),
                )
            )
        elif item.duplicate:
            kept.append(item)
    return kept, rejected, refused
