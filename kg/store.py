"""The store interface and its backends, chosen by URL.

``open_store`` takes a folder (or ``oxigraph:PATH``, or a ``file:`` URL) for an embedded
Oxigraph store on disk, ``memory:`` for one in memory, or the ``http(s)://`` query endpoint of a
SPARQL 1.1 server. Every backend speaks rdflib terms and keeps one named graph per document.

The default graph is kept as the RDF merge of the named graphs: every write that replaces or
drops a named graph updates it in the same transaction. So a plain query sees each fact once
(no duplicates from the many documents that repeat it), FROM and FROM NAMED work as SPARQL
says, and any SPARQL 1.1 server works as the remote store with its default configuration.
"""

from __future__ import annotations

import abc
import base64
import contextlib
import http.client
import itertools
import os
import re
import typing
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from kg.rdffile import has_blank_node, to_oxigraph, to_rdflib
from kg.sparql.parse import SparqlSyntaxError, parse_query
from kg.terms import (
    TermError,
    ntriples_line,
    ox_line,
    sparql_iri,
    sparql_term,
    variable_name,
)
from kg.vocab import PREFIXES

Triple = tuple[Node, Node, Node]
QueryKind = typing.Literal["select", "ask", "graph"]

#: The export formats of :meth:`Store.dump`, with their media types.
DUMP_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "json-ld": "application/ld+json",
    "rdf-xml": "application/rdf+xml",
}
_RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdf-xml": ox.RdfFormat.RDF_XML,
}
_QUAD_FORMATS = frozenset({"nquads", "trig", "json-ld"})
_PREFIXED_FORMATS = frozenset({"turtle", "trig", "rdf-xml"})

_DEFAULT_TIMEOUT = 60.0
_FLUSH_EVERY_QUADS = 250_000
_CHUNK_TRIPLES = 20_000  # triples per write of add_triples
_CHUNK_CHECKS = 2_000  # triples per VALUES block of remove_triples

# The default graph is the merge of the named graphs, so it holds each fact once.
_MERGED_TRIPLES = "CONSTRUCT WHERE { ?s ?p ?o }"
_COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class StoreError(Exception):
    """The store cannot do what was asked: unreachable, locked, bad URL, refused data."""


class QuerySyntaxError(StoreError):
    """A SPARQL query or update that does not parse."""


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: SELECT rows, an ASK boolean, or CONSTRUCT/DESCRIBE triples."""

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[Triple, ...] = ()


#: The formats of SELECT and ASK answers from :meth:`Store.query_raw`, with their media types.
RESULTS_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_OX_RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


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

    @abc.abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Atomically, for each named graph IRI: drop it, then insert these triples."""

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
    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL query; its default graph is the merge of all named graphs.

        ``bindings`` gives variables values as RDF terms; they are bound, never pasted in as text.
        """

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction."""

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
        bindings: Mapping[str, Node] | None = None,
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

    def add_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> None:
        """Add triples to a named graph, and so to the default graph, in chunks.

        Unlike :meth:`replace_graphs` this is not one transaction: each chunk is.
        """
        lines = [ox_line(t) for t in triples]
        for start in range(0, len(lines), _CHUNK_TRIPLES):
            body = "".join(lines[start:start + _CHUNK_TRIPLES])
            self._write(f"INSERT DATA {{ GRAPH {_iri(graph_iri)} {{\n{body}}}\n{body}}}\n")

    def load_triples(self, graph_iri: str, path: str | os.PathLike[str]) -> None:
        """Add the triples of an N-Triples file to a named graph, and so to the default graph.

        For many triples at once. Not one transaction: the default graph is written first, so
        that an interrupted load leaves nothing in the named graph that the default graph
        lacks. A blank node in the file is a new one, as in any load.
        """
        with open(path, encoding="utf-8") as lines:
            while chunk := list(itertools.islice(lines, _CHUNK_TRIPLES)):
                body = "".join(chunk)
                self._write(f"INSERT DATA {{\n{body}}} ;\n"
                            f"INSERT DATA {{ GRAPH {_iri(graph_iri)} {{\n{body}}} }}\n")

    def remove_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> set[ox.Triple]:
        """Remove triples from a named graph, and from the default graph those no other holds.

        Returns the removed triples that stay in the default graph because another named graph
        holds them. Blank nodes cannot be named across requests in SPARQL 1.1, so triples with
        one are left in place on a remote store.
        """
        name = _iri(graph_iri)
        named = sorted((t for t in triples if not has_blank_node(t)), key=str)
        kept: set[ox.Triple] = set()
        for start in range(0, len(named), _CHUNK_CHECKS):
            part = named[start:start + _CHUNK_CHECKS]
            rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in part)
            kept.update(self.stream_triples(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }}"
                f" GRAPH ?h {{ ?s ?p ?o }} FILTER (?h != {name}) }}"
            ))
            body = "".join(ox_line(t) for t in part)
            self._write(
                f"DELETE DATA {{ GRAPH {name} {{\n{body}}} }} ;\n"
                f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }}"
                f" FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} }} }}\n"
            )
        return kept

    def _write(self, update_text: str) -> None:
        """Run an update that this module wrote."""
        self.update(update_text)

    def triple_count(self) -> int:
        """The number of distinct triples: those of the merged default graph."""
        (row,) = self.query(_COUNT_TRIPLES).rows
        return int(str(row[0])) if row[0] is not None else 0

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


