"""A first ingest written by the bulk loader ends by compacting the store (issue 14: reads of
the loader's files as written were 10-20% slower)."""

from __future__ import annotations

import threading
from pathlib import Path

from kg.pipeline import ingest
from kg.store import OxigraphStore, open_store
from tests.conftest import EXAMPLES


def _steps() -> tuple[list[str], object]:
    labels: list[str] = []

    def progress(label: str, total: int | None, unit: str):  # type: ignore[no-untyped-def]
        labels.append(label)
        return lambda n: None

    return labels, progress


def test_an_ingest_that_bulk_wrote_much_compacts_the_store(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        assert isinstance(store, OxigraphStore)
        store.compact_after_quads = 1_000  # the examples are about 10k quads
        labels, progress = _steps()
        report = ingest(store, [EXAMPLES], progress=progress)  # type: ignore[arg-type]
        assert report.count("stored") > 5 and not report.failures
        assert "compacting the store" in labels
        # The links, written after, are a few quads: the store needs no compacting again.
        assert not store.needs_compaction()
        triples = store.triple_count()
    with open_store(tmp_path / "store") as store:
        assert store.triple_count() == triples  # compacted, not changed


class _WatchedStore(OxigraphStore):
    """The embedded store on disk, noting the thread that compacts it and the phases told
    before it began."""

    def __init__(self, path: Path, labels: list[str]) -> None:
        super().__init__(path)
        self.labels = labels
        self.compacted: tuple[str, list[str]] | None = None

    def compact(self) -> None:
        self.compacted = (threading.current_thread().name, list(self.labels))
        super().compact()


def test_the_store_compacts_while_the_text_index_is_made(tmp_path: Path) -> None:
    labels, progress = _steps()
    store = _WatchedStore(tmp_path / "store", labels)
    try:
        store.compact_after_quads = 1_000
        ingest(store, [EXAMPLES], progress=progress)  # type: ignore[arg-type]
    finally:
        store.close()
    assert store.compacted is not None
    thread, before = store.compacted
    # Beside the text index, which reads its own scratch file; before the links, which read
    # the store.
    assert thread == "kg-compact_0"
    assert not [label for label in before if "link" in label], before
    assert labels.index("compacting the store") < labels.index("linking articles to events")


def test_a_small_ingest_leaves_the_store_as_written(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        assert isinstance(store, OxigraphStore)
        labels, progress = _steps()
        ingest(store, [EXAMPLES], progress=progress)  # type: ignore[arg-type]
        assert "compacting the store" not in labels
        assert 0 < store.bulk_written < store.compact_after_quads


def test_a_store_in_memory_never_needs_compaction() -> None:
    with open_store("memory:") as store:
        store.bulk_written = 10**9  # type: ignore[attr-defined]
        assert not store.needs_compaction()
