"""The parser's reductions: at each one, keep what the analysis needs and drop the rest.

Lark calls :class:`_Reader` as it reduces (no tree is built): IRIs are resolved against the
prologue read so far, each operation of an update is summed up with the graphs and blocks
it names, and the operators and graph patterns are counted against :data:`MAX_OPERATORS`.
The state of one parse lives in a thread-local :class:`_Scope`.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import lark

from kg.sparql.parts import (
    DEFAULT_TRIPLES,
    DefaultTriples,
    GraphBlock,
    GraphRef,
    Iri,
    Operation,
    ParsedQuery,
    ParsedUpdate,
    Quads,
    SparqlSyntaxError,
    SparqlTooComplex,
    Var,
)

#: How many operators and graph patterns a text may hold (the store recurses over them).
MAX_OPERATORS = 1000

# An escaped backslash first, so that "\\\\u0041" (a backslash, then u0041) is no escape.
ESCAPE = re.compile(r"\\\\|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_LOCAL_ESCAPE = re.compile(r"\\(.)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Rules whose every reduction is one graph pattern or operator for the store to recurse over.
_ONE_EACH = frozenset({
    "group_graph_pattern", "optional_graph_pattern", "minus_graph_pattern",
    "graph_graph_pattern", "service_graph_pattern", "filter", "bind", "inline_data",
    "additive_step", "unary_operator", "inverse", "path_mod", "comparison", "built_in_call",
    "aggregate", "function_call", "bracketted_expression", "group_condition",
    "order_condition",
})
# Rules of n operands joined by n - 1 operators (group_or_union_graph_pattern counts its own).
_OPERANDS = frozenset({
    "expression", "conditional_and_expression", "multiplicative_expression", "path",
    "path_sequence",
})


@dataclass
class _Scope:
    """What one parse has seen so far: its prologue, and its counts."""

    base: str | None
    prefixes: dict[str, str] = field(default_factory=dict)
    operators: int = 0
    services: int = 0
    graph_variables: bool = False


_local = threading.local()


def begin(base_iri: str | None) -> None:
    """Start the scope of a parse in this thread."""
    _local.scope = _Scope(base_iri)


def end() -> None:
    """End the scope of the parse in this thread."""
    _local.scope = None


def _scope() -> _Scope:
    scope = getattr(_local, "scope", None)
    assert isinstance(scope, _Scope)
    return scope


def _unescape(text: str) -> str:
    """An IRI's text with its \\u escapes read (an IRIREF holds no other backslash)."""
    return ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16))
                       if m.group(1) or m.group(2) else m.group(0), text)


def _count(scope: _Scope, amount: int) -> None:
    scope.operators += amount
    if scope.operators > MAX_OPERATORS:
        raise SparqlTooComplex(
            f"the text holds more than {MAX_OPERATORS} operators and graph patterns; the "
            "endpoint refuses more (split the work, or use VALUES or IN for long lists)"
        )


def _items(children: list[Any]) -> list[Any]:
    """What a rule passes up: the blocks of quads it holds, and nothing else."""
    found: list[Any] = []
    for child in children:
        if isinstance(child, GraphBlock | DefaultTriples):
            found.append(child)
        elif isinstance(child, list):
            found.extend(child)
    return found


def _tokens(children: list[Any], kind: str) -> list[lark.Token]:
    return [c for c in children if isinstance(c, lark.Token) and c.type == kind]


def _start(token: lark.Token) -> int:
    assert token.start_pos is not None  # the lexer sets it on every token
    return token.start_pos


def _end(token: lark.Token) -> int:
    assert token.end_pos is not None
    return token.end_pos


def _first(children: list[Any], kind: type) -> Any:
    return next((c for c in children if isinstance(c, kind)), None)


class _Using:
    """A USING clause (its graph is not needed: USING only changes what WHERE reads)."""


@dataclass(frozen=True)
class _Group:
    """A group graph pattern: just past its "{", where values bound to it go, and its "}"."""

    opens_at: int
    binds_at: int | None  # None: the group of a sub-select, where no VALUES block may open
    closes_at: int


class _SubSelect:
    """A sub-select (what the analysis needs of it is counted as it is read)."""