def open_store(url: str | os.PathLike[str], *, create: bool = True) -> Store:
    """Open the store a URL names: a folder, ``oxigraph:PATH``, ``file:``, ``memory:``, ``http(s)://``.

    With ``create=False`` (commands that only read) a folder that holds no store is an error
    rather than a new, empty store: a mistyped name must not look like an empty graph.
    """
    if isinstance(url, os.PathLike):
        return _embedded(url, None, create)
    text = url.strip()
    if not text:
        raise StoreError("no store URL given: use a folder, memory:, or a SPARQL endpoint URL")
    scheme = text.partition(":")[0].lower() if _SCHEME.match(text) else ""
    if scheme in ("http", "https"):
        return SparqlStore(text)
    if scheme == "memory":
        if text.lower().rstrip("/") != "memory:":
            raise StoreError(f"{text!r}: an in-memory store is named just 'memory:'")
        return OxigraphStore(None)
    if scheme == "oxigraph":
        path = text.partition(":")[2]
        if not path:
            raise StoreError(f"{text!r}: give the folder, e.g. oxigraph:./kg-store")
        return _embedded(path, text, create)
    if scheme == "file":
        parts = urllib.parse.urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            raise StoreError(f"{text!r}: a file: URL must name a local folder")
        return _embedded(urllib.request.url2pathname(parts.path), text, create)
    if scheme:
        raise StoreError(
            f"{text!r}: unknown store URL scheme {scheme!r}; use a folder, oxigraph:PATH, "
            "file:PATH, memory:, or an http(s):// SPARQL endpoint"
        )
    return _embedded(text, None, create)


def _embedded(path: str | os.PathLike[str], url: str | None, create: bool) -> OxigraphStore:
    if not create and not (Path(path) / "CURRENT").is_file():
        raise StoreError(
            f"there is no store at {os.fspath(path)} (check --store or KG_STORE; "
            "`kg ingest` creates a store)"
        )
    return OxigraphStore(path, url=url)


# A URL scheme of two letters or more, so that a Windows drive letter stays a path.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:")


# --------------------------------------------------------------------------------------------
# Terms as SPARQL text: kg.terms writes them; here its errors become the store's


def _iri(value: str) -> str:
    """``<value>``, or StoreError if ``value`` is not an absolute IRI that can be written so."""
    try:
        return sparql_iri(value)
    except TermError as exc:
        raise StoreError(str(exc)) from None


def _triple_line(s: Node, p: Node, o: Node) -> str:
    try:
        return ntriples_line(s, p, o)
    except TermError as exc:
        raise StoreError(str(exc)) from None


def _drop(name: str) -> str:
    """Operations that drop graph ``name`` and take out of the default graph what only it held."""
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {name}) }} }} ;\n"
        f"DROP SILENT GRAPH {name} ;\n"
    )


def _drops(graph_iris: Iterable[str]) -> list[str]:
    return [_drop(_iri(g)) for g in graph_iris]


def _replace_update(graphs: Mapping[str, Iterable[Triple]]) -> str:
    """One SPARQL update that replaces each graph's triples and keeps the default graph merged.

    The operations of one request run in order, so the DELETE for a graph sees the earlier
    graphs of the batch already dropped: a triple shared by two replaced graphs leaves the
    default graph, then comes back with the new content that still holds it.
    """
    drops: list[str] = []
    inserts: list[str] = []
    merges: list[str] = []
    for graph_iri, triples in graphs.items():
        name = _iri(graph_iri)
        drops.append(_drop(name))
        start = len(inserts)
        inserts.append(f"GRAPH {name} {{\n")
        try:
            inserts.extend([_triple_line(s, p, o) for s, p, o in triples])
        except StoreError as exc:
            raise StoreError(f"graph <{graph_iri}>: {exc}; nothing was written") from None
        if len(inserts) == start + 1:
            inserts.pop()  # nothing to insert: the graph is only dropped
        else:
            inserts.append("}\n")
            merges.append(f" ;\nADD SILENT GRAPH {name} TO DEFAULT")
    if inserts:
        return "".join([*drops, "INSERT DATA {\n", *inserts, "}", *merges, "\n"])
    return "".join(drops)


_ERROR_AT = re.compile(r"\berror at (\d+):(\d+)")


def _refused(update_text: str, error: BaseException) -> StoreError:
    """An error for a refused write that quotes the offending line of the generated update."""
    message = str(error)
    match = _ERROR_AT.search(message)
    if match:
        lines = update_text.split("\n")  # the parser counts lines by "\n" alone
        number = int(match.group(1))
        if 0 < number <= len(lines):
            line = lines[number - 1].strip()
            message += f" in: {line[:300]}"
    return StoreError(f"the store refused the data, nothing was written: {message}")


