"""What a SPARQL text's parse gives: the few facts the analysis needs, and the errors."""

from __future__ import annotations

from dataclasses import dataclass


class SparqlSyntaxError(ValueError):
    """A text the SPARQL 1.1 grammar does not accept, or that breaks a bound."""


class SparqlTooComplex(SparqlSyntaxError):
    """A text that nests deeper, or holds more operators, than the store may recurse over."""


# -- what the parse gives ---------------------------------------------------------------------


@dataclass(frozen=True)
class Iri:
    """An IRI as the text means it: prefixes expanded, escapes read, resolved against BASE."""

    value: str


@dataclass(frozen=True)
class Var:
    """A variable, by name."""

    name: str


@dataclass(frozen=True)
class GraphBlock:
    """``GRAPH <g> { ... }`` (or ``GRAPH ?g``) in quad data or a template."""

    graph: Iri | Var


@dataclass(frozen=True)
class DefaultTriples:
    """Triples outside any GRAPH block of quad data or a template: the default graph's."""


DEFAULT_TRIPLES = DefaultTriples()


@dataclass(frozen=True)
class Quads:
    """A ``{ ... }`` of quad data or a quad template: where it stands, and what it writes."""

    start: int
    end: int  # just past the closing brace
    parts: tuple[GraphBlock | DefaultTriples, ...]


@dataclass(frozen=True)
class GraphRef:
    """A graph an operation names: GRAPH (with its IRI), DEFAULT, NAMED or ALL."""

    kind: str
    iri: str | None = None


@dataclass(frozen=True)
class Operation:
    """One update operation: its kind and the graphs and blocks it names, with positions."""

    kind: str  # LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT_DATA DELETE_DATA DELETE_WHERE MODIFY
    start: int
    graphs: tuple[GraphRef, ...] = ()  # CLEAR/DROP/CREATE/LOAD INTO: one; ADD/MOVE/COPY: two
    with_iri: str | None = None
    delete: Quads | None = None
    insert: Quads | None = None
    using: int = 0
    where: tuple[int, int] | None = None  # the WHERE keyword of MODIFY and DELETE WHERE


@dataclass(frozen=True)
class ParsedUpdate:
    """An update: its operations in order, and where the text's parts stand."""

    operations: tuple[Operation, ...]
    services: int
    graph_variables: bool  # GRAPH ?g anywhere: the update can reach every named graph
    trailing_semicolon: int | None  # where a final ';' (and any prologue after it) starts


@dataclass(frozen=True)
class ParsedQuery:
    """A query: its form, whether it uses SERVICE, and where its WHERE group opens."""

    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    services: int
    where_at: int | None  # just past the "{" of the WHERE group
    short_construct: bool  # CONSTRUCT WHERE { ... }: the template is the pattern
    # Where a VALUES block binding the query's variables goes: just past the "{" of the
    # innermost group that the WHERE group begins with (no triples before it, no UNION after
    # it, no sub-select), so that the FILTERs of that group see the bound values too. None
    # when the WHERE group is a sub-select: no VALUES block may open that group.
    binds_at: int | None = None
    where_closes_at: int | None = None  # where the "}" of the WHERE group starts
