"""What a SPARQL query or update asks for, read from its text before anything runs.

The endpoint needs to know, before it hands a request to the store: the query form (to pick
a result format), whether the text would make the server fetch a URL (``SERVICE``, ``LOAD``),
and for an update which graphs it writes, so that the default graph can be kept the merge of
the named graphs. The tokens of kg.sparql are enough for that: the store's parser still
decides what is valid SPARQL.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from kg.sparql import QUERY_FORMS, Token, tokens


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query; None if it has none."""
    for token in tokens(text):
        if token.depth == 0 and token.is_word(*QUERY_FORMS):
            return token.text.upper()
    return None


def is_update(text: str) -> bool:
    """Whether the text reads as an update (it has no query form but update keywords)."""
    for token in tokens(text):
        if token.depth != 0 or token.kind != "word":
            continue
        word = token.text.upper()
        if word in QUERY_FORMS:
            return False
        if word in _UPDATE_KEYWORDS:
            return True
    return False


def uses_service(text: str) -> bool:
    """Whether the text has a ``SERVICE`` clause, which would make the server fetch a URL."""
    return any(token.is_word("SERVICE") for token in tokens(text))


_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


@dataclass
class UpdatePlan:
    """What an update writes, as far as its text tells.

    ``targets`` are the named graphs it may write, or None when one of them is reached
    through a variable (``GRAPH ?g`` in a template) or cannot be resolved.
    """

    targets: set[str] | None = field(default_factory=set)
    whole_store: bool = False  # CLEAR/DROP ALL or NAMED
    named_only: bool = False  # CLEAR/DROP NAMED: every named graph, the default kept
    reads_graph_variables: bool = False  # GRAPH ?g anywhere: it can see every named graph
    deletes: bool = False  # it may remove triples from a named graph
    default_writes: list[str] = field(default_factory=list)  # operations on the default graph
    loads: bool = False
    services: bool = False
    dataset_clauses: bool = False  # USING or WITH
    modify_wheres: list[tuple[int, int, int | None]] = field(default_factory=list)

    def add_target(self, graph: str | None) -> None:
        """Record a written graph; None (unknown) makes the targets unknown."""
        if graph is None:
            self.targets = None
        elif self.targets is not None:
            self.targets.add(graph)

    @property
    def static(self) -> bool:
        """Whether the graphs it writes and reads are all named in the text."""
        return self.targets is not None and not self.whole_store and not self.reads_graph_variables


class _Resolver:
    """Graph names as absolute IRIs, with the prefixes and base the text declared so far."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.prefixes: dict[str, str] = {}

    def iri(self, token: Token) -> str | None:
        if token.kind == "iri":
            value = token.text[1:-1]
            if "\\" in value:
                return None
            if self.base and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", value):
                return urllib.parse.urljoin(self.base, value)
            return value
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes or "\\" in local or "%" in local:
                return None
            return self.prefixes[prefix] + local
        return None


def plan_update(text: str, *, base_iri: str | None = None) -> UpdatePlan:
    """Read an update's operations and record what each writes."""
    plan = UpdatePlan()
    resolver = _Resolver(base_iri)
    items = tokens(text)
    plan.services = any(t.is_word("SERVICE") for t in items)
    plan.reads_graph_variables = any(
        t.is_word("GRAPH") and i + 1 < len(items) and items[i + 1].kind == "var"
        for i, t in enumerate(items)
    )
    for operation in _operations(items):
        _plan_operation(operation, plan, resolver)
    return plan


def _operations(items: Sequence[Token]) -> Iterator[list[Token]]:
    current: list[Token] = []
    for token in items:
        if token.kind == "semi" and token.depth == 0:
            yield current
            current = []
        else:
            current.append(token)
    if current:
        yield current


def _block(items: Sequence[Token], start: int) -> int:
    """The index just past the brace that closes the one opening at ``start``."""
    depth = items[start].depth
    for index in range(start + 1, len(items)):
        if items[index].kind == "close" and items[index].depth == depth:
            return index + 1
    return len(items)


