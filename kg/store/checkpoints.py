"""The checkpoints the query workers read: taken after writes, removed when unused.

A checkpoint is :meth:`Store.backup` of the store into a folder beside it (hard links to
RocksDB's immutable files, so it takes milliseconds); queries read the newest one. They live
in one folder per serving process, ``.kg-snapshots-<pid>-<random>``, removed at close. A
process killed before its close leaves its folder behind (60-130 MB each); the next process
that serves beside it removes the folders of processes that no longer run.

Large answers are written to ``answers/`` in the same folder, so they go with it too.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.store.base import Store
from kg.store.errors import StoreError
from kg.store.oxigraph import OxigraphStore
from kg.store.tempfiles import alive

FOLDER_PREFIX = ".kg-snapshots-"
_SNAPSHOT_PREFIX = "snapshot-"


def folder_owner(folder: Path) -> int | None:
    """The pid in a checkpoint folder's name, or None for a name without one."""
    head = folder.name.removeprefix(FOLDER_PREFIX).split("-", 1)[0]
    return int(head) if folder.name.startswith(FOLDER_PREFIX) and head.isdigit() else None


def remove_stale_folders(parent: Path) -> list[Path]:
    """Remove the checkpoint folders in ``parent`` whose owning process no longer runs.

    A folder named for a live pid stays, even when that pid was reused by another program:
    keeping a dead folder is the safe mistake. Folders without a pid in their name (from
    versions before the pid was in it) are left alone, as their owner cannot be told.
    """
    removed = []
    for folder in parent.glob(FOLDER_PREFIX + "*"):
        pid = folder_owner(folder)
        if pid is None or pid == os.getpid() or alive(pid) or not folder.is_dir():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


class Checkpoints:
    """The checkpoint folder of one serving process, and the read-only views on it."""

    def __init__(self, store: Store, parent: Path) -> None:
        if not store.supports_checkpoints or store.path is None:
            raise StoreError("checkpoints need a store on disk")
        self.store = store
        parent.mkdir(parents=True, exist_ok=True)
        self.removed_stale = remove_stale_folders(parent)
        # Beside the store, so that the checkpoints can hard-link its files.
        self.folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-",
                                            dir=parent))
        self.answers = self.folder / "answers"
        self.answers.mkdir()
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self.generation = 0
        self.path: Path | None = None
        self._readers: dict[int, int] = {}
        self._reader_stores: dict[int, OxigraphStore] = {}
        self._counts: tuple[int, int, int] | None = None  # generation, triples, quads
        self.last_seconds = 0.0

    def current(self) -> tuple[int, Path]:
        """The newest checkpoint: its generation and folder."""
        with self._lock:
            assert self.path is not None
            return self.generation, self.path

    def publish(self) -> None:
        """Take a checkpoint of the store and make it the one new queries read."""
        path = self.folder / f"{_SNAPSHOT_PREFIX}{next(self._counter)}"
        started = time.perf_counter()
        self.store.backup(path)
        self.last_seconds = time.perf_counter() - started
        with self._lock:
            self.generation = int(path.name.removeprefix(_SNAPSHOT_PREFIX))
            self.path = path

    def collect(self, in_use: Iterable[int | None]) -> None:
        """Remove the checkpoints that neither the workers (``in_use``) nor readers hold."""
        doomed: list[Path] = []
        closing: list[OxigraphStore] = []
        with self._lock:
            held = {g for g in in_use if g is not None} | {self.generation}
            held |= {g for g, n in self._readers.items() if n > 0}
            for generation in list(self._reader_stores):
                if generation not in held:
                    closing.append(self._reader_stores.pop(generation))
                    self._readers.pop(generation, None)
            for path in self.folder.glob(f"{_SNAPSHOT_PREFIX}*"):
                number = path.name.removeprefix(_SNAPSHOT_PREFIX)
                # Newer than the current one: a checkpoint being written right now.
                if number.isdigit() and int(number) < self.generation and (
                    int(number) not in held
                ):
                    doomed.append(path)
        for reader in closing:
            reader.close()
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)

    @contextlib.contextmanager
    def reading(self) -> Iterator[tuple[int, Store]]:
        """The newest checkpoint opened read-only (and its generation), kept for the block."""
        with self._lock:
            generation, path = self.generation, self.path
            self._readers[generation] = self._readers.get(generation, 0) + 1
            reader = self._reader_stores.get(generation)
        try:
            if reader is None:
                assert path is not None
                opened = OxigraphStore.read_only(path)
                with self._lock:
                    reader = self._reader_stores.setdefault(generation, opened)
                if reader is not opened:
                    opened.close()
            yield generation, reader
        finally:
            with self._lock:
                self._readers[generation] -= 1

    def counts(self) -> tuple[int, int]:
        """Triples and quads of the newest checkpoint, counted once per checkpoint.

        Counting scans the store (about 0.3 s per million quads), too slow to do for every
        /health; a checkpoint never changes, so its count is kept until the next one.
        """
        with self.reading() as (generation, store):
            cached = self._counts
            if cached is not None and cached[0] == generation:
                return cached[1], cached[2]
            triples, quads = store.triple_count(), store.quad_count()
        with self._lock:
            if self._counts is None or self._counts[0] < generation:
                self._counts = (generation, triples, quads)
        return triples, quads

    def close(self) -> None:
        """Close the readers and remove the folder."""
        with self._lock:
            readers = list(self._reader_stores.values())
            self._reader_stores.clear()
        for reader in readers:
            reader.close()
        shutil.rmtree(self.folder, ignore_errors=True)
