"""The remote backend: a SPARQL 1.1 server, reached with the standard library alone.

Its URLs are ``http(s)://`` query endpoints (:mod:`kg.store.endpoints` reads them).
"""

from __future__ import annotations

import http.client
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.term import URIRef

from kg import SERVER_SOFTWARE
from kg.iri import NO_SUCH_GRAPH_IRI
from kg.store.answers import (
    _as_triples,
    _dump_format,
    _dump_prefixes,
    _in_graph,
    _named_only,
    _raw_result,
    _result,
)
from kg.store.base import QueryResult, RawResult, Store
from kg.store.bindings import Binding, _graph_node, _iri, _with_values
from kg.store.endpoints import endpoints_of, redact_url
from kg.store.errors import NotAStore, QuerySyntaxError, StoreError
from kg.store.fault import wrote
from kg.store.merge import (
    _add_updates,
    _drops,
    _load_updates,
    _refused,
    _remove_steps,
    _replace_update,
)
from kg.terms import Triple
from kg.vocab import PREFIXES

# kg serve keeps its default graph the merge itself and takes documents whole at /ingest.
_KG_SERVE_WRITES = (
    "{url} is a `kg serve` endpoint: it does not take a store's writes. Send documents to "
    "its /ingest instead (curl -H 'Authorization: Bearer TOKEN' -F file=@page.md "
    "http://HOST:PORT/ingest), or give --store a folder or a SPARQL 1.1 server such as "
    "`oxigraph serve`"
)

# The default graph is the merge of the named graphs, so it holds each fact once.
_MERGED_TRIPLES = "CONSTRUCT WHERE { ?s ?p ?o }"
_QUERY_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, "
    "application/sparql-results+xml;q=0.8, text/turtle;q=0.7"
)
_TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.8"


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

    remote = True

    def __init__(self, url: str, *, timeout: float | None = None) -> None:
        found = endpoints_of(url, timeout=timeout)
        self.url = redact_url(url)
        self.query_endpoint, self._query_auth = found.query
        self.update_endpoint, self._update_auth = found.update
        self.store_endpoint, self._store_auth = found.store
        self.timeout = found.timeout
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
            if url == self.update_endpoint and str(exc.headers.get("Server", "")).startswith(
                    SERVER_SOFTWARE):
                raise NotAStore(_KG_SERVE_WRITES.format(url=redact_url(url))) from None
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
        wrote("update")

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

    def add_triples(self, graph_iri: str, triples: Collection[ox.Triple]) -> None:
        """Add triples to a named graph, and so to the default graph; a request per chunk."""
        for update_text in _add_updates(graph_iri, triples):
            self._write(update_text)

    def load_triples(self, graph_iri: str, path: str | os.PathLike[str]) -> None:
        """Add an N-Triples file to a named graph and the default graph; a request per chunk.

        Each request writes a chunk to both graphs, which the server runs as one transaction.
        """
        with open(path, encoding="utf-8") as lines:
            for update_text in _load_updates(graph_iri, lines):
                self._write(update_text)

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
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows
        return sorted(str(g) for (g,) in rows if isinstance(g, URIRef))

    def query(self, sparql: str, *, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
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

    def _update(self, sparql: str) -> None:
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


def open_remote(url: str, *, create: bool = True) -> SparqlStore:
    """Open the SPARQL server whose query endpoint is ``url`` (``create`` does not apply)."""
    return SparqlStore(url)
