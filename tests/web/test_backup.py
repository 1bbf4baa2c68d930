"""kg backup and kg restore: a backup restored into a fresh store holds the same quads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.store import OxigraphStore, Store, StoreError, open_store
from kg.store.backup import DATASET, backup, restore
from tests.web.conftest import copy_store, serve


def quads(store: Store) -> set[str]:
    out = io.BytesIO()
    store.dump(out, "nquads")
    return set(out.getvalue().decode().splitlines())


def test_a_backup_restores_into_a_fresh_store_and_memory(example_store: Path,
                                                          tmp_path: Path) -> None:
    source = OxigraphStore.read_only(example_store)
    try:
        made = backup(source, tmp_path / "backup")
        expected = quads(source)
        counts = (source.triple_count(), source.quad_count())
    finally:
        source.close()
    assert made.quads == len(expected) and made.graphs > 10
    for url in (tmp_path / "fresh", "memory:"):
        with open_store(url) as fresh:
            restore(fresh, tmp_path / "backup")
            assert quads(fresh) == expected
            assert (fresh.triple_count(), fresh.quad_count()) == counts  # the merge rebuilt


def test_a_backup_is_taken_from_a_running_kg_serve(example_store: Path, tmp_path: Path) -> None:
    store = copy_store(example_store, tmp_path / "store")
    runner = CliRunner()
    with serve(store, log_dir=tmp_path) as server:
        taken = runner.invoke(cli, ["--store", server.url + "/sparql", "backup",
                                    str(tmp_path / "online")])
    assert taken.exit_code == 0, taken.output
    restored = runner.invoke(cli, ["--store", str(tmp_path / "restored"), "restore",
                                   str(tmp_path / "online")])
    assert restored.exit_code == 0, restored.output
    with open_store(tmp_path / "restored") as fresh, open_store(store) as original:
        assert quads(fresh) == quads(original)


def test_a_damaged_backup_or_a_full_store_is_refused(example_store: Path, tmp_path: Path) -> None:
    source = OxigraphStore.read_only(example_store)
    try:
        backup(source, tmp_path / "backup")
        with pytest.raises(StoreError, match="not empty"):
            backup(source, tmp_path / "backup")
    finally:
        source.close()
    with open_store("memory:") as full:
        restore(full, tmp_path / "backup")
        with pytest.raises(StoreError, match="not empty"):
            restore(full, tmp_path / "backup")
    data = tmp_path / "backup" / DATASET
    data.write_bytes(data.read_bytes().replace(b"Putin", b"Putim", 1))
    with open_store("memory:") as fresh, pytest.raises(StoreError, match="sha256"):
        restore(fresh, tmp_path / "backup")
