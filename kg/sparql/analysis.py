"""What a SPARQL query or update asks for, read from its parse before anything runs.

Before a request reaches the store, the endpoint (and ``kg query``) must know its form (to
pick a result format), whether it would make the server fetch a URL (``SERVICE``, ``LOAD``),
and for an update which graphs it writes, so that the default graph can be kept the merge of
the named graphs. All of it comes from :mod:`kg.sparql.parse`, the SPARQL 1.1 grammar: a
text that grammar does not accept is refused before the store sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.sparql.parse import parse_query, parse_update
from kg.sparql.parts import (
    DefaultTriples,
    GraphBlock,
    Iri,
    Operation,
    ParsedQuery,
    ParsedUpdate,
    Quads,
    SparqlSyntaxError,
)
from kg.terms import sparql_iri

#: The longest query text analysed: a query is a question, not data (send data as an update
#: or to the Graph Store).
MAX_QUERY_LENGTH = 1024 * 1024


class SparqlRefused(ValueError):
    """A query or update that parses but that this product will not run, with the reason."""


def read_query(text: str, *, base_iri: str | None = None, allow_service: bool = False,
               max_length: int = MAX_QUERY_LENGTH) -> ParsedQuery:
    """Parse a query as the endpoint and ``kg query`` run it: bounded, and without SERVICE.

    Raises:
        SparqlSyntaxError: if the text is not a SPARQL 1.1 query (an update is named so), or
            nests too deeply or holds too many operators.
        SparqlRefused: if it uses SERVICE and that is not allowed, or is too long.
    """
    if len(text) > max_length:
        raise SparqlRefused(f"the query is longer than {max_length} characters; send data as "
                            "an update or to the Graph Store instead")
    try:
        parsed = parse_query(text, base_iri=base_iri)
    except SparqlSyntaxError:
        if is_update(text):
            raise SparqlSyntaxError("this is an update, not a query: POST it as update= or as "
                                    "application/sparql-update") from None
        raise
    if parsed.services and not allow_service:
        raise SparqlRefused("SERVICE is refused: kg does not query other endpoints on anyone's "
                            "behalf")
    return parsed


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query; None if it is not one."""
    try:
        return parse_query(text).form
    except SparqlSyntaxError:
        return None


def is_update(text: str) -> bool:
    """Whether the text is a SPARQL 1.1 update (with at least one operation)."""
    try:
        return bool(parse_update(text).operations)
    except SparqlSyntaxError:
        return False


#: rdflib's name for the default graph, which its SPARQLStore sends as a graph IRI.
RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"


