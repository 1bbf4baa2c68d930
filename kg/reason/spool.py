"""The triples a run adds to the inferred graph, held and written in bulk when the run ends."""

from __future__ import annotations

import typing
from collections.abc import Iterable

import pyoxigraph as ox

from kg.rdffile import has_blank_node
from kg.reason.graph import INFERRED_GRAPH
from kg.store import Store
from kg.store.tempfiles import remove_dead_leftovers, temp_file, temp_folder

_SPOOL_CHUNK = 20_000  # triples a run adds in one transaction; more are bulk-loaded
_SPOOL_FILE_TRIPLES = 250_000  # triples per bulk load


class Spool:
    """The triples a run adds to the inferred graph, written when the run ends.

    Up to a chunk they are kept in memory and added in one transaction; beyond, they go to
    temporary N-Triples files that the store bulk-loads (at 10k events 4 s against 22 s of
    transactions for the 335k triples of a first run), where the store keeps its temporary
    files (:mod:`kg.store.tempfiles`: in its folder, named by this process). Each file holds
    at most ``_SPOOL_FILE_TRIPLES``: the bulk loader holds a file's triples in memory (at 100k
    events, 3.3M triples in one file took it past 3 GB). Triples with a blank node are
    added at once: a file would make their blank nodes new ones.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        remove_dead_leftovers(temp_folder(store))  # what killed runs left, for a remote store
        self.pending: list[ox.Triple] = []
        self.files: list[typing.IO[str]] = []
        self.in_file = 0  # triples in the last file

    def __enter__(self) -> Spool:
        return self

    def add(self, triples: Iterable[ox.Triple]) -> int:
        """Spool these triples; returns how many."""
        count = 0
        blank = []
        for t in triples:
            count += 1
            if has_blank_node(t):
                blank.append(t)
                continue
            self.pending.append(t)
            if len(self.pending) >= _SPOOL_CHUNK:
                self._write()
        if blank:
            self.store.add_triples(INFERRED_GRAPH, blank)
        return count

    def _write(self) -> None:
        if not self.files or self.in_file >= _SPOOL_FILE_TRIPLES:
            self.files.append(temp_file(self.store, "inferred", ".nt"))  # closed in __exit__
            self.in_file = 0
        self.files[-1].writelines(f"{t} .\n" for t in self.pending)
        self.in_file += len(self.pending)
        self.pending = []

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        try:
            if exc_type is not None:
                return
            if not self.files:
                self.store.add_triples(INFERRED_GRAPH, self.pending)
                return
            if self.pending:
                self._write()
            for file in self.files:
                file.flush()
                self.store.load_triples(INFERRED_GRAPH, file.name)
        finally:
            for file in self.files:
                file.close()  # and so deleted