class Reader:
    """Called by the parser at each reduction: keeps what the analysis needs, drops the rest."""

    def __default__(self, rule: str, children: list[Any], _meta: object) -> Any:
        if rule.startswith("_"):
            # Lark's own rules for repetitions: their children are spliced into the parent's.
            return lark.Tree(rule, children)
        scope = _scope()
        if rule in _ONE_EACH:
            _count(scope, 1)
        elif rule in _OPERANDS:
            _count(scope, len(children) - 1)
        return _items(children)

    # -- prologue and terms

    def base_decl(self, children: list[Any]) -> None:
        scope = _scope()
        scope.base = self._resolve(scope, _unescape(children[1][1:-1]))

    def prefix_decl(self, children: list[Any]) -> None:
        scope = _scope()
        scope.prefixes[str(children[1])[:-1]] = self._resolve(scope, _unescape(children[2][1:-1]))

    def iri(self, children: list[Any]) -> Iri:
        scope = _scope()
        token = children[0]
        if token.type == "IRIREF":
            return Iri(self._resolve(scope, _unescape(token[1:-1])))
        prefix, _, local = str(token).partition(":")
        if prefix not in scope.prefixes:
            raise SparqlSyntaxError(f"line {token.line}: the prefix {prefix + ':'!r} is not "
                                    "declared (add PREFIX " + prefix + ": <…>)")
        return Iri(scope.prefixes[prefix] + _PN_LOCAL_ESCAPE.sub(r"\1", local))

    @staticmethod
    def _resolve(scope: _Scope, value: str) -> str:
        if scope.base and not _SCHEME.match(value):
            return urllib.parse.urljoin(scope.base, value)
        return value

    def var(self, children: list[Any]) -> Var:
        return Var(str(children[0])[1:])

    # -- queries

    def service_graph_pattern(self, children: list[Any]) -> list[Any]:
        scope = _scope()
        scope.services += 1
        _count(scope, 1)
        return []

    def graph_graph_pattern(self, children: list[Any]) -> list[Any]:
        scope = _scope()
        if any(isinstance(c, Var) for c in children):
            scope.graph_variables = True
        _count(scope, 1)
        return []

    def group_graph_pattern(self, children: list[Any]) -> _Group:
        _count(_scope(), 1)
        opens_at = _end(_tokens(children, "LBRACE")[0])
        closes_at = _start(_tokens(children, "RBRACE")[-1])
        if _first(children, _SubSelect):
            return _Group(opens_at, None, closes_at)
        leading = _first(children, _Group)
        return _Group(opens_at, leading.binds_at if leading else opens_at, closes_at)

    def group_graph_pattern_sub(self, children: list[Any]) -> _Group | list[Any]:
        # A group that begins with a group of its own (no triples before it, no UNION after
        # it) passes that group up, for its values to be bound there (ParsedQuery.binds_at).
        first = children[0] if children else None
        return first if isinstance(first, _Group) and first.binds_at is not None else []

    def group_or_union_graph_pattern(self, children: list[Any]) -> _Group | list[Any]:
        _count(_scope(), len(children) - 1)
        return children[0] if len(children) == 1 else []

    def where_clause(self, children: list[Any]) -> _Group:
        return _first(children, _Group)

    def sub_select(self, children: list[Any]) -> _SubSelect:
        _count(_scope(), 1)
        return _SubSelect()

    def _query(self, form: str, children: list[Any]) -> ParsedQuery:
        where = _first(children, _Group)
        if where is None:  # DESCRIBE without a WHERE clause
            return ParsedQuery(form, _scope().services, None, False)
        return ParsedQuery(form, _scope().services, where.opens_at, False, where.binds_at,
                           where.closes_at)

    def select_query(self, children: list[Any]) -> ParsedQuery:
        return self._query("SELECT", children)

    def construct_query(self, children: list[Any]) -> ParsedQuery:
        return self._query("CONSTRUCT", children)

    def construct_where(self, children: list[Any]) -> ParsedQuery:
        return ParsedQuery("CONSTRUCT", _scope().services, None, True)

    def describe_query(self, children: list[Any]) -> ParsedQuery:
        return self._query("DESCRIBE", children)

    def ask_query(self, children: list[Any]) -> ParsedQuery:
        return self._query("ASK", children)

    def query(self, children: list[Any]) -> ParsedQuery:
        parsed = _first(children, ParsedQuery)
        scope = _scope()
        # SERVICE in the VALUES or solution modifiers after the WHERE clause counts too.
        return dataclasses.replace(parsed, services=scope.services)

    def start_query(self, children: list[Any]) -> ParsedQuery:
        return children[0]

    # -- updates

    def quads_not_triples(self, children: list[Any]) -> GraphBlock:
        graph = _first(children, Iri) or _first(children, Var)
        return GraphBlock(graph)

    def triples_template(self, children: list[Any]) -> DefaultTriples:
        return DEFAULT_TRIPLES

    def construct_triples(self, children: list[Any]) -> list[Any]:
        return []

    def quad_pattern(self, children: list[Any]) -> Quads:
        return self._quads(children)

    def quad_data(self, children: list[Any]) -> Quads:
        return self._quads(children)

    @staticmethod
    def _quads(children: list[Any]) -> Quads:
        opening, closing = _tokens(children, "LBRACE")[0], _tokens(children, "RBRACE")[-1]
        return Quads(_start(opening), _end(closing), tuple(_items(children)))

    def graph_ref(self, children: list[Any]) -> GraphRef:
        return GraphRef("GRAPH", _first(children, Iri).value)

    def graph_ref_all(self, children: list[Any]) -> GraphRef:
        ref = _first(children, GraphRef)
        return ref if ref is not None else GraphRef(str(children[0]).upper())

    def graph_or_default(self, children: list[Any]) -> GraphRef:
        iri = _first(children, Iri)
        return GraphRef("GRAPH", iri.value) if iri is not None else GraphRef("DEFAULT")

    def _operation(self, kind: str, children: list[Any], **fields: Any) -> Operation:
        first = next(c for c in children if isinstance(c, lark.Token))
        graphs = tuple(c for c in children if isinstance(c, GraphRef))
        return Operation(kind, _start(first), graphs, **fields)

    def load(self, children: list[Any]) -> Operation:
        return self._operation("LOAD", children)

    def clear(self, children: list[Any]) -> Operation:
        return self._operation("CLEAR", children)

    def drop(self, children: list[Any]) -> Operation:
        return self._operation("DROP", children)

    def create(self, children: list[Any]) -> Operation:
        return self._operation("CREATE", children)

    def add(self, children: list[Any]) -> Operation:
        return self._operation("ADD", children)

    def move(self, children: list[Any]) -> Operation:
        return self._operation("MOVE", children)

    def copy(self, children: list[Any]) -> Operation:
        return self._operation("COPY", children)

    def insert_data(self, children: list[Any]) -> Operation:
        return self._operation("INSERT_DATA", children, insert=_first(children, Quads))

    def delete_data(self, children: list[Any]) -> Operation:
        return self._operation("DELETE_DATA", children, delete=_first(children, Quads))

    def delete_where(self, children: list[Any]) -> Operation:
        where = _tokens(children, "WHERE")[0]
        return self._operation("DELETE_WHERE", children, delete=_first(children, Quads),
                               where=(_start(where), _end(where)))

    def delete_clause(self, children: list[Any]) -> tuple[str, Quads, int]:
        return ("delete", _first(children, Quads), _start(children[0]))

    def insert_clause(self, children: list[Any]) -> tuple[str, Quads, int]:
        return ("insert", _first(children, Quads), _start(children[0]))

    def select_item(self, children: list[Any]) -> list[Any]:
        if len(children) > 1:  # ( expression AS ?var ): one more step for the store
            _count(_scope(), 1)
        return []

    def using_clause(self, children: list[Any]) -> _Using:
        return _Using()

    def with_clause(self, children: list[Any]) -> tuple[str, str, int]:
        return ("with", _first(children, Iri).value, _start(children[0]))

    def where_group(self, children: list[Any]) -> tuple[str, tuple[int, int]]:
        return ("where", (_start(children[0]), _end(children[0])))

    def modify(self, children: list[Any]) -> Operation:
        parts = {c[0]: c for c in children if isinstance(c, tuple)}
        with_clause = parts.get("with")
        first = with_clause or parts.get("delete") or parts["insert"]
        delete, insert = parts.get("delete"), parts.get("insert")
        return Operation(
            "MODIFY", first[2],
            with_iri=with_clause[1] if with_clause else None,
            delete=delete[1] if delete else None,
            insert=insert[1] if insert else None,
            using=sum(1 for c in children if isinstance(c, _Using)),
            where=parts["where"][1],
        )

    def update(self, children: list[Any]) -> ParsedUpdate:
        operations = tuple(c for c in children if isinstance(c, Operation))
        semicolons = _tokens(children, "SEMI")
        trailing = None
        if semicolons and (not operations or _start(semicolons[-1]) > operations[-1].start):
            trailing = _start(semicolons[-1])
        scope = _scope()
        return ParsedUpdate(operations, scope.services, scope.graph_variables, trailing)

    def start_update(self, children: list[Any]) -> ParsedUpdate:
        return children[0]