# --------------------------------------------------------------------------------------------
# Bindings as a VALUES block at the start of the WHERE group, found by the SPARQL grammar


def _variable_name(name: str) -> str:
    try:
        return variable_name(name)
    except TermError as exc:
        raise StoreError(str(exc)) from None


def _as_term(value: object) -> Node:
    # Plain Python values (str, int, date…) become literals; a term stays itself.
    return value if isinstance(value, Node) else Literal(value)


def _values_term(term: Node) -> str:
    if isinstance(term, BNode):
        raise StoreError("a blank node cannot be bound to a query variable; use an IRI")
    try:
        return sparql_term(term)
    except TermError as exc:
        raise StoreError(str(exc)) from None


def _with_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with a VALUES block for ``bindings`` first in its WHERE group."""
    try:
        shape = parse_query(sparql)
    except SparqlSyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from None
    if shape.short_construct:
        raise StoreError(
            "cannot bind variables in a CONSTRUCT WHERE { … } query; "
            "write it as CONSTRUCT { … } WHERE { … }"
        )
    if shape.where_at is None:
        raise StoreError("cannot bind variables: the query has no WHERE clause")
    names = " ".join(f"?{_variable_name(n)}" for n in bindings)
    values = " ".join(_values_term(_as_term(v)) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return sparql[: shape.where_at] + block + sparql[shape.where_at :]


# --------------------------------------------------------------------------------------------
# pyoxigraph terms and results to rdflib and back

_OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _from_ox(term: object) -> Node:
    try:
        return to_rdflib(term)
    except ValueError as exc:
        raise StoreError(str(exc)) from None


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    try:
        return to_oxigraph(term)
    except ValueError as exc:
        raise StoreError(f"not a valid RDF term: {term!r}: {exc}") from None


def _ox_triple(triple: ox.Triple | ox.Quad) -> Triple:
    return (_from_ox(triple.subject), _from_ox(triple.predicate), _from_ox(triple.object))


def _result(raw: object) -> QueryResult:
    """A pyoxigraph query answer (evaluated now, so errors surface here) as a QueryResult."""
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        positions = range(len(variables))
        rows = tuple(
            tuple(None if (value := solution[i]) is None else _from_ox(value) for i in positions)
            for solution in raw
        )
        return QueryResult("select", variables=tuple(variables), rows=rows)
    if isinstance(raw, ox.QueryTriples | ox.QuadParser):
        return QueryResult("graph", triples=tuple(_ox_triple(t) for t in raw))
    raise StoreError(f"unexpected query answer: {raw!r}")


class _Full(Exception):
    """The capped writer has all the lines it may hold."""


class _LineCap:
    """A binary writer that keeps the first ``limit`` lines; more than that stops the writer."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.data = bytearray()
        self.lines = 0

    def write(self, chunk: bytes) -> int:
        view = bytes(chunk)
        if self.limit is None:
            self.data += view
            self.lines += view.count(b"\n")
            return len(view)
        if not view:
            return 0
        needed = self.limit - self.lines
        if needed <= 0:
            raise _Full  # a line beyond the limit: the answer is cut
        found = view.count(b"\n")
        if found < needed:
            self.data += view
            self.lines += found
            return len(view)
        end = -1
        for _ in range(needed):
            end = view.index(b"\n", end + 1)
        self.data += view[: end + 1]
        self.lines = self.limit
        if end + 1 < len(view):
            raise _Full
        return len(view)

    def flush(self) -> None:
        """Nothing to flush: the lines are kept in memory."""


