"""Query answers: pyoxigraph's read as rdflib terms, or serialised with the row cap; formats.

Both backends end here: the embedded store with pyoxigraph's own answers, the remote one
with the answers it parsed from the server.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.term import Node

from kg.rdffile import to_rdflib
from kg.rdfio import FORMATS, MEDIA_TYPES, OXIGRAPH_FORMATS, write_rdf
from kg.store.base import QueryResult, RawResult
from kg.store.bindings import _graph_node
from kg.store.errors import StoreError
from kg.terms import Triple
from kg.vocab import PREFIXES

#: The export formats of :meth:`Store.dump`, with their media types (kg.rdfio's table).
DUMP_FORMATS: dict[str, str] = MEDIA_TYPES
_QUAD_FORMATS = frozenset(name for name, f in FORMATS.items() if f.datasets)
_PREFIXED_FORMATS = frozenset(name for name, f in FORMATS.items() if f.prefixes)

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


# --------------------------------------------------------------------------------------------
# pyoxigraph answers as rdflib terms


def _from_ox(term: object) -> Node:
    try:
        return to_rdflib(term)
    except ValueError as exc:
        raise StoreError(str(exc)) from None


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


# --------------------------------------------------------------------------------------------
# pyoxigraph answers serialised, the rows capped


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
        _dump_format(graph_format)  # an unknown format is a StoreError, before any work
        items = iter(raw)
        counted = [0]

        def head() -> Iterator[ox.Triple]:
            # Serialised as they come, never held as a list of objects (ten times the text).
            for item in itertools.islice(items, max_rows) if max_rows is not None else items:
                counted[0] += 1
                yield item.triple if isinstance(item, ox.Quad) else item

        out = io.BytesIO()
        # kg.rdfio's writer: JSON-LD compacted with the project's context, only the prefixes used.
        write_rdf(head(), out, graph_format, prefixes=prefixes)
        truncated = max_rows is not None and next(items, None) is not None
        return RawResult("graph", DUMP_FORMATS[graph_format], out.getvalue(), counted[0],
                         truncated)
    raise StoreError(f"unexpected query answer: {raw!r}")


def _results_format(name: str) -> ox.QueryResultsFormat:
    try:
        return _OX_RESULTS_FORMATS[name]
    except KeyError:
        raise StoreError(
            f"unknown results format {name!r}; choose one of {', '.join(RESULTS_FORMATS)}"
        ) from None


# --------------------------------------------------------------------------------------------
# Exports


def _dump_format(fmt: str) -> tuple[ox.RdfFormat, bool]:
    """The pyoxigraph format for a dump format name, and whether it keeps named graphs."""
    try:
        return OXIGRAPH_FORMATS[fmt], fmt in _QUAD_FORMATS
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


def dump_quads(store: ox.Store, out: BinaryIO, fmt: str, *, graph: str | None = None,
               prefixes: Mapping[str, str] = PREFIXES) -> None:
    """Write a store's quads to ``out`` in ``fmt``: one graph's, else the named graphs' for a
    format that keeps graphs, else the default graph's (the merge)."""
    _, keeps_graphs = _dump_format(fmt)
    try:
        # kg.rdfio writes every export: JSON-LD compacted, only the prefixes used.
        if graph is not None:
            quads = store.quads_for_pattern(None, None, None, _graph_node(graph))
        elif keeps_graphs:
            quads = _named_only(store.quads_for_pattern(None, None, None))
        else:
            quads = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        write_rdf(quads, out, fmt, prefixes=prefixes)
    except (OSError, ValueError, TypeError) as exc:
        raise StoreError(f"export failed: {exc}") from None