def _plan_operation(items: list[Token], plan: UpdatePlan, resolver: _Resolver) -> None:
    index = 0
    # The prologue: PREFIX and BASE declarations apply to this and later operations.
    while index < len(items) and items[index].is_word("PREFIX", "BASE"):
        if items[index].is_word("BASE") and index + 1 < len(items):
            resolved = resolver.iri(items[index + 1])
            resolver.base = resolved or resolver.base
            index += 2
        elif index + 2 < len(items):
            name = items[index + 1].text.rstrip(":")
            resolved = resolver.iri(items[index + 2])
            if resolved is not None:
                resolver.prefixes[name] = resolved
            index += 3
        else:
            index += 1
    rest = items[index:]
    if not rest:
        return
    head = rest[0].text.upper() if rest[0].kind == "word" else ""
    words = [t for t in rest if t.kind == "word" and t.depth == 0]
    if head == "LOAD":
        plan.loads = True
        into = next((i for i, t in enumerate(rest) if t.is_word("INTO")), None)
        if into is None:
            plan.default_writes.append("LOAD into the default graph")
        else:
            graph = rest[into + 2] if rest[into + 1].is_word("GRAPH") else rest[into + 1]
            plan.add_target(resolver.iri(graph))
            plan.deletes = True
    elif head in ("CLEAR", "DROP", "CREATE"):
        _plan_graph_management(head, [t for t in rest[1:] if not t.is_word("SILENT")], plan,
                               resolver)
    elif head in ("ADD", "MOVE", "COPY"):
        _plan_transfer(head, [t for t in rest[1:] if not t.is_word("SILENT")], plan, resolver)
    elif head in ("INSERT", "DELETE") and len(rest) > 1 and rest[1].is_word("DATA", "WHERE"):
        kind = rest[1].text.upper()
        if head == "DELETE":
            plan.deletes = True
        opening = next((i for i, t in enumerate(rest) if t.kind == "open"), None)
        if opening is not None:
            label = f"{head} {kind}"
            _plan_quads(rest, opening, _block(rest, opening), plan, resolver, label)
        if kind == "WHERE":
            plan.modify_wheres.append((rest[1].start, rest[1].end, None))
    elif head in ("INSERT", "DELETE", "WITH"):
        _plan_modify(rest, plan, resolver)
    elif words:
        plan.default_writes.append(f"unknown operation {words[0].text}")


def _graph_ref(items: Sequence[Token], at: int) -> tuple[str, Token | None, int]:
    """At ``at``: DEFAULT, NAMED, ALL, or [GRAPH] name; returns (kind, name token, next index)."""
    if at >= len(items):
        return "none", None, at
    token = items[at]
    if token.is_word("DEFAULT", "NAMED", "ALL"):
        return token.text.upper(), None, at + 1
    if token.is_word("GRAPH"):
        at += 1
    if at < len(items):
        return "graph", items[at], at + 1
    return "none", None, at


def _plan_graph_management(
    head: str, items: list[Token], plan: UpdatePlan, resolver: _Resolver
) -> None:
    kind, name, _ = _graph_ref(items, 0)
    if kind in ("ALL", "NAMED"):
        plan.whole_store = True
        plan.named_only = plan.named_only or kind == "NAMED"
        plan.deletes = True
    elif kind == "DEFAULT":
        plan.default_writes.append(f"{head} DEFAULT")
    elif name is not None:
        plan.add_target(resolver.iri(name))
        plan.deletes = plan.deletes or head != "CREATE"


def _plan_transfer(head: str, items: list[Token], plan: UpdatePlan, resolver: _Resolver) -> None:
    source, source_name, after = _graph_ref(items, 0)
    if after < len(items) and items[after].is_word("TO"):
        after += 1
    target, target_name, _ = _graph_ref(items, after)
    if target == "DEFAULT":
        plan.default_writes.append(f"{head} … TO DEFAULT")
    elif target_name is not None:
        plan.add_target(resolver.iri(target_name))
    if head != "ADD":
        plan.deletes = True  # COPY and MOVE empty the target first
    if head == "MOVE":
        if source == "DEFAULT":
            plan.default_writes.append("MOVE DEFAULT")
        elif source_name is not None:
            plan.add_target(resolver.iri(source_name))


