"""Ingest pipelined over worker processes: they read the documents and gate the batches,
while the ingesting process writes the batches in order (``kg ingest --workers N``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.ingest_report import FileResult
from kg.mapper import Triple
from kg.pipeline.parallel import WorkerPool
from kg.pipeline.pending import Pending, Verdicts, gate_documents
from kg.pipeline.read_ahead import read_ahead
from kg.pipeline.reading import ReadDocument
from kg.sources import InputFile, Source
from kg.validate.gate import batch_context, validate_documents

if TYPE_CHECKING:
    from kg.pipeline.ingester import Ingester

#: Batches read and waiting for the gate at most, when ingesting with worker processes.
_QUEUED_BATCHES = 3


@dataclass
class _Batch:
    """A batch of documents in the worker pipeline: gated by a worker, then written."""

    pending: list[Pending]
    context: frozenset[Triple] = frozenset()  # the stored facts it was gated with
    verdicts: Future[Verdicts] | None = None
    results: list[FileResult] | None = None  # once written

    @property
    def graphs(self) -> set[str]:
        """The graphs it writes or drops."""
        return {g for item in self.pending for g in (item.graph_iri, *item.stale)}

    @property
    def locations(self) -> set[str]:
        """The files its documents come from."""
        return {item.location for item in self.pending}

    def done(self) -> bool:
        """Whether its gate has finished (or it needs none)."""
        return self.verdicts is None or self.verdicts.done()


def ingest_in_workers(
    ingester: Ingester, entries: Iterable[Source | InputFile | Path], format: str | None
) -> Iterator[FileResult]:
    """Ingest as :meth:`Ingester.ingest`'s own loop does, with the same results in the same order
    and the same store, while worker processes read the documents and gate the batches.

    Workers read ahead, and gate each batch as it fills, with the stored facts it needs as
    they will be once the batches before it are written; this process writes the batches
    in order. Every decision is taken on the store the one-process loop would have seen:
    a verdict whose stored facts turn out otherwise (a document before it was rejected)
    is taken again here, and a document whose graph or file is in a batch not yet
    written waits for that batch.
    """
    out: deque[FileResult | _Batch] = deque()  # the results, in the loop's order
    queued: deque[_Batch] = deque()  # batches gated or being gated, not yet written
    pending: list[Pending] = []

    def gate(batch: _Batch) -> None:
        """Send a batch to a worker's gate, with the stored facts it needs as they will be
        once the batches before it are written."""
        documents = gate_documents(batch.pending)
        if ingester.validate and any(documents.values()):
            unwritten = {item.graph_iri: item.triples for b in queued for item in b.pending
                         if not item.duplicate}
            batch.context = batch_context(ingester.context_store, documents, unwritten=unwritten)
            batch.verdicts = pool.gate(documents, batch.context)

    def settle() -> None:
        """Write the oldest batch, with its verdict if its stored facts were foreseen."""
        batch = queued.popleft()
        documents = gate_documents(batch.pending)
        found: Verdicts | None = None
        if batch.verdicts is not None:
            context = batch_context(ingester.context_store, documents)
            if context == batch.context:
                found = batch.verdicts.result()
            else:  # a document before it was rejected, or replaced one it links to
                ingester.gated_again += 1
                found = validate_documents(documents, context=context)
        building, ingester._batch = ingester._batch, set()
        batch.results = list(ingester._flush(batch.pending, found))
        ingester._batch = building

    def ready() -> Iterator[FileResult]:
        while out and (isinstance(out[0], FileResult) or out[0].results is not None):
            head = out.popleft()
            if isinstance(head, FileResult):
                yield head
            else:
                yield from head.results or ()

    with WorkerPool(ingester.workers, gazetteer=ingester.gazetteer, base=ingester.base,
                    format=format) as pool:
        for read in pool.read(read_ahead(entries)):
            if isinstance(read, ReadDocument) and any(
                read.graph_iri in b.graphs or read.location in b.locations for b in queued
            ):
                while queued:  # its graph or file may yet change: decide after them
                    settle()
            item = read if isinstance(read, FileResult) else ingester._admit(read)
            if isinstance(item, FileResult):
                out.append(item)
            else:
                pending.append(item)
                if len(pending) >= ingester.batch_size:
                    batch = _Batch(list(pending))
                    pending.clear()
                    ingester._batch = set()
                    gate(batch)
                    out.append(batch)
                    queued.append(batch)
                    # A few batches gated ahead keep the workers busy while one is
                    # written, and bound what waits in memory.
                    while queued and (len(queued) > _QUEUED_BATCHES or queued[0].done()):
                        settle()
            yield from ready()
        batch = _Batch(list(pending))
        gate(batch)
        out.append(batch)
        queued.append(batch)
        while queued:
            settle()
        yield from ready()
