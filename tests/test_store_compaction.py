"""A first ingest written by the bulk loader ends by compacting the store (issue 14: reads of
the loader's files as written were 10-20% slower)."""

from __future__ import annotations

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
        assert store.bulk_written == 0 and not store.needs_compaction()
        triples = store.triple_count()
    with open_store(tmp_path / "store") as store:
        assert store.triple_count() == triples  # compacted, not changed


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
