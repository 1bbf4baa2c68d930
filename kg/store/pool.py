"""The query worker pool: where queries on a store run, and how writes become visible to them.

``ProcessEngine`` (a store that takes checkpoints: an embedded store on disk): the process that
opened the store owns it and is its only writer. After every write request it takes a
checkpoint of the store with ``Store.backup`` — hard links to RocksDB's immutable files, so it
costs milliseconds — and queries run in a pool of worker processes that open the newest
checkpoint read-only. So:

- a query that overruns its time is stopped for real: its worker is killed (and a new one
  started in the background), the CPU is free at once, the caller gets QueryTimeout;
- readers get snapshot isolation: a checkpoint is taken only between write requests, so a
  query sees each write request whole or not at all, never half a document;
- many queries run at once, one per worker, while a write goes on.

``InlineEngine`` (a remote SPARQL store, or no workers wanted): queries run in the calling
process. A remote store enforces its own timeout; for a local store the deadline is best
effort: the caller gets QueryTimeout in time, but the abandoned query runs on to its end.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from kg.store.base import RawResult, Store
from kg.store.errors import QuerySyntaxError, StoreError
from kg.store.oxigraph import OxigraphStore
from kg.store.worker import QueryJob
from kg.store.worker import main as worker_main

WORKER_START_TIMEOUT = 60.0
_SNAPSHOT_PREFIX = "snapshot-"


class QueryTimeout(StoreError):
    """The query did not finish within the time allowed; its work was stopped."""


class EngineBusy(StoreError):
    """No query worker became free within the time allowed."""


class Engine:
    """What the endpoint uses: run queries, write, read a consistent view."""

    store: Store
    kind = "inline"

    def run(self, job: QueryJob, timeout: float) -> RawResult:
        """Run a query job within ``timeout`` seconds."""
        raise NotImplementedError

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold the write lock; what was written is visible to queries afterwards."""
        raise NotImplementedError
        yield self.store

    @contextlib.contextmanager
    def reading(self) -> Iterator[Store]:
        """A consistent read-only view of the store, for reads outside the query workers."""
        raise NotImplementedError
        yield self.store

    def status(self) -> dict[str, Any]:
        """What /health reports about the engine."""
        return {"engine": self.kind}

    def close(self) -> None:
        """Stop workers and remove checkpoints; the store itself is closed by its owner."""


class InlineEngine(Engine):
    """Queries in the server process: for remote stores, or when no workers are wanted."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._write_lock = threading.RLock()
        self._abandoned = 0

    def run(self, job: QueryJob, timeout: float) -> RawResult:
        """Run the job in a thread; past the deadline answer QueryTimeout and let it run out."""
        outcome: list[RawResult | BaseException] = []

        def target() -> None:
            try:
                outcome.append(job.run(self.store))
            except BaseException as exc:
                outcome.append(exc)

        thread = threading.Thread(target=target, name="kg-inline-query", daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            self._abandoned += 1
            raise QueryTimeout(
                f"the query did not finish within {timeout:g} s (this server runs queries "
                "in-process: the abandoned query still runs to its end)"
            )
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold the write lock while writing the live store."""
        with self._write_lock:
            yield self.store

    @contextlib.contextmanager
    def reading(self) -> Iterator[Store]:
        """The live store itself."""
        yield self.store

    def status(self) -> dict[str, Any]:
        """The engine kind and how many timed-out queries were left running."""
        return {"engine": self.kind, "abandoned_queries": self._abandoned}


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    pid: int
    generation: int | None = None


