"""Terms as SPARQL text in the store's queries: kg.terms writes them, here its errors become
the store's; and variable bindings as a VALUES block, placed by the SPARQL grammar.

A variable is bound to one term, or to a tuple of the terms it may take (what a text index
found): one VALUES row each, and no solution at all for an empty tuple.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node

from kg.sparql.parse import SparqlSyntaxError, parse_query
from kg.store.errors import QuerySyntaxError, StoreError
from kg.terms import TermError, sparql_iri, sparql_term, variable_name

#: What a query variable is bound to: one term, or the terms it may take (a VALUES row each).
Binding = Node | tuple[Node, ...]


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


def has_alternatives(bindings: Mapping[str, Binding]) -> bool:
    """Whether a variable is bound to a tuple of terms (which only a VALUES block can say)."""
    return any(isinstance(value, tuple) for value in bindings.values())


def _with_values(sparql: str, bindings: Mapping[str, Binding]) -> str:
    """The query with a VALUES block for ``bindings`` first in its WHERE group (or in the group
    that group begins with: ParsedQuery.binds_at): one row for the variables bound to a term,
    and a block of its own for each bound to a tuple."""
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
    # A tuple of one term is that term: in one row with the others, Oxigraph joined them
    # first; each in a block of its own, it read an actor's every event for each (a name
    # bound to its one IRI cost 4x the IRI itself, 162 against 41 ms at 100k events).
    single = {n: v[0] if isinstance(v, tuple) else v for n, v in bindings.items()
              if not isinstance(v, tuple) or len(v) == 1}
    block = ""
    if single:
        names = " ".join(f"?{_variable_name(n)}" for n in single)
        values = " ".join(_values_term(_as_term(v)) for v in single.values())
        block = f" VALUES ({names}) {{ ({values}) }}"
    for name, terms in bindings.items():
        if isinstance(terms, tuple) and len(terms) != 1:
            rows = " ".join(_values_term(_as_term(term)) for term in terms)
            block += f" VALUES ?{_variable_name(name)} {{ {rows} }}"
    if shape.binds_at is not None:
        return sparql[: shape.binds_at] + block + " " + sparql[shape.binds_at :]
    # The WHERE group is a sub-select, which the grammar lets nothing precede in its group:
    # it goes into a group of its own, beside the block (the same answers).
    closes = shape.where_closes_at
    assert closes is not None  # a WHERE group has its "}"
    return (sparql[: shape.where_at] + block + " { " + sparql[shape.where_at : closes]
            + " } " + sparql[closes:])


def dataset_options(
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
