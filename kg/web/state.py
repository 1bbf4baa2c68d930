"""The endpoint's resources: the store, the query engine, the named queries. Owned per app."""

from __future__ import annotations

import atexit
import contextlib
import ipaddress
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from kg.pipeline import SOFTWARE_IRI, Finding, check_store
from kg.pipeline.resume import finish_interrupted
from kg.queries import NamedQuery, load_queries
from kg.store import (
    MEMORY_URL,
    Store,
    StoreError,
    is_memory_url,
    open_folder,
    open_store,
)
from kg.store.admission import Admission
from kg.store.pool import Engine, InlineEngine, ProcessEngine
from kg.store.tempfiles import remove_dead_previews

EXTENSION = "kg"


# The folder a memory: store is served from, named with the pid so that a dead one is found.
_MEMORY_PREFIX = "kg-memory-store-"


class State:
    """What the blueprints share: opened at app creation, closed at exit."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self._temporary: Path | None = None
        url = str(config["STORE"])
        with_workers = config["QUERY_WORKERS"] > 0
        if with_workers and is_memory_url(url):
            # Worker processes need the store on disk: memory: serves a temporary folder.
            remove_dead_previews(Path(tempfile.gettempdir()), prefix=_MEMORY_PREFIX)
            self._temporary = Path(tempfile.mkdtemp(prefix=f"{_MEMORY_PREFIX}{os.getpid()}-"))
            self.store: Store = open_folder(self._temporary / "store", url=MEMORY_URL)
        else:
            self.store = open_store(url)
        #: What was run again at start: derivations a killed command left halfway.
        self.resumed: list[str] = []
        try:
            if not self.store.remote:
                # As every command that opens a store to write: a derivation that died halfway
                # is run again, before the workers' first checkpoint. (A remote store is its
                # own server's to keep.)
                try:
                    self.resumed = finish_interrupted(self.store, software=SOFTWARE_IRI)
                except StoreError as exc:  # serve what there is; /health tells the rest
                    self.resumed = [f"a derivation left halfway could not run again: {exc}"]
            self.engine: Engine
            # Workers stop an overrunning query by being killed; they query checkpoints.
            if with_workers and self.store.supports_timeouts and self.store.supports_checkpoints:
                self.engine = ProcessEngine(
                    self.store,
                    workers=config["QUERY_WORKERS"],
                    snapshot_dir=config["SNAPSHOT_DIR"],
                    slow_workers=config["SLOW_WORKERS"],
                    slow_per_client=config["SLOW_PER_CLIENT"],
                    capacity=query_capacity(config["THREADS"]),
                    fast_budget=config["FAST_BUDGET"],
                )
            else:
                self.engine = InlineEngine(self.store,
                                           capacity=query_capacity(config["THREADS"]))
        except BaseException:
            self.store.close()
            raise
        folder = Path(config["QUERIES_DIR"]) if config["QUERIES_DIR"] else None
        self.queries: dict[str, NamedQuery] = load_queries(folder)
        self.closed = False
        self.checks: list[Finding] = []
        self.recheck(self.store)

    def recheck(self, store: Store) -> None:
        """Run the cheap part of `kg check` again (derived data current, no leftovers), for
        /health: at start and after each write. The merge scan reads the whole store and is
        left to `kg check`."""
        try:
            self.checks = check_store(store, scan=False)
        except StoreError as exc:
            self.checks = [Finding("checks", False, f"could not run: {exc}")]

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold the write lock for a client's write of documents, the derived data's records
        kept true: the one way the web writes.

        A write that derives nothing (an update, a Graph Store write or delete) marks every
        current derivation stale just before it commits (:func:`kg.derivation.stale_while`, in
        :mod:`kg.validate.writes`), as ingest does before its first document, so that a crash
        at any point leaves them stale, never wrongly current, and a write refused before it
        commits writes nothing; the next `kg infer`, `kg link` or `kg check --repair` makes
        them current again.
        """
        with self.engine.writing() as store:
            try:
                yield store
            finally:
                self.recheck(store)

    def hold_slow_place(self, client: str) -> Callable[[], None]:
        """A place in the slow lane for a whole-store read done outside the workers (/export);
        returns what releases it (again does nothing). EngineBusy if there is none."""
        admission: Admission[Any] | None = getattr(self.engine, "admission", None)
        if admission is None:
            return lambda: None
        ticket = admission.hold(client)
        return lambda: admission.release(ticket, None)

    @property
    def remote(self) -> bool:
        """Whether the store is another SPARQL server."""
        return self.store.remote

    def close(self) -> None:
        """Stop the engine, close the store, remove a temporary store folder."""
        if self.closed:
            return
        self.closed = True
        self.engine.close()
        self.store.close()
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)


def query_capacity(threads: int) -> int:
    """How many requests may hold a thread for a query, running or waiting: a quarter of the
    request threads (at least two) stay free, so /health and pages never wait behind
    queries, and no request waits in the server's own queue, outside every timeout."""
    return max(1, threads - max(2, threads // 4))


def init_app(app: Flask) -> None:
    """Open the store and start the engine for ``app``; close them when the process exits."""
    check_update_settings(app.config)
    state = State(app.config)
    app.extensions[EXTENSION] = state
    atexit.register(state.close)


def check_update_settings(config: dict[str, Any]) -> None:
    """Refuse tokenless writes unless the server listens on loopback only."""
    if config["ALLOW_UPDATE"] and config["NO_UPDATE_TOKEN"] and not is_loopback(config["HOST"]):
        raise StoreError(
            f"updates without a token are refused on {config['HOST']}: it is not a loopback "
            "address (give --update-token, or bind 127.0.0.1)"
        )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    return False


def get_state() -> State:
    """The resources of the current app."""
    state = current_app.extensions[EXTENSION]
    assert isinstance(state, State)
    return state


def close_app(app: Flask) -> None:
    """Release the app's store and workers now (tests; otherwise it happens at exit)."""
    state = app.extensions.get(EXTENSION)
    if isinstance(state, State):
        state.close()
