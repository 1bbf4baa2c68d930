"""The graph from Python, for notebooks: open a store, run a query, get a pandas DataFrame.

    >>> import kg
    >>> graph = kg.open_store("kg-store")        # a folder, memory:, or a SPARQL endpoint URL
    >>> graph.query("events_with_actor", actor="Vladimir Putin").to_dataframe()

pandas is optional (``pip install 'diplomacy-kg[notebook]'``) and imported only when a
DataFrame is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rdflib import Literal
from rdflib.term import Node

from kg.queries import bind_params, load_queries, query_text, to_term
from kg.store import QueryResult, Store
from kg.store.view import open_for_reading

if TYPE_CHECKING:
    import pandas

NOTEBOOK_EXTRA = "pip install 'diplomacy-kg[notebook]'"


def to_python(term: Node | None) -> Any:
    """A term as a plain Python value: an IRI or blank node as text, a literal as its value."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        # A literal rdflib cannot read (an ill-typed date) stays its text, not a Literal.
        return str(term) if isinstance(value, Literal) else value
    return str(term)  # an IRI or a blank node


@dataclass(frozen=True)
class Answer:
    """A query's answer: its columns and rows as Python values (SELECT), or its boolean (ASK).

    A CONSTRUCT or DESCRIBE answer has the columns subject, predicate and object.
    """

    kind: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    boolean: bool | None = None

    @classmethod
    def of(cls, result: QueryResult) -> Answer:
        """The answer of a store's result."""
        if result.kind == "graph":
            rows = tuple(tuple(to_python(t) for t in triple) for triple in result.triples)
            return cls("graph", ("subject", "predicate", "object"), rows)
        rows = tuple(tuple(to_python(t) for t in row) for row in result.rows)
        return cls(result.kind, tuple(result.variables), rows, result.boolean)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (dict(zip(self.columns, row, strict=True)) for row in self.rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ask" else bool(self.rows)

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, one column per variable (pandas must be installed)."""
        try:
            import pandas
        except ImportError:
            raise ImportError(
                f"to_dataframe() needs pandas, which is not installed: {NOTEBOOK_EXTRA}"
            ) from None
        return pandas.DataFrame.from_records(list(self.rows), columns=list(self.columns))


class Graph:
    """A store opened for analysis: queries by text or by the name of a named query."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def query(self, text: str, **params: str) -> Answer:
        """Run SPARQL text, or the named query of that name with its parameters (as `kg query`).

        Parameter values are bound as RDF terms (a named query's declared types apply),
        never pasted into the query text.
        """
        named = load_queries()
        if text in named:
            bindings = bind_params(named[text], params, store=self.store)
            return Answer.of(self.store.query(query_text(named[text], self.store),
                                              bindings=bindings))
        terms = {name: to_term(value) for name, value in params.items()}
        return Answer.of(self.store.query(text, bindings=terms))

    def table(self, name: str) -> Answer:
        """One of the analysts' tables (``events``, ``participants``, ``sources``)."""
        from kg.pipeline.tables import table_query

        return Answer.of(self.store.query(table_query(name)))

    def close(self) -> None:
        """Release the store (and, for a folder, its lock)."""
        self.store.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<kg.Graph {self.store.url}>"


def open_graph(path_or_url: str | os.PathLike[str]) -> Graph:
    """Open a store folder (a read-only view if `kg serve` holds it), memory:, or a server.

    A `kg serve` may be given by its base URL (``http://127.0.0.1:8000/``): its SPARQL
    endpoint is ``/sparql`` below it.
    """
    url = os.fspath(path_or_url)
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.path in ("", "/") and not parts.query:
        url = url.rstrip("/") + "/sparql"
    return Graph(open_for_reading(url))
