"""The remote backend's transport: a SPARQL 1.1 server's endpoints and the HTTP requests to them.

Requests go with the standard library alone; an HTTP or network error is a
:class:`~kg.store.errors.StoreError` (a refused query or update: a
:class:`~kg.store.errors.QuerySyntaxError`).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from kg import SERVER_SOFTWARE
from kg.store.answers import _result
from kg.store.base import QueryResult
from kg.store.dialects import STANDARD, Dialect, dialect_named, dialect_of_server, query_form
from kg.store.endpoints import endpoints_of, redact_url
from kg.store.errors import NotAStore, QuerySyntaxError, StoreClosed, StoreError
from kg.store.fault import wrote
from kg.store.merge import _refused

# kg serve keeps its default graph the merge itself and takes documents whole at /ingest.
_KG_SERVE_WRITES = (
    "{url} is a `kg serve` endpoint: it does not take a store's writes. Send documents to "
    "its /ingest instead (curl -H 'Authorization: Bearer TOKEN' -F file=@page.md "
    "http://HOST:PORT/ingest), or give --store a folder or a SPARQL 1.1 server such as "
    "`oxigraph serve`"
)
_QUERY_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, "
    "application/sparql-results+xml;q=0.8, text/turtle;q=0.7"
)
_TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.8"


class SparqlTransport:
    """A SPARQL 1.1 server's endpoints, credentials and dialect, and the requests sent to them.

    :class:`kg.store.remote.SparqlStore` builds the Store interface on it.
    """

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
            raise StoreClosed(f"the store {self.url} is closed")
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
            raise StoreClosed(f"the store {self.url} is closed")
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

    def _run_query(self, sparql: str) -> QueryResult:
        """Run a query (its terms already in it) and read the answer, whatever its form."""
        with self._post_query(sparql, self._accept(sparql, _QUERY_ACCEPT)) as response:
            self._refuse_capped(response)
            try:
                return self._read_result(response)
            except (SyntaxError, ValueError, OSError) as exc:
                raise StoreError(f"unreadable answer from {self.query_endpoint}: {exc}") from None

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

    def _refuse_capped(self, response: http.client.HTTPResponse) -> None:
        """An answer the server says it cut short is an error, never a silently short answer.

        (Exports page past such caps: :mod:`kg.store.remote_export`. Virtuoso says so only of
        SELECT answers: its ``ResultSetMaxRows`` must exceed the largest answer the store asks
        for.)
        """
        cap = capped_at(response)
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


def capped_at(response: http.client.HTTPResponse) -> int | None:
    """The row cap a server says it cut this answer at (-1: cut, at an unknown number)."""
    for header in ("X-Result-Truncated", "X-SPARQL-MaxRows"):
        value = response.headers.get(header)
        if value is not None:
            digits = value.rpartition("=")[2].strip()
            return int(digits) if digits.isdigit() else -1
    return None
