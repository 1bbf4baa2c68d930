"""A query worker process: answers queries on read-only checkpoints of the store.

The pool (:mod:`kg.store.pool`) sends ``(generation, snapshot folder, job, answers folder)``;
the worker opens that snapshot (once per generation), runs the job and sends back
``("ok", RawResult)``, ``("syntax", message)`` or ``("error", message)``. An answer larger than
:data:`SPOOL_OVER` of a job that may be streamed is written to a file in the answers folder
and sent as a :class:`SpooledResult`: the server then streams it to the client in small
pieces instead of holding it whole (six readers of a large graph held 2.4 GB). It exits when
the pipe closes. A worker that overruns its time is killed by the pool, which is the point of
running queries here rather than in a thread. A worker whose server died (``kill -9``) exits at
once, whatever it runs: the server that would have stopped its query at the timeout is gone.

A worker cannot open network connections (``kg.sandbox``): pyoxigraph would answer a SERVICE
clause with an HTTP request of its own, and the server's refusal of SERVICE should not be the
only thing standing in the way.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from kg.sandbox import forbid_network
from kg.store.base import RawResult, Store
from kg.store.bindings import Binding
from kg.store.errors import QuerySyntaxError, StoreError
from kg.store.oxigraph import OxigraphStore

#: Answers larger than this many bytes go through a file when the job may be streamed.
SPOOL_OVER = 1024 * 1024


@dataclass(frozen=True)
class QueryJob:
    """One query to run, with its dataset, result formats and row cap."""

    sparql: str
    results_format: str = "json"
    graph_format: str = "turtle"
    default_graphs: tuple[str | None, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    bindings: tuple[tuple[str, Binding], ...] = ()
    max_rows: int | None = None
    base_iri: str | None = None
    #: The caller can send the answer from a file (a :class:`SpooledResult`).
    stream: bool = False

    def run(self, store: Store) -> RawResult:
        """Run on a store: a worker's snapshot, or the live store of an inline engine."""
        return store.query_raw(
            self.sparql,
            results_format=self.results_format,
            graph_format=self.graph_format,
            default_graphs=self.default_graphs,
            named_graphs=self.named_graphs,
            bindings=dict(self.bindings) or None,
            max_rows=self.max_rows,
            base_iri=self.base_iri,
        )


@dataclass(frozen=True)
class SpooledResult(RawResult):
    """An answer whose body is in the file ``path`` (``body`` is empty); its reader removes it."""

    path: str = ""


def spool(result: RawResult, folder: str | None) -> RawResult:
    """The result as a file in ``folder`` if it is large, so that it crosses no pipe whole."""
    if folder is None or len(result.body) <= SPOOL_OVER:
        return result
    descriptor, path = tempfile.mkstemp(prefix=f"answer-{os.getpid()}-", dir=folder)
    with os.fdopen(descriptor, "wb") as out:
        out.write(result.body)
    return SpooledResult(result.kind, result.media_type, b"", result.rows, result.truncated,
                         path=path)


def exit_with_server() -> None:
    """End this process as soon as the server that started it dies, whatever it is doing."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        # The sentinel becomes readable when the server's end of it closes: at its death,
        # kill -9 included. The pipe's EOF would tell only once the running query ended,
        # which for a query past its timeout may be never (the soak saw one run 75 s).
        wait([parent.sentinel])
        os._exit(1)  # nothing to save: an answer half-written goes with its checkpoint folder

    threading.Thread(target=watch, name="kg-worker-watch", daemon=True).start()


def main(conn: Connection) -> None:
    """The worker's loop; the entry point of the child process."""
    # First, before any query can run: the pipe to the server is AF_UNIX and keeps working.
    reason = forbid_network()
    if reason is not None:
        print(f"kg query worker: outbound connections are not blocked: {reason}",
              file=sys.stderr, flush=True)
    exit_with_server()  # its thread starts inside the sandbox, as every thread here
    # Ctrl-C in a terminal reaches the whole process group: the server stops its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: OxigraphStore | None = None
    generation: int | None = None
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        wanted, folder, job, answers = message
        try:
            if wanted != generation or store is None:
                if store is not None:
                    store.close()
                    store = None
                store = OxigraphStore.read_only(folder)
                generation = wanted
            result = job.run(store)
            reply: tuple[str, object] = ("ok", spool(result, answers if job.stream else None))
        except QuerySyntaxError as exc:
            reply = ("syntax", str(exc))
        except StoreError as exc:
            reply = ("error", str(exc))
        except Exception as exc:  # a bug must not kill the worker silently
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            break
    if store is not None:
        store.close()
