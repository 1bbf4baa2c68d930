"""The query worker pool: where queries on a store run, and how writes become visible to them.

``ProcessEngine`` (a store that takes checkpoints: an embedded store on disk): the process that
opened the store owns it and is its only writer. After every write request it takes a
checkpoint (:mod:`kg.store.checkpoints`), and queries run in a pool of worker processes that
open the newest checkpoint read-only. So:

- a query that overruns its time is stopped for real: its worker is killed (and a new one
  forked in the background), the CPU is free at once, the caller gets QueryTimeout;
- readers get snapshot isolation: a checkpoint is taken only between write requests, so a
  query sees each write request whole or not at all, never half a document;
- many queries run at once, one per worker, while a write goes on;
- cheap queries are not starved by slow ones (:mod:`kg.store.admission`): a query that runs
  past the fast budget moves to the slow lane, which has fewer places than there are workers,
  at a lower CPU priority (nice 10); one refused a place is stopped, and answered at once.

``InlineEngine`` (a remote SPARQL store, or no workers wanted): queries run in the calling
process. A remote store enforces its own timeout; for a local store the deadline is best
effort: the caller gets QueryTimeout in time, but the abandoned query runs on to its end.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from kg.store.admission import FAST, SLOW, Admission, EngineBusy, Limits, Ticket
from kg.store.base import RawResult, Store
from kg.store.checkpoints import Checkpoints
from kg.store.errors import QuerySyntaxError, StoreError
from kg.store.worker import QueryJob
from kg.store.worker import main as worker_main

__all__ = ["Engine", "EngineBusy", "InlineEngine", "ProcessEngine", "QueryTimeout"]

WORKER_START_TIMEOUT = 60.0
#: The niceness of a worker running a slow query: the CPU goes to the others first.
SLOW_NICE = 10
ANONYMOUS = "-"


class QueryTimeout(StoreError):
    """The query did not finish within the time allowed; its work was stopped."""


def job_key(job: QueryJob) -> Hashable:
    """What makes two jobs the same query for the slow-lane memory: text, dataset, bindings."""
    return (job.sparql, job.default_graphs, job.named_graphs, job.bindings)


class Engine:
    """What the endpoint uses: run queries, write, read a consistent view."""

    store: Store
    kind = "inline"

    def run(self, job: QueryJob, timeout: float, *, client: str = ANONYMOUS) -> RawResult:
        """Run a query job for ``client`` (its remote address) within ``timeout`` seconds."""
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

    def counts(self) -> tuple[int, int]:
        """Triples (of the default graph) and quads of the store, for /health."""
        with self.reading() as store:
            return store.triple_count(), store.quad_count()

    def status(self) -> dict[str, Any]:
        """What /health reports about the engine."""
        return {"engine": self.kind}

    def close(self) -> None:
        """Stop workers and remove checkpoints; the store itself is closed by its owner."""


class InlineEngine(Engine):
    """Queries in the server process: for remote stores, or when no workers are wanted."""

    def __init__(self, store: Store, *, concurrency: int = 8, capacity: int = 16) -> None:
        self.store = store
        self._write_lock = threading.RLock()
        self._abandoned = 0
        # Tokens, not workers: an abandoned query keeps its token until it really ends, so
        # a flood of slow queries cannot pile up threads in this process without bound.
        self.admission: Admission[int] = Admission(
            Limits(capacity=max(concurrency, capacity), slow_slots=0, per_client=1))
        for token in range(max(1, concurrency)):
            self.admission.add(token)

    def run(self, job: QueryJob, timeout: float, *, client: str = ANONYMOUS) -> RawResult:
        """Run the job in a thread; past the deadline answer QueryTimeout and let it run out."""
        ticket = self.admission.acquire(client, FAST, time.monotonic() + timeout)
        outcome: list[RawResult | BaseException] = []

        def target() -> None:
            try:
                outcome.append(job.run(self.store))
            except BaseException as exc:
                outcome.append(exc)
            finally:
                self.admission.release(ticket, ticket.worker)

        thread = threading.Thread(target=target, name="kg-inline-query", daemon=True)
        thread.start()
        thread.join(max(ticket.deadline - time.monotonic(), 0.0))
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
        return {"engine": self.kind, "abandoned_queries": self._abandoned,
                **self.admission.status()}


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    pid: int
    generation: int | None = None
    niced: bool = False


def _context() -> Any:
    """Fork new workers from a small server process that has imported the worker's modules:
    a few milliseconds each, where spawning runs the imports again (0.15 s of CPU), which
    matters when workers are killed and replaced under load."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.store.worker"])
    return context


