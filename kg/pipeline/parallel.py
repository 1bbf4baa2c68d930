"""Worker processes for ingest: documents read, extracted and mapped, and batches gated, there.

Reading a document (parse, extract, map) and pySHACL's gate are pure CPU work with nothing
stored, so they run in a pool of processes; the store is written by the ingesting process
alone (:mod:`kg.pipeline.pipelined`). Results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from kg.extract.gazetteer import Gazetteer
from kg.ingest_report import FileResult
from kg.sources import Source
from kg.terms import Triple
from kg.validate.gate import validate_documents
from kg.validate.report import ValidationResult

if TYPE_CHECKING:
    from kg.pipeline.reading import ReadDocument

#: Documents a worker reads per task: enough to outweigh sending them, few enough to keep
#: both workers busy to the end.
CHUNK = 16
#: Chunks read ahead of the writer: bounds what waits in memory.
READ_AHEAD = 8

# How often a worker checks that the ingesting process still runs.
_PARENT_CHECK_SECONDS = 0.5

# A worker's settings, set once when it starts (_start_worker).
_settings: dict[str, Any] = {}


def default_workers() -> int:
    """Worker processes for a large ingest: one per core, at least two."""
    return max(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def _start_worker(gazetteer: Gazetteer, base: str, format: str | None) -> None:
    _settings.update(gazetteer=gazetteer, base=base, format=format)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this worker when the ingesting process is gone (killed, it cannot say so).

    Left alone, a worker waits for tasks for ever, and holds the dead process's standard
    output open: whoever reads it to the end (a script running ``kg ingest``) waits too.
    """
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(1)


def _read_chunk(sources: list[Source]) -> list[ReadDocument | FileResult]:
    from kg.pipeline.reading import read_document

    return [read_document(source, _settings["format"], gazetteer=_settings["gazetteer"],
                          base=_settings["base"], with_triples=True) for source in sources]


def _gate_batch(
    documents: dict[int, list[Triple]], context: Collection[Triple]
) -> dict[int, list[ValidationResult]]:
    return validate_documents(documents, context=context)


class WorkerPool:
    """Processes that read documents and run the SHACL gate; a context manager."""

    def __init__(self, workers: int, *, gazetteer: Gazetteer, base: str,
                 format: str | None) -> None:
        # Spawned, not forked: the parent holds an open store and the threads of its engine.
        self._executor = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(gazetteer, base, format))

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers; tasks not started are dropped."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def read(
        self, entries: Iterable[Source | FileResult]
    ) -> Iterator[ReadDocument | FileResult]:
        """Each entry read by a worker (a FileResult passes through), in input order."""
        ahead: deque[tuple[list[Source | FileResult], Future[list[Any]] | None]] = deque()

        def send(chunk: list[Source | FileResult]) -> None:
            sources = [e for e in chunk if isinstance(e, Source)]
            ahead.append((chunk, self._executor.submit(_read_chunk, sources) if sources
                          else None))

        def receive() -> Iterator[ReadDocument | FileResult]:
            chunk, future = ahead.popleft()
            read = iter(future.result() if future is not None else ())
            for entry in chunk:
                yield entry if isinstance(entry, FileResult) else next(read)

        chunk: list[Source | FileResult] = []
        for entry in entries:
            chunk.append(entry)
            if len(chunk) >= CHUNK:
                send(chunk)
                chunk = []
                if len(ahead) > READ_AHEAD:
                    yield from receive()
        if chunk:
            send(chunk)
        while ahead:
            yield from receive()

    def gate(
        self, documents: dict[int, list[Triple]], context: Collection[Triple]
    ) -> Future[dict[int, list[ValidationResult]]]:
        """The SHACL gate over a batch, with its stored context, run by a worker."""
        return self._executor.submit(_gate_batch, documents, context)
