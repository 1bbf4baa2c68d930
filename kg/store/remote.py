"""The remote backend: a SPARQL 1.1 server, reached with the standard library alone.

Its URLs are ``http(s)://`` query endpoints (:mod:`kg.store.endpoints` reads them).
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib.term import URIRef

from kg import SERVER_SOFTWARE
from kg.iri import NO_SUCH_GRAPH_IRI, scratch_graph_iri
from kg.rdfio import write_rdf
from kg.store.answers import (
    _dump_format,
    _named_only,
    _raw_result,
    _result,
)
from kg.store.base import QueryResult, RawResult, Store
from kg.store.bindings import Binding, _graph_node, _iri, _with_values
from kg.store.dialects import (
    STANDARD,
    Dialect,
    add_update,
    check_lines,
    dialect_named,
    dialect_of_server,
    drop_update,
    insert_update,
    move_update,
    query_form,
)
from kg.store.endpoints import endpoints_of, redact_url
from kg.store.errors import NotAStore, QuerySyntaxError, StoreError
from kg.store.fault import wrote
from kg.store.merge import (
    _CHUNK_TRIPLES,
    _add_updates,
    _drops,
    _load_updates,
    _refused,
    _remove_steps,
    _replace_update,
    _triple_line,
)
from kg.terms import Triple, ox_line
from kg.vocab import PREFIXES

# kg serve keeps its default graph the merge itself and takes documents whole at /ingest.
_KG_SERVE_WRITES = (
    "{url} is a `kg serve` endpoint: it does not take a store's writes. Send documents to "
    "its /ingest instead (curl -H 'Authorization: Bearer TOKEN' -F file=@page.md "
    "http://HOST:PORT/ingest), or give --store a folder or a SPARQL 1.1 server such as "
    "`oxigraph serve`"
)

# What an export reads, as groups of a SELECT (:meth:`SparqlStore._paged`): the merged
# default graph (it holds each fact once) and one named graph.
_MERGED_TRIPLES = "{ ?s ?p ?o }"
_GRAPH_TRIPLES = "{{ GRAPH {name} {{ ?s ?p ?o }} }}"
_SPO = ("s", "p", "o")
_CLEAR_CHUNK = 500  # graphs dropped per request of a clear() by name
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

    def __init__(self, url: str, *, timeout: float | None = None) -> None:
        found = endpoints_of(url, timeout=timeout)
        self.url = redact_url(url)
        self.query_endpoint, self._query_auth = found.query
        self.update_endpoint, self._update_auth = found.update
        self.store_endpoint, self._store_auth = found.store
        self.timeout = found.timeout
        self._dialect = dialect_named(found.dialect) if found.dialect else None
        self._closed = False

    @property
    def dialect(self) -> Dialect:
        """How this server is spoken to: from ``dialect=``, else from its ``Server`` header."""
        if self._dialect is None:
            self._dialect = dialect_of_server(self._server_header())
        return self._dialect

    def _server_header(self) -> str:
        """The ``Server`` header of a GET of the query endpoint (an error page says it too)."""
        if self._closed:
            raise StoreError(f"the store {self.url} is closed")
        headers = {"User-Agent": "diplomacy-kg"}
        if self._query_auth:
            headers["Authorization"] = self._query_auth
        request = urllib.request.Request(self.query_endpoint, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return str(response.headers.get("Server", ""))
        except urllib.error.HTTPError as exc:
            with exc:
                return str(exc.headers.get("Server", ""))
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise StoreError(f"cannot reach {redact_url(self.query_endpoint)}: {reason}") from None

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

    def _query_body(self, sparql: str) -> tuple[bytes, str]:
        """The body and content type that carry a query in this server's dialect."""
        dialect = self.dialect
        text = dialect.prologue(sparql) + dialect.own_text(sparql)
        if dialect.form_queries:
            return (urllib.parse.urlencode({"query": text}).encode("ascii"),
                    "application/x-www-form-urlencoded")
        return text.encode("utf-8"), "application/sparql-query; charset=utf-8"

    def _post_query(self, sparql: str, accept: str, url: str | None = None
                    ) -> http.client.HTTPResponse:
        body, content_type = self._query_body(sparql)
        return self._request(
            url or self.query_endpoint,
            self._query_auth,
            body=body,
            content_type=content_type,
            accept=accept,
            sparql=True,
        )

    def _post_update(self, sparql: str) -> None:
        dialect = self.dialect
        text = dialect.own_text(sparql)
        response = self._request(
            self.update_endpoint,
            self._update_auth,
            body=(dialect.prologue() + text).encode("utf-8"),
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

    def _parse_results(self, response: http.client.HTTPResponse,
                       results_format: ox.QueryResultsFormat
                       ) -> ox.QuerySolutions | ox.QueryBoolean:
        """SELECT or ASK results, read as the standard writes them (Dialect.fixed_results)."""
        if self.dialect is STANDARD or results_format != ox.QueryResultsFormat.JSON:
            return ox.parse_query_results(response, results_format)
        data = json.load(response)
        if not isinstance(data, dict):
            raise ValueError("SPARQL JSON results are an object")
        fixed = json.dumps(self.dialect.fixed_results(data)).encode("utf-8")
        return ox.parse_query_results(fixed, results_format)

    def _read_result(self, response: http.client.HTTPResponse) -> QueryResult:
        media_type = response.headers.get_content_type()
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is not None:
            return _result(self._parse_results(response, results_format))
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is not None:
            return _result(ox.parse(response, rdf_format))
        raise StoreError(f"{self.query_endpoint} answered an unexpected {media_type}")

    # -- the Store interface

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
        with self._post_query(sparql, self._accept(sparql, _QUERY_ACCEPT)) as response:
            self._refuse_capped(response)
            try:
                return self._read_result(response)
            except (SyntaxError, ValueError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

    def _refuse_capped(self, response: http.client.HTTPResponse) -> None:
        """An answer the server says it cut short is an error, never a silently short answer.

        (Exports page past such caps: :meth:`_paged`. Virtuoso says so only of SELECT answers:
        its ``ResultSetMaxRows`` must exceed the largest answer the store asks for.)
        """
        cap = _capped_at(response)
        if cap is not None:
            response.close()
            raise StoreError(
                f"{self.query_endpoint} cut its answer short at {cap if cap >= 0 else 'some'} "
                "rows: raise its limit (kg serve --max-rows; Virtuoso: [SPARQL] "
                "ResultSetMaxRows in virtuoso.ini)")

    def _accept(self, sparql: str, accept: str) -> str:
        """What to ask the server to answer in: triples for CONSTRUCT and DESCRIBE, results
        for SELECT and ASK, where the dialect wants it said (read by the SPARQL parser)."""
        if not self.dialect.accept_by_form:
            return accept
        if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
            return _TRIPLES_ACCEPT
        return "application/sparql-results+json"

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

        The named graphs come as N-Quads from the Graph Store endpoint when there is one, else,
        like the merged default graph and single graphs, from SELECT queries page by page
        (:meth:`_paged`), which follows a server that caps its answers (``kg serve --max-rows``).
        What arrives is counted against a COUNT asked first: an answer cut short is a
        :class:`StoreError`, never a silently partial export.
        """
        _, keeps_graphs = _dump_format(fmt)
        items: Iterable[ox.Quad] | Iterable[ox.Triple]
        if graph is None and keeps_graphs:
            items = self._named_quads()
        elif graph is None:
            items = (ox.Triple(*row) for row in self._paged(_SPO, _MERGED_TRIPLES))
        else:
            name = _graph_node(graph)
            rows = self._paged(_SPO, _GRAPH_TRIPLES.format(name=_iri(graph)))
            items = (ox.Quad(s, p, o, name) for s, p, o in rows)
        try:
            write_rdf(items, out, fmt, prefixes=prefixes)
        except (SyntaxError, ValueError, TypeError, OSError) as exc:
            raise StoreError(f"export failed: {exc}") from None

    def _named_where(self) -> str:
        """The group that matches every quad of the named graphs (the dialect's own left out)."""
        hidden = self.dialect.hidden_graphs
        if not hidden:
            return "{ GRAPH ?g { ?s ?p ?o } }"
        names = ", ".join(_iri(g) for g in hidden)
        return f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g NOT IN ({names})) }}"

    def _count(self, where: str) -> int:
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {where}").rows
        if len(rows) != 1 or rows[0][0] is None:
            raise StoreError(f"{self.query_endpoint} answered no count to a COUNT query (it "
                             "gives no rows at all?)")
        return int(str(rows[0][0]))

    def _named_quads(self) -> Iterator[ox.Quad]:
        """The quads of the named graphs: by the Graph Store endpoint, else page by page."""
        if self.store_endpoint is None:
            for g, s, p, o in self._paged(("g", "s", "p", "o"), self._named_where()):
                yield ox.Quad(s, p, o, g)
            return
        expected = self._count(self._named_where())
        response = self._request(self.store_endpoint, self._store_auth,
                                 accept="application/n-quads")
        with response:
            source_format = self._rdf_format(response)
            if not source_format.supports_datasets:
                # A Graph Store that gives only the default graph: the named graphs by SPARQL.
                response.close()
                for g, s, p, o in self._paged(("g", "s", "p", "o"), self._named_where()):
                    yield ox.Quad(s, p, o, g)
                return
            got = 0
            try:
                for quad in _named_only(ox.parse(response, source_format)):
                    got += 1
                    yield quad
            except (SyntaxError, ValueError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.store_endpoint}: {exc}") from None
        if got != expected:
            raise StoreError(self._short(self.store_endpoint, got, expected))

    def _paged(self, variables: tuple[str, ...], where: str) -> Iterator[tuple[Any, ...]]:
        """The rows of a SELECT of ``variables`` over the group ``where``, all of them.

        First one unsorted answer, streamed, unless the server says (before the body) that it
        cut it short: ``X-Result-Truncated`` (kg serve) or ``X-SPARQL-MaxRows`` (Virtuoso).
        Then pages, sorted and cut with LIMIT and OFFSET; a page shorter than asked before the
        count is reached means the server caps its answers, and the next pages ask no more
        than it gave. Fewer rows than the count in the end (the store changed meanwhile, or
        the server gave nothing more) is a :class:`StoreError`.
        """
        expected = self._count(where)
        page = self.dialect.page_rows
        offset = 0
        if expected and self.dialect.whole_answer_first:
            names = " ".join(f"?{v}" for v in variables)
            with self._post_query(f"SELECT {names} WHERE {where}",
                                  "application/sparql-results+json") as response:
                cap = _capped_at(response)
                if cap is None:
                    for row in self._rows(response, variables):
                        offset += 1
                        yield row
                    if offset != expected:
                        raise StoreError(self._short(self.query_endpoint, offset, expected))
                    return
                page = min(page, cap) if cap > 0 else page  # 0 or unknown: as asked
        while offset < expected:
            text = self.dialect.page_query(variables, where, limit=page, offset=offset)
            got = 0
            with self._post_query(text, "application/sparql-results+json") as response:
                for row in self._rows(response, variables):
                    got += 1
                    yield row
            if got == 0:
                break
            offset += got
            page = min(page, got)  # a short page before the end: the server's own cap
        if offset != expected:
            raise StoreError(self._short(self.query_endpoint, offset, expected))

    def _rows(self, response: http.client.HTTPResponse,
              variables: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
        """The rows of a SPARQL JSON answer, each term bound."""
        try:
            solutions = self._parse_results(response, ox.QueryResultsFormat.JSON)
            if not isinstance(solutions, ox.QuerySolutions):
                raise StoreError(f"{self.query_endpoint} did not answer a SELECT with rows")
            for solution in solutions:
                row = tuple(solution[v] for v in variables)
                if any(term is None for term in row):
                    raise StoreError(f"{self.query_endpoint} answered a row with a variable "
                                     f"unbound: {solution}")
                yield row
        except (SyntaxError, ValueError, OSError) as exc:
            raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

    def _short(self, url: str, got: int, expected: int) -> str:
        return (f"the export is incomplete: {redact_url(url)} gave {got} of the {expected} "
                "triples or quads it counted (the store changed during the export, or the "
                "server cuts its answers short); nothing complete was written")

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


def _capped_at(response: http.client.HTTPResponse) -> int | None:
    """The row cap a server says it cut this answer at (-1: cut, at an unknown number)."""
    for header in ("X-Result-Truncated", "X-SPARQL-MaxRows"):
        value = response.headers.get(header)
        if value is not None:
            digits = value.rpartition("=")[2].strip()
            return int(digits) if digits.isdigit() else -1
    return None


def open_remote(url: str, *, create: bool = True) -> SparqlStore:
    """Open the SPARQL server whose query endpoint is ``url`` (``create`` does not apply)."""
    return SparqlStore(url)