class ProcessEngine(Engine):
    """Queries in worker processes, on checkpoints of a store that takes them (on disk)."""

    kind = "process"

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 2,
        snapshot_dir: str | Path | None = None,
    ) -> None:
        if not store.supports_checkpoints or store.path is None:
            raise StoreError("worker processes need a store on disk")
        self.store = store
        self.size = max(1, workers)
        self._context = multiprocessing.get_context("spawn")
        parent = Path(snapshot_dir) if snapshot_dir else store.path.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        # Beside the store, so that the checkpoints can hard-link its files.
        self.folder = Path(tempfile.mkdtemp(prefix=".kg-snapshots-", dir=parent))
        self._write_lock = threading.RLock()
        self._lock = threading.Lock()
        self._generation = 0
        self._counter = itertools.count(1)
        self._path: Path | None = None
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._live: set[_Worker] = set()
        self._readers: dict[int, int] = {}
        self._reader_stores: dict[int, OxigraphStore] = {}
        self._closed = False
        self.killed = 0
        self.last_checkpoint_seconds = 0.0
        try:
            self._publish()
            for started in self._start_workers(self.size):
                self._idle.put(started)
        except BaseException:
            self.close()
            raise

    # -- workers

    def _start_workers(self, count: int) -> list[_Worker]:
        pending = []
        for _ in range(count):
            parent_conn, child_conn = self._context.Pipe()
            process = self._context.Process(
                target=worker_main, args=(child_conn,), name="kg-query-worker", daemon=True
            )
            process.start()
            child_conn.close()
            pending.append((process, parent_conn))
        started = []
        for process, conn in pending:
            if not conn.poll(WORKER_START_TIMEOUT):
                process.kill()
                process.join()
                raise StoreError("a query worker did not start")
            _, pid = conn.recv()
            started.append(_Worker(process, conn, pid))
        with self._lock:
            self._live.update(started)
        return started

    def _replace_later(self) -> None:
        def start() -> None:
            if self._closed:
                return
            try:
                (fresh,) = self._start_workers(1)
            except (StoreError, OSError):
                return
            if self._closed:
                self._stop(fresh)
            else:
                self._idle.put(fresh)

        threading.Thread(target=start, name="kg-worker-starter", daemon=True).start()

    def _stop(self, dead: _Worker, *, kill: bool = True) -> None:
        with self._lock:
            self._live.discard(dead)
        if kill:
            dead.process.kill()
        dead.process.join(5)
        with contextlib.suppress(OSError):
            dead.conn.close()

    def run(self, job: QueryJob, timeout: float) -> RawResult:
        """Run the job in an idle worker; kill the worker if it overruns ``timeout``.

        Waiting for an idle worker may take up to ``timeout`` too (then EngineBusy): the
        query's own time starts when a worker has it.
        """
        try:
            chosen = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise EngineBusy(
                f"all {self.size} query workers stayed busy for {timeout:g} s; try again later"
            ) from None
        deadline = time.monotonic() + timeout
        with self._lock:
            chosen.generation = self._generation
            message = (self._generation, str(self._path), job)
        try:
            chosen.conn.send(message)
            if not chosen.conn.poll(max(deadline - time.monotonic(), 0.0)):
                self.killed += 1
                self._stop(chosen)
                self._replace_later()
                raise QueryTimeout(
                    f"the query did not finish within {timeout:g} s and was stopped"
                )
            status, payload = chosen.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._stop(chosen)
            self._replace_later()
            raise StoreError(f"the query worker failed: {exc or type(exc).__name__}") from None
        self._idle.put(chosen)
        self._collect()
        if status == "ok":
            assert isinstance(payload, RawResult)
            return payload
        if status == "syntax":
            raise QuerySyntaxError(str(payload))
        raise StoreError(str(payload))

    # -- checkpoints

    def _publish(self) -> None:
        """Take a checkpoint of the store and make it the one new queries read."""
        path = self.folder / f"{_SNAPSHOT_PREFIX}{next(self._counter)}"
        started = time.perf_counter()
        self.store.backup(path)
        self.last_checkpoint_seconds = time.perf_counter() - started
        with self._lock:
            self._generation = int(path.name.removeprefix(_SNAPSHOT_PREFIX))
            self._path = path
        self._collect()

    def _collect(self) -> None:
        """Remove the checkpoints that no worker or reader has open any more."""
        doomed: list[Path] = []
        closing: list[OxigraphStore] = []
        with self._lock:
            in_use = {w.generation for w in self._live} | {self._generation}
            in_use |= {g for g, n in self._readers.items() if n > 0}
            for generation in list(self._reader_stores):
                if generation not in in_use:
                    closing.append(self._reader_stores.pop(generation))
                    self._readers.pop(generation, None)
            for path in self.folder.glob(f"{_SNAPSHOT_PREFIX}*"):
                number = path.name.removeprefix(_SNAPSHOT_PREFIX)
                # Newer than the current one: a checkpoint being written right now.
                if number.isdigit() and int(number) < self._generation and (
                    int(number) not in in_use
                ):
                    doomed.append(path)
        for reader in closing:
            reader.close()
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold the write lock; afterwards publish a new checkpoint, even if the write failed."""
        with self._write_lock:
            try:
                yield self.store
            finally:
                if not self._closed:
                    self._publish()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Store]:
        """The newest checkpoint, opened read-only, kept until the block ends."""
        with self._lock:
            generation, path = self._generation, self._path
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
            yield reader
        finally:
            with self._lock:
                self._readers[generation] -= 1
            self._collect()

    def status(self) -> dict[str, Any]:
        """Workers (their pids), the checkpoint generation, and how many were killed."""
        with self._lock:
            pids = sorted(w.pid for w in self._live)
            generation = self._generation
        return {
            "engine": self.kind,
            "workers": pids,
            "idle_workers": self._idle.qsize(),
            "killed_workers": self.killed,
            "checkpoint": generation,
            "checkpoint_seconds": round(self.last_checkpoint_seconds, 4),
        }

    def close(self) -> None:
        """Stop the workers, close the readers and remove the checkpoints."""
        self._closed = True
        with self._lock:
            workers = list(self._live)
            readers = list(self._reader_stores.values())
            self._reader_stores.clear()
        for each in workers:
            with contextlib.suppress(OSError, ValueError):
                each.conn.send(None)
        for each in workers:
            each.process.join(2)
            self._stop(each, kill=each.process.is_alive())
        for reader in readers:
            reader.close()
        shutil.rmtree(self.folder, ignore_errors=True)