class ProcessEngine(Engine):
    """Queries in worker processes, on checkpoints of a store that takes them (on disk)."""

    kind = "process"

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 2,
        snapshot_dir: str | Path | None = None,
        slow_workers: int = 0,
        slow_per_client: int = 0,
        capacity: int = 0,
        fast_budget: float = 1.0,
    ) -> None:
        if not store.supports_checkpoints or store.path is None:
            raise StoreError("worker processes need a store on disk")
        self.store = store
        self.size = max(1, workers)
        # Fewer slow places than workers, so slow queries never hold them all (one worker
        # alone is the exception: then it is both lanes).
        slow = slow_workers or max(1, self.size // 2)
        slow = max(1, min(slow, self.size - 1)) if self.size > 1 else 1
        self.fast_budget = fast_budget
        self.admission: Admission[_Worker] = Admission(Limits(
            capacity=capacity or 4 * self.size,
            slow_slots=slow,
            per_client=slow_per_client or max(1, slow // 2),
        ))
        self._context = _context()
        parent = Path(snapshot_dir) if snapshot_dir else store.path.resolve().parent
        self.checkpoints = Checkpoints(store, parent)
        self._write_lock = threading.RLock()
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        self._closed = False
        self.killed = 0
        try:
            self.checkpoints.publish()
            for started in self._start_workers(self.size):
                self.admission.add(started)
        except BaseException:
            self.close()
            raise

    @property
    def folder(self) -> Path:
        """The folder of this engine's checkpoints."""
        return self.checkpoints.folder

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
                self.admission.add(fresh)

        threading.Thread(target=start, name="kg-worker-starter", daemon=True).start()

    def _stop(self, dead: _Worker, *, kill: bool = True) -> None:
        with self._lock:
            self._live.discard(dead)
        if kill:
            dead.process.kill()
        dead.process.join(5)
        with contextlib.suppress(OSError):
            dead.conn.close()

    def _nice(self, worker: _Worker, slow: bool) -> bool:
        """Lower a worker's CPU priority for a slow query, or raise it back; False if the
        system refuses (only a privileged process may raise a priority)."""
        if worker.niced == slow:
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, worker.pid, SLOW_NICE if slow else 0)
        except OSError:
            return False
        worker.niced = slow
        return True

    # -- queries

    def run(self, job: QueryJob, timeout: float, *, client: str = ANONYMOUS) -> RawResult:
        """Run the job in a worker within ``timeout`` seconds of now, waiting included.

        It starts in the fast lane, or in the slow one if its text ran slow lately; past
        the fast budget it must move to the slow lane or stop (EngineBusy); past its deadline
        its worker is killed (QueryTimeout).
        """
        key = job_key(job)
        ticket = self.admission.acquire(client, self.admission.lane_for(key),
                                        time.monotonic() + timeout)
        worker = ticket.worker
        assert worker is not None
        try:
            status, payload = self._answer(ticket, worker, job, key, timeout)
        except BaseException:
            self.admission.release(ticket, None)
            self._replace_later()
            raise
        if worker.niced and not self._nice(worker, False):
            # It cannot be given its priority back: a fresh worker takes its place.
            self._stop(worker)
            self._replace_later()
            self.admission.release(ticket, None)
        else:
            self.admission.release(ticket, worker)
        self._collect()
        if status == "ok":
            assert isinstance(payload, RawResult)
            return payload
        if status == "syntax":
            raise QuerySyntaxError(str(payload))
        raise StoreError(str(payload))

    def _answer(self, ticket: Ticket[_Worker], worker: _Worker, job: QueryJob, key: Hashable,
                timeout: float) -> tuple[str, object]:
        """Send the job and wait for its answer; on any failure the worker is stopped."""
        try:
            generation, path = self.checkpoints.current()
            worker.generation = generation
            if ticket.lane == SLOW:
                self._nice(worker, True)
            worker.conn.send((generation, str(path), job, str(self.checkpoints.answers)))
            started = time.monotonic()
            budget_ends = started + self.fast_budget
            if ticket.lane == FAST and budget_ends < ticket.deadline and not worker.conn.poll(
                self.fast_budget
            ):
                reason = self.admission.promote(ticket)
                self.admission.remember(key, slow=True)
                if reason is not None:
                    raise EngineBusy(
                        f"the query ran past {self.fast_budget:g} s, the time a query has in "
                        f"the fast lane, and was stopped: {reason}. Sent again, it waits for "
                        "a place in the slow lane", retry_after=5)
                self._nice(worker, True)
            if not worker.conn.poll(max(ticket.deadline - time.monotonic(), 0.0)):
                raise QueryTimeout(
                    f"the query did not finish within {timeout:g} s and was stopped")
            answer: tuple[str, object] = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._stop(worker)
            raise StoreError(f"the query worker failed: {exc or type(exc).__name__}") from None
        except BaseException:
            self.killed += 1
            self._stop(worker)
            raise
        if ticket.lane == SLOW and time.monotonic() - started < self.fast_budget:
            self.admission.remember(key, slow=False)  # fast after all: the data changed
        return answer

    # -- checkpoints

    def _collect(self) -> None:
        with self._lock:
            in_use = [w.generation for w in self._live]
        self.checkpoints.collect(in_use)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold the write lock; afterwards publish a new checkpoint, even if the write failed."""
        with self._write_lock:
            try:
                yield self.store
            finally:
                if not self._closed:
                    self.checkpoints.publish()
                    self._collect()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Store]:
        """The newest checkpoint, opened read-only, kept until the block ends."""
        try:
            with self.checkpoints.reading() as (_, reader):
                yield reader
        finally:
            self._collect()

    def counts(self) -> tuple[int, int]:
        """Triples and quads of the newest checkpoint, counted once per checkpoint."""
        return self.checkpoints.counts()

    def status(self) -> dict[str, Any]:
        """Workers (their pids), the lanes, the checkpoint, and how many workers were killed."""
        with self._lock:
            pids = sorted(w.pid for w in self._live)
        return {
            "engine": self.kind,
            "workers": pids,
            "killed_workers": self.killed,
            "fast_budget_seconds": self.fast_budget,
            **self.admission.status(),
            "checkpoint": self.checkpoints.generation,
            "checkpoint_seconds": round(self.checkpoints.last_seconds, 4),
        }

    def close(self) -> None:
        """Stop the workers, close the readers and remove the checkpoints."""
        self._closed = True
        self.admission.take_idle()
        with self._lock:
            workers = list(self._live)
        for each in workers:
            with contextlib.suppress(OSError, ValueError):
                each.conn.send(None)
        for each in workers:
            each.process.join(2)
            self._stop(each, kill=each.process.is_alive())
        self.checkpoints.close()
