"""A batch's store write runs in a thread while the ingest reads the next batch
(kg.pipeline.write_behind), and a run stopped meanwhile loses nothing and breaks nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from kg.pipeline import Ingester
from kg.sources import collect_files
from kg.store import open_store
from kg.store.oxigraph import OxigraphStore
from kg.terms import Triple

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


class _WatchedStore(OxigraphStore):
    """The embedded store on disk, noting which thread writes each batch of documents, and
    whether the ingesting thread reads a document while it does."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writers: list[str] = []
        self.overlapped = 0  # writes during which the ingesting thread read a document
        self.reads = 0
        self.handed_over = 0  # the documents read when the last batch was handed over
        self.read = threading.Condition()

    def reading(self) -> None:
        """Told by the ingesting thread as it reads a document."""
        with self.read:
            self.reads += 1
            self.read.notify_all()

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        if any("/graph/doc/" in graph for graph in graphs):  # not the ontology, a record
            self.writers.append(threading.current_thread().name)
            if threading.current_thread() is not threading.main_thread():
                # Held until the ingesting thread has read a document since it handed this
                # batch over, so that the test does not depend on how fast a write is.
                with self.read:
                    self.overlapped += self.read.wait_for(
                        lambda: self.reads > self.handed_over, timeout=10)
        super().replace_graphs(graphs)


def test_a_batch_is_written_by_a_thread_while_the_next_is_read(tmp_path: Path) -> None:
    store = _WatchedStore(tmp_path / "store")
    try:
        files, _ = collect_files([EXAMPLES])
        ingester = Ingester(store, batch_size=5, link=False)
        read = ingester._prepare

        def noting(*args: object, **kwargs: object) -> object:
            store.reading()
            return read(*args, **kwargs)  # type: ignore[arg-type]

        start = ingester._writes.start

        def handing_over(*args: Any, **kwargs: Any) -> None:
            with store.read:
                store.handed_over = store.reads
            start(*args, **kwargs)

        ingester._prepare = noting  # type: ignore[method-assign,assignment]
        ingester._writes.start = handing_over  # type: ignore[method-assign]
        results = list(ingester.ingest(files))
    finally:
        store.close()
    assert all(r.status in ("stored", "skipped") for r in results), results
    # Each full batch by the write thread while the next is read (the first with the record
    # that the derived data is not current); the last few documents by the ingesting thread,
    # which has nothing left to read.
    behind, last = store.writers[:-1], store.writers[-1]
    assert len(behind) == 2 and set(behind) == {"kg-store-write_0"}, store.writers
    assert last == threading.main_thread().name
    assert store.overlapped == 2


def test_a_run_stopped_while_a_batch_is_written_keeps_whole_batches(tmp_path: Path) -> None:
    files, _ = collect_files([EXAMPLES])
    with open_store(tmp_path / "store") as store:
        ingester = Ingester(store, batch_size=3, link=False)
        read, calls = ingester._prepare, []

        def failing(*args: object, **kwargs: object) -> object:
            calls.append(args)
            if len(calls) == 5:  # the first batch is being written meanwhile
                raise KeyboardInterrupt
            return read(*args, **kwargs)  # type: ignore[arg-type]

        ingester._prepare = failing  # type: ignore[method-assign,assignment]
        with pytest.raises(KeyboardInterrupt):
            list(ingester.ingest(files))
        count = store.triple_count()  # the write had ended before the run did
    with open_store(tmp_path / "store") as store:
        assert store.triple_count() == count
        results = list(Ingester(store, batch_size=3).ingest(files))
    statuses = [r.status for r in results]
    # The batch written is whole: its documents are unchanged; the rest go in.
    assert statuses.count("unchanged") == 3, statuses
    assert statuses.count("stored") == 9, statuses