@dataclass
class UpdatePlan:
    """What an update writes, as its parse tells.

    ``targets`` are the named graphs it may write, or None when one of them is reached
    through a variable (``GRAPH ?g`` in a template).
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
    #: Each WHERE keyword of a DELETE/INSERT … WHERE (start, end) with, for DELETE WHERE,
    #: the span of its quad pattern (which the rewrite copies as the template).
    wheres: list[tuple[int, int, tuple[int, int] | None]] = field(default_factory=list)
    operations_start: int = 0  # where the first operation starts (after its prologue)
    trailing_semicolon: int | None = None  # where a final ';' starts

    def add_target(self, graph: str | None) -> None:
        """Record a written graph; None (a variable) makes the targets unknown."""
        if graph == RDFLIB_DEFAULT_GRAPH:
            # Queries read it as the default graph (rdflib's SPARQLStore sends it): a write
            # to it is a write to the default graph, not to a graph of that name.
            self.default_writes.append(f"GRAPH {graph} (rdflib's name for the default graph)")
            return
        if graph is None:
            self.targets = None
        elif self.targets is not None:
            self.targets.add(graph)

    @property
    def static(self) -> bool:
        """Whether the graphs it writes and reads are all named in the text."""
        return self.targets is not None and not self.whole_store and not self.reads_graph_variables


def plan_update(text: str, *, base_iri: str | None = None) -> UpdatePlan:
    """Parse an update and record what each operation writes (SparqlSyntaxError if invalid)."""
    parsed = parse_update(text, base_iri=base_iri)
    return plan_parsed(parsed, len(text))


def plan_parsed(parsed: ParsedUpdate, length: int) -> UpdatePlan:
    """The plan of an update already parsed; ``length`` is that of its text."""
    plan = UpdatePlan(services=bool(parsed.services),
                      reads_graph_variables=parsed.graph_variables,
                      trailing_semicolon=parsed.trailing_semicolon)
    plan.operations_start = parsed.operations[0].start if parsed.operations else length
    for operation in parsed.operations:
        _plan_operation(operation, plan)
    return plan


def _plan_operation(op: Operation, plan: UpdatePlan) -> None:
    kind = op.kind
    if kind == "LOAD":
        plan.loads = True
        if op.graphs:
            plan.add_target(op.graphs[0].iri)
            plan.deletes = True
        else:
            plan.default_writes.append("LOAD into the default graph")
    elif kind in ("CLEAR", "DROP", "CREATE"):
        ref = op.graphs[0]
        if ref.kind in ("ALL", "NAMED"):
            plan.whole_store = True
            plan.named_only = plan.named_only or ref.kind == "NAMED"
            plan.deletes = True
        elif ref.kind == "DEFAULT":
            plan.default_writes.append(f"{kind} DEFAULT")
        else:
            plan.add_target(ref.iri)
            plan.deletes = plan.deletes or kind != "CREATE"
    elif kind in ("ADD", "MOVE", "COPY"):
        source, target = op.graphs
        if target.kind == "DEFAULT":
            plan.default_writes.append(f"{kind} … TO DEFAULT")
        else:
            plan.add_target(target.iri)
        if kind != "ADD":
            plan.deletes = True  # COPY and MOVE empty the target first
        if kind == "MOVE":
            if source.kind == "DEFAULT":
                plan.default_writes.append("MOVE DEFAULT")
            else:
                plan.add_target(source.iri)
    else:
        label = {"INSERT_DATA": "INSERT DATA", "DELETE_DATA": "DELETE DATA",
                 "DELETE_WHERE": "DELETE WHERE"}.get(kind)
        if op.with_iri is not None or op.using:
            plan.dataset_clauses = True
        if op.delete is not None:
            plan.deletes = True
            _plan_quads(op.delete, plan, label or "DELETE template", op.with_iri)
        if op.insert is not None:
            _plan_quads(op.insert, plan, label or "INSERT template", op.with_iri)
        if op.where is not None:
            pattern = (op.delete.start, op.delete.end) if (
                kind == "DELETE_WHERE" and op.delete is not None) else None
            plan.wheres.append((op.where[0], op.where[1], pattern))


def _plan_quads(quads: Quads, plan: UpdatePlan, label: str, with_iri: str | None) -> None:
    """GRAPH blocks name their targets; the other triples go to the WITH graph, if there is
    one, else to the default graph."""
    for part in quads.parts:
        if isinstance(part, GraphBlock):
            plan.add_target(part.graph.value if isinstance(part.graph, Iri) else None)
        elif isinstance(part, DefaultTriples):
            if with_iri is not None:
                plan.add_target(with_iri)
            else:
                plan.default_writes.append(f"{label} into the default graph")


def with_using(
    text: str, plan: UpdatePlan, using: Sequence[str], using_named: Sequence[str]
) -> str:
    """The update with the protocol's ``using-graph-uri`` and ``using-named-graph-uri`` applied.

    They become ``USING`` and ``USING NAMED`` clauses of every operation with a WHERE clause;
    ``DELETE WHERE { Q }`` becomes ``DELETE { Q } USING … WHERE { Q }``. The graph IRIs are
    checked by the caller (:func:`kg.terms.sparql_iri`).
    """
    if not using and not using_named:
        return text
    clauses = " ".join([f"USING {sparql_iri(iri)}" for iri in using]
                       + [f"USING NAMED {sparql_iri(iri)}" for iri in using_named])
    pieces: list[str] = []
    at = 0
    for start, end, pattern in plan.wheres:
        if pattern is not None:  # DELETE WHERE { Q }: give it a template and a WHERE clause
            block = text[pattern[0]:pattern[1]]
            pieces += [text[at:start], f"{text[end:pattern[0]]}{block} {clauses} WHERE {block}"]
            at = pattern[1]
        else:
            pieces += [text[at:start], f"{clauses} "]
            at = start
    pieces.append(text[at:])
    return "".join(pieces)