def _plan_quads(
    items: Sequence[Token],
    start: int,
    end: int,
    plan: UpdatePlan,
    resolver: _Resolver,
    label: str,
    *,
    has_with: bool = False,
    with_graph: str | None = None,
) -> None:
    """A block of quads (data or a template): GRAPH blocks name targets; the rest goes to the
    WITH graph if there is one, else to the default graph."""
    index = start + 1
    while index < end - 1:
        token = items[index]
        if token.is_word("GRAPH") and index + 2 < end:
            name = items[index + 1]
            plan.add_target(resolver.iri(name) if name.kind != "var" else None)
            inner = index + 2
            index = _block(items, inner) if items[inner].kind == "open" else inner
            continue
        if token.kind == "other" and token.text == ".":
            index += 1
            continue
        if has_with:
            plan.add_target(with_graph)
        else:
            plan.default_writes.append(f"{label} into the default graph")
        # The rest of this triple pattern belongs to the same default graph.
        while index < end - 1 and not items[index].is_word("GRAPH"):
            index = _block(items, index) if items[index].kind == "open" else index + 1


def _plan_modify(items: list[Token], plan: UpdatePlan, resolver: _Resolver) -> None:
    index = 0
    with_graph: str | None = None
    has_with = items[0].is_word("WITH") and len(items) > 1
    if has_with:
        plan.dataset_clauses = True
        with_graph = resolver.iri(items[1])
        index = 2
    first_template: int | None = None
    while index < len(items):
        token = items[index]
        if token.is_word("DELETE", "INSERT") and index + 1 < len(items):
            opening = index + 1
            if items[opening].kind != "open":
                index += 1
                continue
            closing = _block(items, opening)
            if token.is_word("DELETE"):
                plan.deletes = True
            if first_template is None:
                first_template = token.start
            label = f"{token.text.upper()} template"
            _plan_quads(items, opening, closing, plan, resolver, label,
                        has_with=has_with, with_graph=with_graph)
            index = closing
        elif token.is_word("USING"):
            plan.dataset_clauses = True
            index += 1
        elif token.is_word("WHERE"):
            plan.modify_wheres.append((token.start, token.end, first_template))
            return
        else:
            index += 1


def with_using(
    text: str, plan: UpdatePlan, using: Sequence[str], using_named: Sequence[str]
) -> str:
    """The update with the protocol's ``using-graph-uri`` and ``using-named-graph-uri`` applied.

    They become ``USING`` and ``USING NAMED`` clauses of every operation with a WHERE clause;
    ``DELETE WHERE { Q }`` becomes ``DELETE { Q } USING … WHERE { Q }``.
    """
    if not using and not using_named:
        return text
    clauses = " ".join(
        [f"USING <{iri}>" for iri in using] + [f"USING NAMED <{iri}>" for iri in using_named]
    )
    pieces: list[str] = []
    at = 0
    for start, end, template in plan.modify_wheres:
        if template is None:  # DELETE WHERE { Q }: give it a template and a WHERE clause
            block_end = _block_end(text, end)
            pattern = text[end:block_end]
            pieces += [text[at:start], f"{pattern} {clauses} WHERE {pattern}"]
            at = block_end
        else:
            pieces += [text[at:start], f"{clauses} "]
            at = start
    pieces.append(text[at:])
    return "".join(pieces)


def _block_end(text: str, after: int) -> int:
    """The end of the brace block that opens first after ``after``."""
    items = tokens(text[after:])
    opening = next((i for i, t in enumerate(items) if t.kind == "open"), None)
    if opening is None:
        return len(text)
    closing = _block(items, opening)
    return after + items[closing - 1].end
