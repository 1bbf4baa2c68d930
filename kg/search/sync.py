"""Which text index a store has, and keeping it derived from the store's documents: written
in the same ingest as the documents, checked and made again whole by ``kg reindex``."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.progress import Progress, no_progress
from kg.search.index import Hit, IndexUnavailable, SearchError, TextIndex
from kg.search.spool import FactSpool
from kg.search.things import (
    CHUNK,
    KINDS,
    Thing,
    documents_in,
    has_documents,
    spool_store,
    stored_documents,
    things_in_graphs,
    things_in_triples,
    things_of,
)
from kg.store import OxigraphStore, Store, StoreError
from kg.store.tempfiles import temp_folder
from kg.terms import Triple

#: The text index's file in an embedded store's folder (RocksDB leaves other files alone).
INDEX_FILE = "kg-index.sqlite"
#: An ingest that writes more documents than this (or than a quarter of those indexed)
#: makes the index again whole at its end.
REBUILD_FROM = 500

_open: dict[int, TextIndex] = {}  # by id(store), forgotten when the store is collected
# Reentrant: a store left in a reference cycle is freed by the garbage collector, which runs
# its finalizer (_forget) on whatever thread allocates at that moment, this one too while it
# holds the lock in index_for (an ingest hung there for good).
_opening = threading.RLock()


def index_for(store: Store) -> TextIndex | None:
    """The text index of a store: the file :data:`INDEX_FILE` in the folder of an embedded
    store, one in memory for an embedded store in memory, and for another store (a remote
    one) the one given to :func:`use_index` (None without it)."""
    with _opening:
        index = _open.get(id(store))
        if index is not None or not isinstance(store, OxigraphStore):
            return index
        index = TextIndex(store.path / INDEX_FILE if store.path is not None else None)
        _remember(store, index)
    if not index.built and not has_documents(store):
        index.mark_built()  # an empty store's index is complete as it is
    return index


def use_index(store: Store, path: str | os.PathLike[str]) -> TextIndex:
    """Make the SQLite file ``path`` the text index of ``store`` (a remote store has none of
    its own); created if it does not exist."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    index = TextIndex(target)
    with _opening:
        previous = _open.pop(id(store), None)
        if previous is not None:
            previous.close()
        _remember(store, index)
    if not index.built and not has_documents(store):
        index.mark_built()
    return index


def _remember(store: Store, index: TextIndex) -> None:
    key = id(store)
    _open[key] = index
    weakref.finalize(store, _forget, key, index)


def _forget(key: int, index: TextIndex) -> None:
    with _opening:
        if _open.get(key) is index:
            del _open[key]
    index.close()


def require_index(store: Store) -> TextIndex:
    """The store's text index, built; SearchError saying what to do if there is none."""
    index = index_for(store)
    if index is None:
        raise IndexUnavailable(f"the store {store.url} has no text index: a remote store "
                               "needs one given with --index PATH (or KG_INDEX), built by "
                               "kg reindex")
    if not index.built:
        raise IndexUnavailable(f"the text index of {store.url} is not built: run `kg reindex`")
    return index


def search(store: Store, text: str, *, kinds: Sequence[str] = KINDS,
           limit: int = 20) -> list[Hit]:
    """Search the store's text index: the best ``limit`` things of these kinds, with snippets."""
    return require_index(store).search(text, kinds=kinds, limit=limit)


# -- keeping it current -------------------------------------------------------------------------

@dataclass(frozen=True)
class IndexReport:
    """What a reindex made, or what a check found."""

    index: str
    things: int
    documents: int
    seconds: float = 0.0
    size: int | None = None  # bytes of the file, None in memory
    missing: int = 0  # document graphs of the store the index was not derived from
    extra: int = 0  # document graphs the index was derived from that the store lacks
    changed: int = 0  # document graphs whose content changed since
    built: bool = True
    pending: bool = False

    @property
    def current(self) -> bool:
        """Whether the index was derived from the store's documents as they are now."""
        return self.built and not self.pending and not (self.missing or self.extra
                                                        or self.changed)


def reindex(
    store: Store, index: TextIndex | None = None, *, progress: Progress = no_progress
) -> IndexReport:
    """Make the text index again, whole, from the documents in the store."""
    index = index or index_for(store)
    if index is None:
        raise IndexUnavailable(f"the store {store.url} has no text index: give one with "
                               "--index PATH (or KG_INDEX)")
    started = time.perf_counter()
    documents = stored_documents(store)
    with _spool(store) as spool:
        spool_store(store, spool, progress=progress)
        index.rebuild(spool.things(), documents,
                      progress("writing the text index", spool.count(), "things"))
    return IndexReport(_name(index), index.count(), len(documents),
                       round(time.perf_counter() - started, 2), _size(index))


def check_index(store: Store, index: TextIndex | None = None) -> IndexReport:
    """Whether the text index was derived from the store's documents as they are now."""
    index = index or require_index(store)
    ours, theirs = index.documents(), stored_documents(store)
    return IndexReport(
        _name(index), index.count(), len(theirs), size=_size(index),
        missing=len(theirs.keys() - ours.keys()), extra=len(ours.keys() - theirs.keys()),
        changed=sum(1 for g in ours.keys() & theirs.keys() if ours[g] != theirs[g]),
        built=index.built, pending=index.pending)