def _raw_result(
    raw: object,
    *,
    results_format: str,
    graph_format: str,
    max_rows: int | None,
    prefixes: Mapping[str, str] = PREFIXES,
) -> RawResult:
    """A pyoxigraph answer (evaluated here, so errors surface here) serialised, rows capped.

    Solutions go through TSV, one line per solution, so that the cap cuts at a row boundary
    and pyoxigraph's own writers do all the escaping; then they are re-read and written in
    the asked format.
    """
    if isinstance(raw, ox.QueryBoolean):
        fmt = _results_format(results_format)
        return RawResult("ask", RESULTS_FORMATS[results_format], raw.serialize(format=fmt) or b"")
    if isinstance(raw, ox.QuerySolutions):
        fmt = _results_format(results_format)
        writer = _LineCap(None if max_rows is None else max_rows + 1)  # + the header line
        truncated = False
        try:
            raw.serialize(writer, ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
        except _Full:
            truncated = True
        rows = max(writer.lines - 1, 0)
        tsv = bytes(writer.data)
        if results_format == "tsv":
            body = tsv
        else:
            solutions = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
            body = solutions.serialize(format=fmt) or b""
        return RawResult("select", RESULTS_FORMATS[results_format], body, rows, truncated)
    if isinstance(raw, ox.QueryTriples | ox.QuadParser):
        rdf_format = _dump_format(graph_format)[0]
        items = iter(raw)
        head = list(itertools.islice(items, max_rows) if max_rows is not None else items)
        truncated = max_rows is not None and next(items, None) is not None
        triples = [t.triple if isinstance(t, ox.Quad) else t for t in head]
        names = _dump_prefixes(graph_format, prefixes)
        body = ox.serialize(triples, format=rdf_format, prefixes=names) or b""
        return RawResult("graph", DUMP_FORMATS[graph_format], body, len(triples), truncated)
    raise StoreError(f"unexpected query answer: {raw!r}")


def _results_format(name: str) -> ox.QueryResultsFormat:
    try:
        return _OX_RESULTS_FORMATS[name]
    except KeyError:
        raise StoreError(
            f"unknown results format {name!r}; choose one of {', '.join(RESULTS_FORMATS)}"
        ) from None


def _dataset_options(
    default_graphs: Sequence[str | None] | None, named_graphs: Sequence[str] | None
) -> dict[str, object]:
    """pyoxigraph's query arguments for a dataset given as graph IRIs (None: the default graph)."""
    options: dict[str, object] = {}
    if default_graphs is not None:
        options["default_graph"] = [
            ox.DefaultGraph() if g is None else _graph_node(g) for g in default_graphs
        ]
    if named_graphs is not None:
        options["named_graphs"] = [_graph_node(g) for g in named_graphs]
    return options


def _dump_format(fmt: str) -> tuple[ox.RdfFormat, bool]:
    """The pyoxigraph format for a dump format name, and whether it keeps named graphs."""
    try:
        return _RDF_FORMATS[fmt], fmt in _QUAD_FORMATS
    except KeyError:
        raise StoreError(
            f"unknown export format {fmt!r}; choose one of {', '.join(DUMP_FORMATS)}"
        ) from None


def _dump_prefixes(fmt: str, prefixes: Mapping[str, str]) -> dict[str, str] | None:
    return dict(prefixes) if fmt in _PREFIXED_FORMATS and prefixes else None


def _as_triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    for quad in quads:
        yield quad.triple


def _in_graph(quads: Iterable[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    for quad in quads:
        yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def _named_only(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads of named graphs: the default graph is their merge, so it is not exported."""
    return (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))


def _graph_node(graph_iri: str) -> ox.NamedNode:
    _iri(graph_iri)
    try:
        return ox.NamedNode(graph_iri)
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {graph_iri!r}: {exc}") from None


# --------------------------------------------------------------------------------------------
# Embedded Oxigraph


@contextlib.contextmanager
def _query_errors(what: str) -> Iterator[None]:
    """pyoxigraph's errors of a query or update as this module's: a syntax error, or a failure."""
    try:
        yield
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise StoreError(f"{what} failed: {exc}") from None


class OxigraphStore(Store):
    """An embedded Oxigraph store: RocksDB in a folder, or in memory when ``path`` is None.

    A folder can be open in only one process at a time; to share it, serve it with
    ``oxigraph serve --location PATH`` and open the server's URL instead.
    """

    _writable = True  # False for the stores read_only() opens

    def __init__(self, path: str | os.PathLike[str] | None, *, url: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.url = url or (os.fspath(path) if path is not None else "memory:")
        self._store: ox.Store | None
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
                    "(or already open in this one); stop that process, or serve the folder "
                    "with `oxigraph serve` and use its URL. "
                    f"({detail})"
                ) from None
            raise StoreError(f"cannot open the store at {path}: {detail}") from None

    @classmethod
    def read_only(cls, path: str | os.PathLike[str]) -> OxigraphStore:
        """Open, for reading only, a store folder that no process writes, such as a backup.

        Many processes may open the same folder so at once; writing through it fails.
        """
        self = cls.__new__(cls)
        self.path = Path(path)
        self.url = f"{os.fspath(path)} (read-only)"
        self._writable = False
        try:
            self._store = ox.Store.read_only(os.fspath(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path} for reading: {exc}") from None
        return self

    def backup(self, target: str | os.PathLike[str]) -> None:
        """Write a consistent copy of the store into the new folder ``target``.

        On the same file system the copy hard-links the store's immutable files, so it is
        cheap: the cost is mostly flushing what was written since the last one.
        """
        if self.path is None:
            raise StoreError("an in-memory store cannot be backed up to a folder")
        try:
            self._open().backup(os.fspath(target))
        except OSError as exc:
            raise StoreError(f"cannot back up the store to {target}: {exc}") from None

    # Methods call _open() each time rather than keep the pyoxigraph store in a local: a
    # traceback that outlives an error keeps its frames' locals, and a store kept alive that
    # way would hold the folder lock after close().
    def _open(self) -> ox.Store:
        if self._store is None:
            raise StoreError(f"the store {self.url} is closed")
        return self._store

    def _write(self, update_text: str) -> None:
        try:
            self._open().update(update_text)
        except SyntaxError as exc:
            raise _refused(update_text, exc) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise StoreError(f"the store failed to write, nothing was written: {exc}") from None
        self._written(update_text.count("\n"))

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
            # Only new graphs: nothing to drop, so one `extend` (one transaction) adds the named
            # graphs and their merge into the default graph, at twice the speed of an update.
            self._extend(graphs)
        else:
            self._write(_replace_update(graphs))

    def _extend(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

        def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
            found = cache.get(node)
            if found is None:
                found = cache[node] = _to_ox(node)
            return found

        default = ox.DefaultGraph()
        quads: list[ox.Quad] = []
        merged: set[Triple] = set()  # documents of a batch share many facts: write each once
        for graph_iri, triples in graphs.items():
            graph = _graph_node(graph_iri)
            for triple in triples:
                s, p, o = triple
                try:
                    subject, predicate, obj = term(s), term(p), term(o)
                    quads.append(ox.Quad(subject, predicate, obj, graph))  # type: ignore[arg-type]
                    if triple not in merged:
                        merged.add(triple)
                        quads.append(ox.Quad(subject, predicate, obj, default))  # type: ignore[arg-type]
                except (StoreError, TypeError) as exc:
                    raise StoreError(
                        f"graph <{graph_iri}>: {exc}; nothing was written"
                    ) from None
        try:
            self._open().extend(quads)
        except (OSError, RuntimeError, ValueError) as exc:
            raise StoreError(f"the store failed to write, nothing was written: {exc}") from None
        self._written(len(quads))

    def drop_graphs(self, graph_iris: Iterable[str]) -> None:
        """Drop these named graphs, atomically; unknown graphs are ignored."""
        drops = _drops(graph_iris)
        if drops:
            self._write("".join(drops))

    def stream_triples(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples a CONSTRUCT query gives, streamed as pyoxigraph terms (repeats possible)."""
        with _query_errors("query"):
            answer = self._open().query(sparql)
            if not isinstance(answer, ox.QueryTriples):
                raise StoreError("stream_triples needs a CONSTRUCT or DESCRIBE query")
            yield from answer

    def add_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> None:
        """Add triples to a named graph, and so to the default graph; a transaction per chunk."""
        graph, default = _graph_node(graph_iri), ox.DefaultGraph()
        todo = list(triples)
        for start in range(0, len(todo), _CHUNK_TRIPLES):
            quads = [ox.Quad(t.subject, t.predicate, t.object, g)
                     for t in todo[start:start + _CHUNK_TRIPLES] for g in (graph, default)]
            try:
                self._open().extend(quads)
            except (OSError, RuntimeError, ValueError) as exc:
                raise StoreError(f"the store failed to write: {exc}") from None
            self._written(len(quads))

    def load_triples(self, graph_iri: str, path: str | os.PathLike[str]) -> None:
        """Add the triples of an N-Triples file to a named graph, and so to the default graph.

        With Oxigraph's bulk loader: several times faster than transactions, and reads
        afterwards stay as fast (unlike many small bulk writes). Not atomic: the default
        graph is loaded first, so that an interrupted load leaves nothing in the named graph
        that the default graph lacks. A blank node in the file is a new one.
        """
        try:
            for graph in (ox.DefaultGraph(), _graph_node(graph_iri)):
                self._open().bulk_load(path=os.fspath(path), format=ox.RdfFormat.N_TRIPLES,
                                       to_graph=graph)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"the store failed to load {path}: {exc}") from None

    def remove_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> set[ox.Triple]:
        """Remove triples from a named graph, and from the default graph those no other holds.

        Returns the removed triples that stay in the default graph because another named graph
        holds them. One transaction per triple: meant for the few a derived graph loses.
        """
        store, graph, default = self._open(), _graph_node(graph_iri), ox.DefaultGraph()
        kept: set[ox.Triple] = set()
        try:
            for t in triples:
                store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
                holders = store.quads_for_pattern(t.subject, t.predicate, t.object, None)
                if any(isinstance(q.graph_name, ox.NamedNode) for q in holders):
                    kept.add(t)
                else:
                    store.remove(ox.Quad(t.subject, t.predicate, t.object, default))
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

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL query; its default graph is the merge of all named graphs.

        Bindings go to pyoxigraph as ``substitutions``. pyoxigraph accepts those only for
        variables a SELECT projects; for the others they become a VALUES block at the start of
        the WHERE group, as the remote backend does.
        """
        with _query_errors("query"):
            if not bindings:
                return _result(self._open().query(sparql))
            terms = {name: _as_term(value) for name, value in bindings.items()}
            substitutions: dict[ox.Variable, _OxTerm] = {
                ox.Variable(_variable_name(name)): _to_ox(term) for name, term in terms.items()
            }
            try:
                raw = self._open().query(sparql, substitutions=substitutions)
            except RuntimeError:
                raw = self._open().query(_with_values(sparql, terms))
            return _result(raw)

    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction."""
        with _query_errors("update"):
            self._open().update(sparql)

    def dump(
        self,
        out: BinaryIO,
        fmt: str,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] = PREFIXES,
    ) -> None:
        """Stream the store to ``out`` in ``fmt`` (one of :data:`DUMP_FORMATS`)."""
        rdf_format, keeps_graphs = _dump_format(fmt)
        names = _dump_prefixes(fmt, prefixes)
        try:
            if graph is not None:
                node = _graph_node(graph)
                if keeps_graphs:
                    quads = self._open().quads_for_pattern(None, None, None, node)
                    ox.serialize(quads, out, rdf_format, prefixes=names)
                else:
                    self._open().dump(out, rdf_format, from_graph=node, prefixes=names)
            elif keeps_graphs:
                ox.serialize(_named_only(self._open().quads_for_pattern(None, None, None)), out,
                             rdf_format, prefixes=names)
            else:
                self._open().dump(out, rdf_format, from_graph=ox.DefaultGraph(), prefixes=names)
        except (OSError, ValueError, TypeError) as exc:
            raise StoreError(f"export failed: {exc}") from None

    def query_raw(
        self,
        sparql: str,
        *,
        results_format: str = "json",
        graph_format: str = "turtle",
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> RawResult:
        """Run a query and serialise its answer with pyoxigraph (see :meth:`Store.query_raw`)."""
        if bindings:
            sparql = _with_values(sparql, bindings)
        options = _dataset_options(default_graphs, named_graphs)
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

    def close(self) -> None:
        """Release the store (and its folder lock); using it afterwards raises StoreError."""
        store, self._store = self._store, None
        if store is not None and self.path is not None and self._writable:
            with contextlib.suppress(OSError):
                store.flush()
        del store  # the RocksDB lock goes with the last reference


# --------------------------------------------------------------------------------------------
# Remote SPARQL 1.1 server

_QUERY_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, "
    "application/sparql-results+xml;q=0.8, text/turtle;q=0.7"
)
_TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.8"
_OWN_PARAMS = ("update", "store", "timeout")


def _split_credentials(url: str) -> tuple[str, str | None]:
    """``url`` without ``user:pass@``, and the Basic ``Authorization`` header they make."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


def redact_url(url: str) -> str:
    """``url`` with every password hidden: its own and those of URLs in its parameters
    (``update=``, ``store=``), so that it can be shown at /health, in ``kg stats`` or a log."""
    try:
        parts = urllib.parse.urlsplit(url)
        params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return "<a URL that cannot be shown>"
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, host = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:***@{host}"
    if any(key in _OWN_PARAMS and "@" in value for key, value in params):
        shown = [(key, redact_url(value) if key in _OWN_PARAMS else value)
                 for key, value in params]
        query = urllib.parse.urlencode(shown, safe=":/*@")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=query))
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))




def _derived_endpoints(query_url: str) -> tuple[str, str | None]:
    """The update and Graph Store endpoints that usually go with a query endpoint."""
    parts = urllib.parse.urlsplit(query_url)
    path = parts.path

    def at(new_path: str) -> str:
        return urllib.parse.urlunsplit(parts._replace(path=new_path, query=""))

    segments = [s for s in path.split("/") if s]
    if path.rstrip("/") == "/query":  # Oxigraph server
        return at("/update"), at("/store")
    if len(segments) == 2 and segments[1] in ("query", "sparql"):  # Fuseki: /ds/query
        return at(f"/{segments[0]}/update"), at(f"/{segments[0]}/data")
    if len(segments) == 2 and segments[0] == "repositories":  # RDF4J, GraphDB
        return at(f"{path.rstrip('/')}/statements"), at(f"{path.rstrip('/')}/rdf-graphs/service")
    # Virtuoso, Blazegraph and the like take updates at the query endpoint.
    return query_url, None


class SparqlStore(Store):
    """A remote SPARQL 1.1 server, reached with the standard library alone.

    The URL is the query endpoint. The update and Graph Store endpoints are derived from it:
    Oxigraph ``…/query`` → ``…/update``, ``…/store``; Fuseki ``…/ds/query`` or ``…/ds/sparql`` →
    ``…/ds/update``, ``…/ds/data``; RDF4J/GraphDB ``…/repositories/ID`` → ``…/statements``,
    ``…/rdf-graphs/service``; any other (Virtuoso ``/sparql``) → the same URL for updates and no
    Graph Store. URL parameters override them and are not sent to the server: ``update=URL``,
    ``store=URL`` (empty: none), ``timeout=SECONDS`` (per request, default 60). ``user:pass@`` in
    the URL is sent as HTTP Basic authentication and hidden in :attr:`url`.

    The server keeps its ordinary configuration: its real default graph is kept as the merge
    of the named graphs by the writes themselves. Do not turn on a union default graph
    (``--union-default-graph``, ``tdb2:unionDefaultGraph``): queries would then see every fact
    twice.
    """

    def __init__(self, url: str, *, timeout: float | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"{redact_url(url)!r} is not an http(s) SPARQL endpoint URL")
        params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        own = {key: value for key, value in params if key in _OWN_PARAMS}
        rest = [(key, value) for key, value in params if key not in _OWN_PARAMS]
        query_url = urllib.parse.urlunsplit(
            parts._replace(query=urllib.parse.urlencode(rest), fragment="")
        )
        self.url = redact_url(url)
        self.query_endpoint, self._query_auth = _split_credentials(query_url)
        update_url, store_url = _derived_endpoints(query_url)
        update_url = own.get("update", update_url)
        store_url = own.get("store", store_url) or None
        self.update_endpoint, self._update_auth = _split_credentials(update_url)
        self.store_endpoint: str | None = None
        self._store_auth: str | None = None
        if store_url is not None:
            self.store_endpoint, self._store_auth = _split_credentials(store_url)
        # An override without its own credentials uses the query endpoint's.
        self._update_auth = self._update_auth or self._query_auth
        self._store_auth = self._store_auth or self._query_auth
        if timeout is None:
            try:
                timeout = float(own.get("timeout", _DEFAULT_TIMEOUT))
            except ValueError:
                raise StoreError(f"timeout={own['timeout']!r} is not a number of seconds") from None
        if timeout <= 0:
            raise StoreError("the timeout must be a positive number of seconds")
        self.timeout = timeout
        self._closed = False

    # -- HTTP

    def _request(
        self,
        url: str,
        auth: str | None,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        sparql: bool = False,
    ) -> http.client.HTTPResponse:
        """Send one request; the caller closes the response. HTTP or network error: StoreError."""
        if self._closed:
            raise StoreError(f"the store {self.url} is closed")
        headers = {"User-Agent": "diplomacy-kg"}
        if accept:
            headers["Accept"] = accept
        if content_type:
            headers["Content-Type"] = content_type
        if auth:
            headers["Authorization"] = auth
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            response: http.client.HTTPResponse = urllib.request.urlopen(
                request, timeout=self.timeout
            )
        except urllib.error.HTTPError as exc:
            with exc:
                message = exc.read(4000).decode("utf-8", "replace").strip()
            error = QuerySyntaxError if sparql and exc.code == 400 else StoreError
            raise error(
                f"{redact_url(url)} answered HTTP {exc.code} {exc.reason}: "
                f"{message or '(no message)'}"
            ) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise StoreError(f"cannot reach {redact_url(url)}: {reason}") from None
        return response

    def _post_query(self, sparql: str, accept: str) -> http.client.HTTPResponse:
        return self._request(
            self.query_endpoint,
            self._query_auth,
            body=sparql.encode("utf-8"),
            content_type="application/sparql-query; charset=utf-8",
            accept=accept,
            sparql=True,
        )

    def _post_update(self, sparql: str) -> None:
        response = self._request(
            self.update_endpoint,
            self._update_auth,
            body=sparql.encode("utf-8"),
            content_type="application/sparql-update; charset=utf-8",
            sparql=True,
        )
        with response:
            response.read()

    def _write(self, update_text: str) -> None:
        try:
            self._post_update(update_text)
        except QuerySyntaxError as exc:
            raise _refused(update_text, exc) from None

    @staticmethod
    def _rdf_format(response: http.client.HTTPResponse) -> ox.RdfFormat:
        media_type = response.headers.get_content_type()
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise StoreError(f"{response.url} answered {media_type}, not an RDF format")
        return rdf_format

    def _read_result(self, response: http.client.HTTPResponse) -> QueryResult:
        media_type = response.headers.get_content_type()
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is not None:
            return _result(ox.parse_query_results(response, results_format))
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is not None:
            return _result(ox.parse(response, rdf_format))
        raise StoreError(f"{self.query_endpoint} answered an unexpected {media_type}")

    # -- the Store interface

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Atomically, for each named graph IRI: drop it, then insert these triples. All or nothing.

        It is one update request, which the server runs as one transaction.
        """
        if graphs:
            self._write(_replace_update(graphs))

    def drop_graphs(self, graph_iris: Iterable[str]) -> None:
        """Drop these named graphs in one update request; unknown graphs are ignored."""
        drops = _drops(graph_iris)
        if drops:
            self._write("".join(drops))

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        """The triples of one named graph."""
        name = _iri(graph_iri)
        result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
        return list(result.triples)

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows
        return sorted(str(g) for (g,) in rows if isinstance(g, URIRef))

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL query; its default graph is the merge of all named graphs.

        Bindings become a VALUES block at the start of the WHERE group, each term escaped.
        """
        if bindings:
            sparql = _with_values(sparql, bindings)
        with self._post_query(sparql, _QUERY_ACCEPT) as response:
            try:
                return self._read_result(response)
            except (SyntaxError, ValueError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

    def stream_triples(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples a CONSTRUCT query gives, streamed as pyoxigraph terms (repeats possible)."""
        with self._post_query(sparql, _TRIPLES_ACCEPT) as response:
            rdf_format = self._rdf_format(response)
            try:
                for quad in ox.parse(response, rdf_format):
                    yield ox.Triple(quad.subject, quad.predicate, quad.object)
            except (SyntaxError, ValueError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one request."""
        self._post_update(sparql)

    def dump(
        self,
        out: BinaryIO,
        fmt: str,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] = PREFIXES,
    ) -> None:
        """Stream the store to ``out`` in ``fmt`` (one of :data:`DUMP_FORMATS`).

        The named graphs come as N-Quads from the Graph Store endpoint; the merged default graph
        and single graphs come from CONSTRUCT queries as N-Triples. Either is re-serialised as it
        arrives.
        """
        rdf_format, keeps_graphs = _dump_format(fmt)
        names = _dump_prefixes(fmt, prefixes)
        if graph is None and keeps_graphs:
            self._dump_dataset(out, rdf_format, names)
            return
        if graph is None:
            query = _MERGED_TRIPLES
        else:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
        with self._post_query(query, _TRIPLES_ACCEPT) as response:
            try:
                parsed = ox.parse(response, self._rdf_format(response))
                items: Iterable[ox.Quad] | Iterable[ox.Triple]
                if keeps_graphs and graph is not None:
                    items = _in_graph(parsed, _graph_node(graph))
                else:
                    items = _as_triples(parsed)
                ox.serialize(items, out, rdf_format, prefixes=names)
            except (SyntaxError, ValueError, TypeError, OSError) as exc:
                raise StoreError(f"export failed: {exc}") from None

    def _dump_dataset(
        self, out: BinaryIO, rdf_format: ox.RdfFormat, names: dict[str, str] | None
    ) -> None:
        if self.store_endpoint is not None:
            response = self._request(
                self.store_endpoint, self._store_auth, accept="application/n-quads"
            )
            with response:
                source_format = self._rdf_format(response)
                if source_format.supports_datasets:
                    try:
                        parsed = ox.parse(response, source_format)
                        ox.serialize(_named_only(parsed), out, rdf_format, prefixes=names)
                    except (SyntaxError, ValueError, TypeError, OSError) as exc:
                        raise StoreError(f"export failed: {exc}") from None
                    return
        # No Graph Store, or one that gives only the default graph: the named graphs by SPARQL.
        query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        with self._post_query(query, "application/sparql-results+json") as response:
            try:
                solutions = ox.parse_query_results(response, ox.QueryResultsFormat.JSON)
                if not isinstance(solutions, ox.QuerySolutions):
                    raise StoreError(f"{self.query_endpoint} did not answer a SELECT with rows")
                quads = (ox.Quad(row[0], row[1], row[2], row[3]) for row in solutions)
                ox.serialize(quads, out, rdf_format, prefixes=names)
            except (SyntaxError, ValueError, TypeError, OSError) as exc:
                raise StoreError(f"export failed: {exc}") from None

    def query_raw(
        self,
        sparql: str,
        *,
        results_format: str = "json",
        graph_format: str = "turtle",
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> RawResult:
        """Run a query on the server and re-serialise its answer (see :meth:`Store.query_raw`).

        The server answers in SPARQL JSON or N-Triples; the rows are capped and written in the
        asked format here. The store's default graph is the server's default graph.
        """
        if bindings:
            sparql = _with_values(sparql, bindings)
        if base_iri:
            sparql = f"BASE {_iri(base_iri)} {sparql}"
        params: list[tuple[str, str]] = []
        if default_graphs is not None:
            # The server's own default graph cannot be named in the protocol: leave it out.
            params += [("default-graph-uri", g) for g in default_graphs if g is not None]
            if not any(g is not None for g in default_graphs) and None not in default_graphs:
                params.append(("default-graph-uri", "urn:x-kg:no-such-graph"))
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        url = self.query_endpoint
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        response = self._request(
            url,
            self._query_auth,
            body=sparql.encode("utf-8"),
            content_type="application/sparql-query; charset=utf-8",
            accept="application/sparql-results+json, application/n-triples;q=0.9",
            sparql=True,
        )
        with response:
            media_type = response.headers.get_content_type()
            try:
                results_type = ox.QueryResultsFormat.from_media_type(media_type)
                parsed: object
                if results_type is not None:
                    parsed = ox.parse_query_results(response, results_type)
                else:
                    parsed = ox.parse(response, self._rdf_format(response))
                return _raw_result(parsed, results_format=results_format,
                                   graph_format=graph_format, max_rows=max_rows)
            except (SyntaxError, ValueError, TypeError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

    def quad_count(self) -> int:
        """The number of quads in the dataset, the default graph included."""
        (row,) = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"
        ).rows
        return int(str(row[0])) if row[0] is not None else 0

    def close(self) -> None:
        """Forget the server; each request had its own connection, so nothing is left open."""
        self._closed = True
