"""Terms as SPARQL text in the store's queries: kg.terms writes them, here its errors become
the store's; and variable bindings as a VALUES block, placed by the SPARQL grammar."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node

from kg.sparql.parse import SparqlSyntaxError, parse_query
from kg.store.errors import QuerySyntaxError, StoreError
from kg.terms import TermError, sparql_iri, sparql_term, variable_name


def _iri(value: str) -> str:
    """``<value>``, or StoreError if ``value`` is not an absolute IRI that can be written so."""
    try:
        return sparql_iri(value)
    except TermError as exc:
        raise StoreError(str(exc)) from None


def _graph_node(graph_iri: str) -> ox.NamedNode:
    """A graph IRI as a pyoxigraph term, checked as :func:`_iri` checks it."""
    _iri(graph_iri)
    try:
        return ox.NamedNode(graph_iri)
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {graph_iri!r}: {exc}") from None


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
