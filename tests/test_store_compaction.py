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
    """The embedded store on disk, noting the thread that compacts it, the phases told before
    it began, and whether the links began while it compacted."""

    def __init__(self, path: Path, labels: list[str]) -> None:
        super().__init__(path)
        self.labels = labels
        self.compacted: tuple[str, list[str]] | None = None
        self.linking = threading.Event()
        self.linked_while_compacting = False

    def compact(self) -> None:
        self.compacted = (threading.current_thread().name, list(self.labels))
        # An ingest that waited for the compaction before linking never sets the event.
        self.linked_while_compacting = self.linking.wait(timeout=20)
        super().compact()


def test_the_store_compacts_while_the_text_index_and_the_links_are_made(
        tmp_path: Path) -> None:
    labels: list[str] = []
    store = _WatchedStore(tmp_path / "store", labels)

    def progress(label: str, total: int | None, unit: str):  # type: ignore[no-untyped-def]
        labels.append(label)
        if "link" in label:
            store.linking.set()
        return lambda n: None

    try:
        store.compact_after_quads = 1_000
        report = ingest(store, [EXAMPLES], progress=progress)  # type: ignore[arg-type]
    finally:
        store.close()
    assert store.compacted is not None
    thread, before = store.compacted
    # In a thread, begun before the text index and the links: the links read the store
    # while it compacts, which keeps both cores busy at the end of a large ingest.
    assert thread == "kg-compact_0"
    assert not [label for label in before if "link" in label], before
    assert store.linked_while_compacting
    assert report.links is not None and report.links.links > 0
    assert labels.index("linking articles to events") < labels.index("compacting the store")


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
