"""The embedded backend: an Oxigraph store in a folder (RocksDB) or in memory.

Its URLs: a folder, ``oxigraph:PATH``, a ``file:`` URL, or ``memory:``. Only an embedded store
on disk takes checkpoints (:meth:`OxigraphStore.backup`), which query workers open read-only
(:mod:`kg.store.pool`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

import kg.store.bulk as bulk
import kg.store.merge as merge
from kg.rdffile import has_blank_node
from kg.sparql.analysis import UpdatePlan
from kg.store.answers import _ox_triple, _raw_result, _result, dump_quads
from kg.store.base import QueryResult, RawResult, Store
from kg.store.bindings import (
    Binding,
    _as_term,
    _graph_node,
    _variable_name,
    _with_values,
    dataset_options,
    has_alternatives,
)
from kg.store.errors import QuerySyntaxError, StoreClosed, StoreError, query_errors
from kg.store.fault import wrote
from kg.store.preview import preview_on_copy
from kg.store.quads import load_quads, new_graph_data, prepare_graphs, store_term
from kg.store.recovery import recovering
from kg.store.tempfiles import (
    TEMP_FOLDER,
    remove_dead_leftovers,
)
from kg.terms import Triple
from kg.vocab import PREFIXES

_FLUSH_EVERY_QUADS = 250_000

#: The name of the store in memory.
MEMORY_URL = "memory:"

_OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class OxigraphStore(Store):
    """An embedded Oxigraph store: RocksDB in a folder, or in memory when ``path`` is None.

    A folder can be open in only one process at a time; to share it, serve it with
    ``oxigraph serve --location PATH`` and open the server's URL instead.
    """

    _writable = True  # False for the stores read_only() opens
    _broken = False  # a reopen after a failed write failed too: the next use tries again
    #: Graphs of at most this many quads in all are written by the bulk loader (kg.store.bulk);
    #: above, by one transaction. Oxigraph's loader ingests up to a million quads as one set
    #: of files, seen whole by a concurrent reader; past that, only the marker keeps it whole.
    bulk_quads = 500_000
    #: Quads this process bulk-wrote after which the store :meth:`needs_compaction`: the
    #: loader leaves its files as written, and reads were 10-20% slower on them.
    compact_after_quads = 1_000_000
    bulk_written = 0  # quads the bulk loader wrote since the store was last compacted

    def __init__(self, path: str | os.PathLike[str] | None, *, url: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.url = url or (os.fspath(path) if path is not None else MEMORY_URL)
        self._store: ox.Store | None
        # Held while the bulk loader writes, so that no checkpoint is taken halfway.
        self._bulk_guard = threading.Lock()
        if path is None:
            self._store = ox.Store()
            return
        try:
            self._store = ox.Store(os.fspath(path))
        except OSError as exc:
            detail = str(exc)
            if "lock" in detail.lower():
                raise StoreError(
                    f"cannot open the store at {path}: it is in use by another process "
                    "(or already open in this one). If that is `kg serve`, send documents to "
                    "its /ingest (curl -H 'Authorization: Bearer TOKEN' -F file=@page.md "
                    "http://HOST:PORT/ingest) and query it at /sparql; else stop that "
                    "process, or serve the folder with `oxigraph serve` and use its URL. "
                    f"({detail})"
                ) from None
            raise StoreError(f"cannot open the store at {path}: {detail}") from None
        # Open for writing: what killed writers left in the store's temporary folder goes,
        # and so does a bulk write that a killed writer did not finish.
        remove_dead_leftovers(Path(path) / TEMP_FOLDER)
        self._undo_interrupted_bulk()

    @classmethod
    def read_only(cls, path: str | os.PathLike[str]) -> OxigraphStore:
        """Open, for reading only, a store folder that no process writes, such as a backup.

        Many processes may open the same folder so at once; writing through it fails.
        """
        self = cls.__new__(cls)
        self.path = Path(path)
        self.url = f"{os.fspath(path)} (read-only)"
        self._writable = False
        self._bulk_guard = threading.Lock()
        try:
            self._store = ox.Store.read_only(os.fspath(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path} for reading: {exc}") from None
        return self

    @property
    def supports_checkpoints(self) -> bool:
        """On disk: :meth:`backup` writes a folder that :meth:`read_only` opens elsewhere."""
        return self.path is not None

    @property
    def supports_timeouts(self) -> bool:
        """On disk: worker processes can query its checkpoints, and be killed at a deadline."""
        return self.supports_checkpoints

    @recovering
    def backup(self, target: str | os.PathLike[str]) -> None:
        """Write a consistent copy of the store into the new folder ``target``.

        On the same file system the copy hard-links the store's immutable files, so it is
        cheap: the cost is mostly flushing what was written since the last one.
        """
        if self.path is None:
            raise StoreError("an in-memory store cannot be backed up to a folder")
        try:
            with self._bulk_guard:
                self._open().backup(os.fspath(target))
        except OSError as exc:
            raise StoreError(f"cannot back up the store to {target}: {exc}") from None

    @recovering
    def preview_update(
        self, body: str, plan: UpdatePlan, graphs: Sequence[str], *, base_iri: str | None = None
    ) -> dict[str, list[Triple]] | None:
        """What ``graphs`` would hold after a client's update, run on a checkpoint of the store.

        The checkpoint hard-links the store's files beside it and is removed afterwards (a
        killed process leaves one named with its pid, removed by the next preview).
        """
        if self.path is None:
            return None
        update_text = merge.client_update(body, plan, base_iri=base_iri)
        return preview_on_copy(self.backup, self.path.parent, update_text, graphs)

    # Methods call _open() each time rather than keep the pyoxigraph store in a local: a
    # traceback that outlives an error keeps its frames' locals, and a store kept alive that
    # way would hold the folder lock after close().
    def _reopen(self) -> None:
        """Close and open the store again: RocksDB's way out of a failed write."""
        assert self.path is not None
        self._store = None  # the RocksDB lock goes with the last reference
        self._broken = True  # until it opens: reopening writes too, and can fail the same way
        try:
            self._store = ox.Store(os.fspath(self.path))
        except OSError as exc:
            raise StoreError(f"cannot reopen the store at {self.path}: {exc}") from None
        self._undo_interrupted_bulk()  # a bulk write that failed and could not be undone then
        self._broken = False

    def _undo_interrupted_bulk(self) -> None:
        """Drop the graphs of a bulk write that did not finish, and make the default graph
        the merge again (:mod:`kg.store.bulk`); nothing if none was left."""
        assert self.path is not None
        graphs = bulk.interrupted(self.path)
        if graphs is None:
            return
        # Not through _write: this runs inside a reopen, which _write's recovery would repeat.
        update_text = "".join(merge._drops(graphs)) + merge.repair_update()
        try:
            self._open().update(update_text)
        except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
            raise StoreError(f"cannot undo an interrupted bulk write in {self.path}: "
                             f"{exc}") from None
        self._wrote("update")
        bulk.complete(self.path)

    def _open(self) -> ox.Store:
        if self._store is None and self._broken:
            self._reopen()
        if self._store is None:
            raise StoreClosed(f"the store {self.url} is closed")
        return self._store

    @recovering
    def _write(self, update_text: str) -> None:
        try:
            self._open().update(update_text)
        except SyntaxError as exc:
            raise merge._refused(update_text, exc) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise StoreError(f"the store failed to write, nothing was written: {exc}") from None
        self._wrote("update")
        self._written(update_text.count("\n"))

    def _wrote(self, kind: str) -> None:
        """Count a write for fault injection (kg.store.fault): a store on disk's alone, since
        a store in memory (the gate's, the context's) keeps nothing a crash could break."""
        if self.path is not None:
            wrote(kind)

    def _written(self, quads: int) -> None:
        """Flush RocksDB's write buffers now and then.

        Left alone, they grew with everything written in the process: 1.7 GB of memory for an
        ingest of 10k events, against a flat 150 MB when flushed every few hundred thousand quads.
        """
        self._unflushed = getattr(self, "_unflushed", 0) + quads
        if self._unflushed >= _FLUSH_EVERY_QUADS and self.path is not None:
            self._unflushed = 0
            with contextlib.suppress(OSError):
                self._open().flush()

    @recovering
    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Atomically, for each named graph IRI: drop it, then insert these triples."""
        # One SPARQL update is one Oxigraph transaction. Measured against dropping with
        # remove_graph and adding pyoxigraph Quads with extend (two transactions, so not atomic),
        # it is as fast: writing the terms as text costs less than building pyoxigraph terms.
        if not graphs:
            return
        if all(triples for triples in graphs.values()) and not any(
            self._open().contains_named_graph(_graph_node(g)) for g in graphs
        ):
            # Only new graphs: nothing to drop, so the named graphs and their merge into the
            # default graph are added in one go: one load (one transaction) at twice the
            # speed of an update, or on disk the bulk loader, 2.7x faster again. Graphs
            # prepared for it (kg.store.quads) are read from their text.
            data, count = new_graph_data(graphs)
            if self.path is not None and count <= self.bulk_quads:
                self._bulk(list(graphs), data, count)
            else:
                self._extend(data, count)
        else:
            self._write(merge._replace_update(graphs))

    def prepare_graphs(self, graphs: Mapping[str, list[Triple]]) -> Mapping[str, list[Triple]]:
        """The graphs with their text made once (StoreError for a term Oxigraph refuses)."""
        return prepare_graphs(graphs)

    def _bulk(self, graphs: list[str], data: str | list[ox.Quad], count: int) -> None:
        """Write new graphs' quads (or their N-Quads) with the bulk loader, between the marks
        of kg.store.bulk."""
        assert self.path is not None

        def load() -> None:
            load_quads(self._open(), data, bulk=True)
            self.bulk_written += count

        with self._bulk_guard:
            bulk.write(self.path, graphs, load, self._undo_interrupted_bulk)

    def _extend(self, data: str | list[ox.Quad], count: int) -> None:
        """Add quads (or N-Quads) in one transaction."""
        try:
            load_quads(self._open(), data, bulk=False)
        except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
            raise StoreError(f"the store failed to write, nothing was written: {exc}") from None
        self._wrote("extend")
        self._written(count)

    @recovering
    def drop_graphs(self, graph_iris: Iterable[str]) -> None:
        """Drop these named graphs, atomically; unknown graphs are ignored."""
        drops = merge._drops(graph_iris)
        if drops:
            self._write("".join(drops))

    def stream_triples(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples a CONSTRUCT query gives, streamed as pyoxigraph terms (repeats possible)."""
        with query_errors("query"):
            answer = self._open().query(sparql)
            if not isinstance(answer, ox.QueryTriples):
                raise StoreError("stream_triples needs a CONSTRUCT or DESCRIBE query")
            yield from answer

    @recovering
    def add_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> None:
        """Add triples to a named graph, and so to the default graph; a transaction per chunk."""
        graph, default = _graph_node(graph_iri), ox.DefaultGraph()
        todo = list(triples)
        for start in range(0, len(todo), merge._CHUNK_TRIPLES):
            quads = [ox.Quad(t.subject, t.predicate, t.object, g)
                     for t in todo[start:start + merge._CHUNK_TRIPLES] for g in (graph, default)]
            try:
                self._open().extend(quads)
            except (OSError, RuntimeError, ValueError) as exc:
                raise StoreError(f"the store failed to write: {exc}") from None
            self._wrote("extend")
            self._written(len(quads))

    @recovering
    def load_triples(self, graph_iri: str, path: str | os.PathLike[str]) -> None:
        """Add the triples of an N-Triples file to a named graph, and so to the default graph.

        With Oxigraph's bulk loader: several times faster than transactions, and reads
        afterwards stay as fast (unlike many small bulk writes). Not atomic: the named graph
        is loaded first, so that an interrupted load leaves no triple in the default graph
        that no named graph holds, only some the default graph lacks (see
        :meth:`Store.repair_merge`). A blank node in the file is a new one.
        """
        try:
            for graph in (_graph_node(graph_iri), ox.DefaultGraph()):
                self._open().bulk_load(path=os.fspath(path), format=ox.RdfFormat.N_TRIPLES,
                                       to_graph=graph)
                self._wrote("bulk-load")
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"the store failed to load {path}: {exc}") from None

    @recovering
    def remove_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> set[ox.Triple]:
        """Remove triples from a named graph, and from the default graph those no other holds.

        Returns the removed triples that stay in the default graph because another named graph
        holds them. Each chunk of triples is removed from both graphs in one SPARQL update; a
        triple with a blank node, which SPARQL cannot name, from the default graph first and
        then from the named graph, so that an interruption leaves no orphan in the default graph.
        """
        kept: set[ox.Triple] = set()
        named = [t for t in triples if not has_blank_node(t)]
        for check, update_text in merge._remove_steps(graph_iri, named):
            kept.update(self.stream_triples(check))
            self._write(update_text)
        blank = [t for t in triples if has_blank_node(t)]
        try:
            kept.update(merge.remove_blank_node_triples(self._open(), graph_iri, blank))
        except (OSError, RuntimeError, ValueError) as exc:
            raise StoreError(f"the store failed to write: {exc}") from None
        return kept

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        """The triples of one named graph."""
        try:
            quads = self._open().quads_for_pattern(None, None, None, _graph_node(graph_iri))
            return [_ox_triple(q) for q in quads]
        except OSError as exc:
            raise StoreError(f"cannot read graph <{graph_iri}>: {exc}") from None

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        try:
            graphs = self._open().named_graphs()
            return sorted(g.value for g in graphs if isinstance(g, ox.NamedNode))
        except OSError as exc:
            raise StoreError(f"cannot list the named graphs: {exc}") from None

    def query(self, sparql: str, *, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
        """Run a SPARQL query; its default graph is the merge of all named graphs.

        Bindings go to pyoxigraph as ``substitutions``. pyoxigraph accepts those only for
        variables a SELECT projects; for the others they become a VALUES block at the start of
        the WHERE group, as the remote backend does.
        """
        with query_errors("query"):
            if not bindings:
                return _result(self._open().query(sparql))
            if has_alternatives(bindings):  # several terms for a variable: a VALUES block
                return _result(self._open().query(_with_values(sparql, bindings)))
            terms = {name: _as_term(value) for name, value in bindings.items()}
            substitutions: dict[ox.Variable, _OxTerm] = {
                ox.Variable(_variable_name(name)): store_term(term) for name, term in terms.items()
            }
            try:
                raw = self._open().query(sparql, substitutions=substitutions)
            except RuntimeError:
                raw = self._open().query(_with_values(sparql, terms))
            return _result(raw)

    @recovering
    def _update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction."""
        with query_errors("update"):
            self._open().update(sparql)
        self._wrote("update")

    def dump(
        self,
        out: BinaryIO,
        fmt: str,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] = PREFIXES,
    ) -> None:
        """Stream the store to ``out`` in ``fmt`` (one of :data:`DUMP_FORMATS`)."""
        dump_quads(self._open(), out, fmt, graph=graph, prefixes=prefixes)

    def query_raw(
        self,
        sparql: str,
        *,
        results_format: str = "json",
        graph_format: str = "turtle",
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Binding] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> RawResult:
        """Run a query and serialise its answer with pyoxigraph (see :meth:`Store.query_raw`)."""
        if bindings:
            sparql = _with_values(sparql, bindings)
        options = dataset_options(default_graphs, named_graphs)
        try:
            raw = self._open().query(sparql, base_iri=base_iri, **options)  # type: ignore[arg-type]
            return _raw_result(raw, results_format=results_format, graph_format=graph_format,
                               max_rows=max_rows)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            raise StoreError(f"query failed: {exc}") from None

    def quad_count(self) -> int:
        """The number of quads in the dataset, the default graph included."""
        try:
            return len(self._open())
        except OSError as exc:
            raise StoreError(f"cannot count quads: {exc}") from None

    def needs_compaction(self) -> bool:
        """Whether this process bulk-wrote enough into the store to compact it."""
        return self.path is not None and self.bulk_written >= self.compact_after_quads

    def compact(self) -> None:
        """Reorganise the store's files for reads (RocksDB's compaction)."""
        written = self.bulk_written  # what another thread writes meanwhile may be left out
        try:
            self._open().optimize()
        except OSError as exc:
            raise StoreError(f"cannot compact the store: {exc}") from None
        with self._bulk_guard:  # held by a bulk write, which counts what it wrote
            self.bulk_written -= written

    def close(self) -> None:
        """Release the store (and its folder lock); using it afterwards raises StoreError."""
        store, self._store = self._store, None
        if store is not None and self.path is not None and self._writable:
            with contextlib.suppress(OSError):
                store.flush()
        del store  # the RocksDB lock goes with the last reference
