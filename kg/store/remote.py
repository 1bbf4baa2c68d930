"""The remote backend: a SPARQL 1.1 server, reached with the standard library alone.

Its URLs are ``http(s)://`` query endpoints (:mod:`kg.store.endpoints` reads them). The Store
interface is here; the requests are :mod:`kg.store.remote_http`'s, the paged export
:mod:`kg.store.remote_export`'s.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import urllib.parse
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.term import URIRef

from kg.iri import NO_SUCH_GRAPH_IRI, scratch_graph_iri
from kg.rdfio import write_rdf
from kg.store.answers import _dump_format, _raw_result
from kg.store.base import QueryResult, RawResult, Store
from kg.store.bindings import Binding, _iri, _with_values
from kg.store.dialects import (
    add_update,
    check_lines,
    drop_update,
    insert_update,
    move_update,
)
from kg.store.errors import StoreError
from kg.store.merge import (
    _CHUNK_TRIPLES,
    _add_updates,
    _drops,
    _load_updates,
    _remove_steps,
    _replace_update,
    _triple_line,
)
from kg.store.remote_export import PagedExport
from kg.store.remote_http import _TRIPLES_ACCEPT
from kg.terms import Triple, ox_line
from kg.vocab import PREFIXES

_CLEAR_CHUNK = 500  # graphs dropped per request of a clear() by name


class SparqlStore(PagedExport, Store):
    """A remote SPARQL 1.1 server, reached with the standard library alone.

    The URL is the query endpoint. The update and Graph Store endpoints are derived from it:
    Oxigraph ``…/query`` → ``…/update``, ``…/store``; Fuseki ``…/ds/query`` or ``…/ds/sparql`` →
    ``…/ds/update``, ``…/ds/data``; RDF4J/GraphDB ``…/repositories/ID`` → ``…/statements``,
    ``…/rdf-graphs/service``; any other (Virtuoso ``/sparql``) → the same URL for updates and no
    Graph Store. URL parameters override them and are not sent to the server: ``update=URL``,
    ``store=URL`` (empty: none), ``timeout=SECONDS`` (per request, default 60; the client stops
    waiting, the server may go on), ``dialect=NAME`` (:mod:`kg.store.dialects`; by default
    learnt from the server's ``Server`` header). ``user:pass@`` in the URL is sent as HTTP Basic
    authentication and hidden in :attr:`url`.

    The server keeps its ordinary configuration: its real default graph is kept as the merge
    of the named graphs by the writes themselves. Do not turn on a union default graph
    (``--union-default-graph``, ``tdb2:unionDefaultGraph``): queries would then see every fact
    twice.
    """

    remote = True

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Atomically, for each named graph IRI: drop it, then insert these triples. All or nothing.

        It is one update request, which the server runs as one transaction.
        """
        if not graphs:
            return
        limit = self.dialect.max_data_statements
        if limit is None:
            self._write(_replace_update(graphs))
            return
        lines: dict[str, list[str]] = {}
        for graph_iri, triples in graphs.items():
            _iri(graph_iri)  # a bad graph IRI is refused before anything is written
            try:
                lines[graph_iri] = [_triple_line(*t) for t in triples]
            except StoreError as exc:
                raise StoreError(f"graph <{graph_iri}>: {exc}; nothing was written") from None
        check_lines(lines)
        if sum(len(v) for v in lines.values()) > limit:
            self._replace_staged(lines)
        else:
            inserts = insert_update(lines)
            self._write(drop_update(list(lines)) + (f" ;\n{inserts}" if inserts else ""))

    def _replace_staged(self, lines: Mapping[str, list[str]]) -> None:
        """replace_graphs for a server that takes only small updates (Virtuoso): each graph's
        triples go first to a scratch graph of its own by the Graph Store, whole; then one
        update drops the old graphs and moves the scratch graphs in, all or nothing.

        A blank node shared by two graphs of the batch becomes two nodes (a request each).
        """
        crud = self._crud_endpoint()
        scratch = {g: scratch_graph_iri(uuid.uuid4().hex) for g in lines}
        try:
            for graph_iri, graph_lines in lines.items():
                if graph_lines:
                    url = f"{crud}?{urllib.parse.urlencode({'graph-uri': scratch[graph_iri]})}"
                    with self._request(url, self._update_auth,
                                       body="".join(graph_lines).encode("utf-8"),
                                       content_type="application/n-triples"):
                        pass
            update = drop_update(list(lines))
            filled = {g: scratch[g] for g, graph_lines in lines.items() if graph_lines}
            if filled:
                update += " ;\n" + move_update(filled)
            self._write(update)
        except StoreError:
            with contextlib.suppress(StoreError):
                self._post_update(" ;\n".join(f"DROP SILENT GRAPH {_iri(g)}"
                                               for g in scratch.values()))
            raise

    def _crud_endpoint(self) -> str:
        """The dialect's Graph Store URL beside the query endpoint (Virtuoso's graph CRUD)."""
        path = self.dialect.crud_path
        if path is None:
            raise StoreError(f"{self.url}: this server takes no large updates")
        parts = urllib.parse.urlsplit(self.update_endpoint)
        return urllib.parse.urlunsplit(parts._replace(path=path, query="", fragment=""))

    def drop_graphs(self, graph_iris: Iterable[str]) -> None:
        """Drop these named graphs in one update request; unknown graphs are ignored."""
        if self.dialect.max_data_statements is not None:
            listed = list(graph_iris)
            if listed:
                self._write(drop_update(listed))
            return
        drops = _drops(graph_iris)
        if drops:
            self._write("".join(drops))

    def add_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> None:
        """Add triples to a named graph, and so to the default graph; a request per chunk."""
        limit = self.dialect.max_data_statements
        if limit is None:
            for update_text in _add_updates(graph_iri, triples):
                self._write(update_text)
            return
        self._add_lines(graph_iri, [ox_line(t) for t in triples])

    def _add_lines(self, graph_iri: str, lines: Iterable[str]) -> None:
        """add_triples for a server that takes only small updates (Virtuoso): a request per
        chunk, each through a scratch graph (:func:`kg.store.dialects.add_update`)."""
        limit = self.dialect.max_data_statements or _CHUNK_TRIPLES
        source = iter(lines)
        while chunk := list(itertools.islice(source, limit)):
            check_lines({graph_iri: chunk})
            self._write(add_update(graph_iri, scratch_graph_iri(uuid.uuid4().hex), chunk))

    def load_triples(self, graph_iri: str, path: str | os.PathLike[str]) -> None:
        """Add an N-Triples file to a named graph and the default graph; a request per chunk.

        Each request writes a chunk to both graphs, which the server runs as one transaction.
        """
        with open(path, encoding="utf-8") as lines:
            if self.dialect.max_data_statements is None:
                for update_text in _load_updates(graph_iri, lines):
                    self._write(update_text)
            else:
                self._add_lines(graph_iri, lines)

    def remove_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> set[ox.Triple]:
        """Remove triples from a named graph, and from the default graph those no other holds.

        Returns those that stay in the default graph because another named graph holds them.
        SPARQL 1.1 cannot name a blank node across requests: triples with one stay in place.
        """
        kept: set[ox.Triple] = set()
        for check, update_text in _remove_steps(graph_iri, triples):
            kept.update(self.stream_triples(check))
            self._write(update_text)
        return kept

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        """The triples of one named graph."""
        name = _iri(graph_iri)
        result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
        return list(result.triples)

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        rows = self.query(self.dialect.graphs_query).rows
        hidden = set(self.dialect.hidden_graphs)
        return sorted(str(g) for (g,) in rows if isinstance(g, URIRef) and str(g) not in hidden)

    def query(self, sparql: str, *, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
        """Run a SPARQL query; its default graph is the merge of all named graphs.

        Bindings become a VALUES block at the start of the WHERE group, each term escaped.
        """
        if bindings:
            sparql = _with_values(sparql, bindings)
        return self._run_query(sparql)

    def stream_triples(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples a CONSTRUCT query gives, streamed as pyoxigraph terms (repeats possible)."""
        with self._post_query(sparql, _TRIPLES_ACCEPT) as response:
            self._refuse_capped(response)
            rdf_format = self._rdf_format(response)
            try:
                for quad in ox.parse(response, rdf_format):
                    yield ox.Triple(quad.subject, quad.predicate, quad.object)
            except (SyntaxError, ValueError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

    def _update(self, sparql: str) -> None:
        """Run a SPARQL update as one request."""
        self._post_update(sparql)

    def clear(self) -> None:
        """Empty the store: every named graph and the default graph.

        Where the dialect keeps the default graph in a graph of its own (Virtuoso), DROP ALL
        would also drop the server's own graphs: the store's graphs are dropped by name, a
        request per chunk.
        """
        if self.dialect.default_graph is None:
            super().clear()
            return
        graphs = [*self.named_graphs(), self.dialect.default_graph]
        for start in range(0, len(graphs), _CLEAR_CHUNK):
            chunk = graphs[start:start + _CLEAR_CHUNK]
            self._post_update(" ;\n".join(f"DROP SILENT GRAPH {_iri(g)}" for g in chunk))

    def dump(
        self,
        out: BinaryIO,
        fmt: str,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] = PREFIXES,
    ) -> None:
        """Stream the store to ``out`` in ``fmt`` (one of :data:`DUMP_FORMATS`), all of it.

        The named graphs come from the Graph Store endpoint when there is one, else page by
        page (:mod:`kg.store.remote_export`), following a server that caps its answers.
        What arrives is counted against a COUNT asked first: an answer cut short is a
        :class:`StoreError`, never a silently partial export.
        """
        _, keeps_graphs = _dump_format(fmt)
        items = self._export_items(graph, keeps_graphs=keeps_graphs)
        try:
            write_rdf(items, out, fmt, prefixes=prefixes)
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
        bindings: Mapping[str, Binding] | None = None,
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
                params.append(("default-graph-uri", NO_SUCH_GRAPH_IRI))
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        url = self.query_endpoint
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        accept = self._accept(sparql,
                              "application/sparql-results+json, application/n-triples;q=0.9")
        response = self._post_query(sparql, accept, url=url)
        with response:
            self._refuse_capped(response)
            media_type = response.headers.get_content_type()
            try:
                results_type = ox.QueryResultsFormat.from_media_type(media_type)
                parsed: object
                if results_type is not None:
                    parsed = self._parse_results(response, results_type)
                else:
                    parsed = ox.parse(response, self._rdf_format(response))
                return _raw_result(parsed, results_format=results_format,
                                   graph_format=graph_format, max_rows=max_rows)
            except (SyntaxError, ValueError, TypeError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

    def quad_count(self) -> int:
        """The number of quads in the dataset, the default graph included."""
        return self._count(f"{{ {self._named_where()} UNION {{ ?s ?p ?o }} }}")

    def close(self) -> None:
        """Forget the server; each request had its own connection, so nothing is left open."""
        self._closed = True


def open_remote(url: str, *, create: bool = True) -> SparqlStore:
    """Open the SPARQL server whose query endpoint is ``url`` (``create`` does not apply)."""
    return SparqlStore(url)
