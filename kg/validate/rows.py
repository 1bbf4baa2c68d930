"""The rows of compiled checks read as SHACL results, named and worded as pySHACL's.

Rows stream from the store one check at a time: nothing here holds more than one check's
repeated-row keys and the results themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.rdffile import to_oxigraph, to_rdflib
from kg.validate.constraint import INSTANCE_OF, Check, local
from kg.validate.report import ValidationResult, report_term


def run_checks(store: ox.Store, shapes: Graph, checks: Iterable[Check], *,
               done: Callable[[Check], None] | None = None) -> Iterator[ValidationResult]:
    """The results the checks raise on the store's default graph, as its rows stream.

    ``done`` is told each check once its rows are read.
    """
    types: dict[Node, set[Node]] = {}
    for check in checks:
        seen: set[tuple[object, ...]] = set()
        solutions = store.query(check.query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {n: to_rdflib(row[n]) for n in names if row[n] is not None}
            key = tuple(sorted(bound.items()))
            bound = {n: t for n, t in bound.items() if not n.startswith("_")}
            # pySHACL drops a repeated row of a SPARQL constraint, and a focus node that
            # two targets reach gives its rows twice.
            if key in seen:
                continue
            seen.add(key)
            yield _result(store, shapes, check, bound, types)
        if done is not None:
            done(check)


def _result(store: ox.Store, shapes: Graph, check: Check, bound: dict[str, Node],
            types: dict[Node, set[Node]]) -> ValidationResult:
    focus = bound.pop("this")
    value = bound.pop("value", None)
    path_node = bound.pop("path", None)
    if value is None and check.value_is_focus:
        value = focus
    path = check.path
    if check.sparql and path_node is not None:
        path = report_term(path_node) if isinstance(path_node, URIRef) else str(path_node)
    messages: list[str]
    if check.sparql:
        names = dict(bound)
        names.update({k: v for k, v in (("this", focus), ("path", path_node),
                                          ("value", value)) if v is not None})
        shape_texts = [_format(str(m), names) for m in check.messages]
        extra = [_format(str(m), names) for m in check.sparql_messages
                 if m not in check.messages]
        messages = sorted(shape_texts + extra)
    else:
        messages = sorted(str(m) for m in check.messages)
    return ValidationResult(
        severity=check.severity,
        focus_node=focus,
        path=path,
        value=value,
        message=" ".join(messages) or "(no message)",
        source_shape=check.source_shape,
        shape=_shape_name(store, shapes, check, focus, types),
        constraint=check.constraint,
    )


def _format(message: str, names: dict[str, Node]) -> str:
    # As pySHACL substitutes {?name} and {$name}, replacement text and all.
    for name, term in names.items():
        message = re.sub(f"{{[?$]{name}}}", str(term), message)
    return message


def _shape_name(store: ox.Store, shapes: Graph, check: Check, focus: Node,
                types: dict[Node, set[Node]]) -> str:
    # As kg.validate.run names a result: a shared property shape after the parent that
    # targets the focus node's classes.
    source = check.source_shape
    if isinstance(source, URIRef) and (source, SH.path, None) not in shapes:
        return local(source)
    parents = [p for p in check.parents if isinstance(p, URIRef)]
    if len(parents) > 1:
        if focus not in types:
            types[focus] = _types(store, focus)
        matching = [p for p in parents
                    if set(shapes.objects(p, SH.targetClass)) & types[focus]]
        parents = matching or parents
    if len(parents) == 1 or (parents and not isinstance(source, URIRef)):
        return local(parents[0])
    return local(source) if isinstance(source, URIRef) else ""


def _types(store: ox.Store, node: Node) -> set[Node]:
    if isinstance(node, Literal):
        return set()
    # A binding, not text: a blank node written in a query would be a variable.
    solutions = store.query(f"SELECT DISTINCT ?node ?c WHERE {{ ?node {INSTANCE_OF} ?c }}",
                            substitutions={ox.Variable("node"): to_oxigraph(node)})
    assert isinstance(solutions, ox.QuerySolutions)
    return {to_rdflib(row["c"]) for row in solutions}

