"""The store interface: what every backend does, its errors, and the shapes of its answers.

The default graph is kept as the RDF merge of the named graphs: every write that replaces or
drops a named graph updates it in the same transaction. So a plain query sees each fact once
(no duplicates from the many documents that repeat it), FROM and FROM NAMED work as SPARQL
says, and any SPARQL 1.1 server works as the remote store with its default configuration.
"""

from __future__ import annotations

import abc
import os
import typing
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, ClassVar

import pyoxigraph as ox
from rdflib.term import Node

from kg.store import merge
from kg.store.bindings import Binding
from kg.store.errors import StoreError
from kg.terms import Triple
from kg.vocab import PREFIXES

if typing.TYPE_CHECKING:
    from kg.sparql.analysis import UpdatePlan

QueryKind = typing.Literal["select", "ask", "graph"]

_COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"




@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: SELECT rows, an ASK boolean, or CONSTRUCT/DESCRIBE triples."""

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[Triple, ...] = ()


@dataclass(frozen=True)
class RawResult:
    """A query answer serialised by pyoxigraph: the bytes to send and what they hold."""

    kind: QueryKind
    media_type: str
    body: bytes
    rows: int = 0  # solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) in ``body``
    truncated: bool = False  # ``max_rows`` cut the answer short


class Store(abc.ABC):
    """A quad store: named graphs written whole, and a default graph that is their merge."""

    url: str
    #: The folder of an embedded store on disk; None for a store in memory or on a server.
    path: Path | None = None
    #: Whether the store is another server, reached over the network.
    remote: ClassVar[bool] = False
    #: Why the last write failed for want of disk (or another I/O error), until one succeeds.
    write_failure: str | None = None

    # -- what the store can do, asked by those who run it (kg.web.state) ---------------------

    @property
    def supports_checkpoints(self) -> bool:
        """Whether :meth:`backup` writes a checkpoint that other processes can open read-only."""
        return False

    @property
    def supports_timeouts(self) -> bool:
        """Whether a query can be stopped at its deadline, by killing the process that runs it."""
        return False

    def backup(self, target: str | os.PathLike[str]) -> None:
        """Write a consistent copy of the store into the new folder ``target``: a checkpoint."""
        raise StoreError(f"{type(self).__name__} cannot take checkpoints")

    # -- named graphs, written whole ----------------------------------------------------------

    @abc.abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Atomically, for each named graph IRI: drop it, then insert these triples."""

    def prepare_graphs(self, graphs: Mapping[str, list[Triple]]) -> Mapping[str, list[Triple]]:
        """The graphs as :meth:`replace_graphs` writes them fastest (as they are, here)."""
        return graphs

    @abc.abstractmethod
    def drop_graphs(self, graph_iris: Iterable[str]) -> None:
        """Drop these named graphs, atomically; unknown graphs are ignored."""

    @abc.abstractmethod
    def graph_triples(self, graph_iri: str) -> list[Triple]:
        """The triples of one named graph."""

    @abc.abstractmethod
    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""

    @abc.abstractmethod
    def query(self, sparql: str, *, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
        """Run a SPARQL query; its default graph is the merge of all named graphs.

        ``bindings`` gives variables values as RDF terms; they are bound, never pasted in as text.
        A variable bound to a tuple of terms takes each of them (none: no solution).
        """

    @abc.abstractmethod
    def _update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction (only :mod:`kg.store.merge` writes the text)."""

    def run_update(self, body: str, plan: UpdatePlan, *, base_iri: str | None = None) -> None:
        """Run a client's update, read as ``plan``, with the default graph merged again after it.

        ``body`` is the client's text (dataset clauses applied); in the same transaction the
        graphs it wrote are merged into the default graph (:func:`kg.store.merge.client_update`).
        """
        self._update(merge.client_update(body, plan, base_iri=base_iri))

    def preview_update(
        self, body: str, plan: UpdatePlan, graphs: Sequence[str], *, base_iri: str | None = None
    ) -> dict[str, list[Triple]] | None:
        """What ``graphs`` would hold after a client's update, the store left unchanged.

        None where the store cannot tell without writing (it takes no checkpoints); the
        embedded store on disk runs the update on a checkpoint of itself.
        """
        return None

    def create_graph(self, graph_iri: str) -> None:
        """Make an empty named graph exist (a Graph Store PUT of nothing)."""
        self._update(merge.create_update(graph_iri))

    def clear(self) -> None:
        """Empty the store: every named graph and the default graph, in one transaction."""
        self._update(merge.CLEAR_ALL)

    # -- the merge itself, checked and repaired (kg check) ------------------------------------

    def merge_faults(self) -> tuple[int, int]:
        """What breaks the merge: default-graph triples no named graph holds (orphans), and
        named-graph quads whose triple the default graph lacks (missing). Counted in the store.
        """
        counts = []
        for query in (merge.ORPHANS_COUNT, merge.MISSING_COUNT):
            (row,) = self.query(query).rows
            counts.append(int(str(row[0])) if row[0] is not None else 0)
        return counts[0], counts[1]

    def repair_merge(self, graph_iri: str | None = None) -> None:
        """Make the default graph the merge of the named graphs again, in one transaction.

        With ``graph_iri``, only add what that graph holds and the default graph lacks.
        """
        self._update(merge.repair_update(graph_iri))

    @abc.abstractmethod
    def dump(
        self,
        out: BinaryIO,
        fmt: str,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] = PREFIXES,
    ) -> None:
        """Stream the store to ``out`` in ``fmt`` (one of :data:`DUMP_FORMATS`).

        Triple formats (turtle, ntriples, rdf-xml) get the merged default graph; quad formats
        (nquads, trig, json-ld) get the named graphs, each with its name (the default graph is
        left out: it is their merge); ``graph`` limits either to one named graph.
        """

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
        """Run a query and serialise its answer with pyoxigraph, without rdflib terms.

        Args:
            results_format: for SELECT and ASK, a key of :data:`RESULTS_FORMATS`.
            graph_format: for CONSTRUCT and DESCRIBE, a key of :data:`DUMP_FORMATS`.
            default_graphs: replaces the query's default graph by the merge of these graphs,
                as the protocol's ``default-graph-uri`` does; ``None`` in the list stands for
                the store's default graph. A graph that does not exist holds no data.
            named_graphs: replaces the named graphs the query can see (``named-graph-uri``).
            bindings: variable values, bound as :meth:`query` binds them.
            max_rows: keep at most this many solutions or triples; ``truncated`` tells.
            base_iri: the base against which relative IRIs in the query resolve.
        """
        raise StoreError(f"{type(self).__name__} cannot serialise query answers itself")

    # -- writing part of a graph, for graphs derived from the others (e.g. kg.reason's) ------

    def stream_triples(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples a CONSTRUCT query gives, streamed as pyoxigraph terms (repeats possible).

        For bulk work: no conversion to rdflib terms, and nothing held in memory.
        """
        raise StoreError(f"{type(self).__name__} cannot answer with pyoxigraph terms")

    @abc.abstractmethod
    def add_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> None:
        """Add triples to a named graph, and so to the default graph, in chunks.

        Unlike :meth:`replace_graphs` this is not one transaction: each chunk is.
        """

    @abc.abstractmethod
    def load_triples(self, graph_iri: str, path: str | os.PathLike[str]) -> None:
        """Add the triples of an N-Triples file to a named graph, and so to the default graph.

        For many triples at once. Perhaps not one transaction: then the named graph is written
        first, so that an interrupted load leaves no triple in the default graph that no named
        graph holds, only triples of the named graph that the default graph lacks, which
        :meth:`repair_merge` with this graph puts back. A blank node in the file is a new one.
        """

    @abc.abstractmethod
    def remove_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> set[ox.Triple]:
        """Remove triples from a named graph, and from the default graph those no other holds.

        Returns the removed triples that stay in the default graph because another named graph
        holds them.
        """

    def triple_count(self) -> int:
        """The number of distinct triples: those of the merged default graph."""
        (row,) = self.query(_COUNT_TRIPLES).rows
        return int(str(row[0])) if row[0] is not None else 0

    def needs_compaction(self) -> bool:
        """Whether this process wrote much of the store with a bulk loader, whose files are
        left as written (a server compacts its own)."""
        return False

    def compact(self) -> None:
        """Reorganise the storage for reads (nothing to do unless it needs compaction)."""
        return None  # a server compacts its own

    @abc.abstractmethod
    def quad_count(self) -> int:
        """The number of quads in the dataset, the default graph included."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store; using it afterwards raises :class:`StoreError`."""

    def __enter__(self) -> typing.Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"