def _spool(store: Store) -> FactSpool:
    """A scratch file for the facts of a whole index, among the store's temporary files."""
    return FactSpool(temp_folder(store), f"kg-spool-{os.getpid()}-")


def _name(index: TextIndex) -> str:
    return str(index.path or "memory")


def _size(index: TextIndex) -> int | None:
    """Bytes of the index's files (the database and its write-ahead log)."""
    path = index.path
    if path is None:
        return None
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def ensure_current(store: Store, documents: Mapping[str, str] | None = None, *,
                   progress: Progress = no_progress) -> bool:
    """Make the index again if it was not derived from the documents the store holds (never
    built, an ingest that died halfway, or documents written by other means); returns
    whether it did. ``documents``: the store's, with their fingerprints, if already read."""
    index = index_for(store)
    if index is None:
        return False
    if documents is None:
        documents = stored_documents(store)
    if index.built and not index.pending and index.documents() == documents:
        return False
    reindex(store, index, progress=progress)
    return True


class IndexWriter:
    """The text index's side of one ingest: what each write of documents touches is noted,
    and the entries of those things are made again once, at the end (:meth:`finish`).

    The first write marks the index begun; the end clears the mark. An ingest that dies in
    between leaves it, and the next one (:func:`ensure_current`) makes the index again. An
    ingest that writes many documents (a quarter of the index's, or :data:`REBUILD_FROM`)
    makes it again whole at the end: one scan of the store costs less than a lookup per thing.
    """

    def __init__(self, store: Store, documents: Mapping[str, str] | None = None, *,
                 progress: Progress = no_progress) -> None:
        self.store = store
        self.index = index_for(store)
        if self.index is not None:
            ensure_current(store, documents, progress=progress)
        self._reset()

    def _reset(self) -> None:
        self._begun = False
        self._affected: set[str] | None = set()  # None: too many, the index is made again
        self._documents: dict[str, str | None] = {}
        known = self.index.document_count() if self.index is not None else 0
        self._most = max(REBUILD_FROM, known // 4)
        # An index of no documents (a new store): the entries are gathered from what is
        # written, as it is written, rather than read back from the store at the end (at
        # 1,000 events that read was 1.5 s of an ingest's 38). Given up if a graph is written
        # twice or dropped: what it held before would still be among the gathered facts.
        # Spooled to disk, not held: the facts of a 100k-event ingest are gigabytes in Python.
        self._gather = self.index is not None and known == 0
        self._gathered: FactSpool | None = None  # made at the first write
        self._written: set[str] = set()

    @contextlib.contextmanager
    def writing(self, graphs: Mapping[str, Sequence[Triple]]) -> Iterator[None]:
        """Around a write of whole graphs (``[]``: dropped): the things the old graphs
        described are read before it, and the things of the new ones noted after it."""
        index = self.index
        if index is None:
            yield
            return
        try:
            replaced = index.known_documents(graphs) if self._affected is not None else []
            before = things_in_graphs(self.store, replaced)
            if not self._begun:
                index.begin()
                self._begun = True
        except SearchError as exc:
            raise StoreError(f"cannot write the text index: {exc}") from None
        yield  # a write that fails wrote nothing (it is atomic): nothing to note
        if self._gather:
            if self._written.intersection(graphs) or not all(graphs.values()):
                self.close()
            else:
                if self._gathered is None:
                    self._gathered = _spool(self.store)
                self._written.update(graphs)
                self._gathered.add(*graphs.values())
        self._documents.update(documents_in(graphs))
        if self._affected is not None and len(self._documents) > self._most:
            self._affected = None
        if self._affected is not None:
            self._affected |= before
            self._affected |= things_in_triples(t for triples in graphs.values()
                                                for t in triples)

    def finish(self, *, progress: Progress = no_progress) -> None:
        """Make the entries of what the ingest wrote again, and clear the index's mark."""
        index = self.index
        if index is None or not self._begun:
            return
        try:
            if self._gathered is not None:
                self._rebuild_gathered(index, self._gathered, progress)
            elif self._affected is None:
                reindex(self.store, index, progress=progress)
            else:
                affected = sorted(self._affected)
                advance = progress("indexing what was written", len(affected), "things")
                things: list[Thing] = []
                for start in range(0, len(affected), CHUNK):
                    things += things_of(self.store, affected[start:start + CHUNK])
                    advance(len(affected[start:start + CHUNK]))
                index.update(things, self._affected - {t.iri for t in things}, self._documents)
        except SearchError as exc:
            raise StoreError(f"the documents are stored but the text index could not be "
                             f"written ({exc}): run `kg reindex`") from None
        finally:
            self.close()
        self._reset()

    def close(self) -> None:
        """Remove the facts gathered so far (the ingest is over, or gave up)."""
        self._gather = False
        if self._gathered is not None:
            self._gathered.close()
            self._gathered = None

    def _rebuild_gathered(self, index: TextIndex, gathered: FactSpool,
                          progress: Progress) -> None:
        """Make the index as :func:`reindex` would, from the facts gathered as they were
        written and from the other graphs (the ontology, the records of derived data), the
        only ones the store held besides them: its default graph is their merge."""
        for graph in self.store.named_graphs():
            if graph not in self._written:
                gathered.add(self.store.graph_triples(graph))
        documents = {g: f for g, f in self._documents.items() if f is not None}
        index.rebuild(gathered.things(), documents, progress("writing the text index",
                                                             gathered.count(), "things"))
