"""The remote backend's export: every row of a SELECT, paged through a server's row cap.

What arrives is counted against a COUNT asked first: an answer cut short is a
:class:`~kg.store.errors.StoreError`, never a silently partial export.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from kg.store.answers import _named_only
from kg.store.bindings import _graph_node, _iri
from kg.store.endpoints import redact_url
from kg.store.errors import StoreError
from kg.store.remote_http import SparqlTransport, capped_at

# What an export reads, as groups of a SELECT (:meth:`PagedExport._paged`): the merged
# default graph (it holds each fact once) and one named graph.
_MERGED_TRIPLES = "{ ?s ?p ?o }"
_GRAPH_TRIPLES = "{{ GRAPH {name} {{ ?s ?p ?o }} }}"
_SPO = ("s", "p", "o")


class PagedExport(SparqlTransport):
    """Reads a remote store whole: its named graphs' quads, the merged default graph, a graph."""

    def _export_items(self, graph: str | None, *, keeps_graphs: bool
                      ) -> Iterable[ox.Quad] | Iterable[ox.Triple]:
        """What an export of ``graph`` (None: the store) writes; quads if the format keeps them.

        The named graphs come as N-Quads from the Graph Store endpoint when there is one, else,
        like the merged default graph and single graphs, from SELECT queries page by page
        (:meth:`_paged`), which follows a server that caps its answers (``kg serve --max-rows``).
        """
        if graph is None and keeps_graphs:
            return self._named_quads()
        if graph is None:
            return (ox.Triple(*row) for row in self._paged(_SPO, _MERGED_TRIPLES))
        name = _graph_node(graph)
        rows = self._paged(_SPO, _GRAPH_TRIPLES.format(name=_iri(graph)))
        return (ox.Quad(s, p, o, name) for s, p, o in rows)

    def _named_where(self) -> str:
        """The group that matches every quad of the named graphs (the dialect's own left out)."""
        hidden = self.dialect.hidden_graphs
        if not hidden:
            return "{ GRAPH ?g { ?s ?p ?o } }"
        names = ", ".join(_iri(g) for g in hidden)
        return f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g NOT IN ({names})) }}"

    def _count(self, where: str) -> int:
        rows = self._run_query(f"SELECT (COUNT(*) AS ?n) WHERE {where}").rows
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
                cap = capped_at(response)
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
