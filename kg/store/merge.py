"""The SPARQL updates that write graphs and keep the default graph their merge.

This is the one place that writes them: replacing, creating and dropping named graphs; adding,
loading and removing triples of a derived graph; the operations that run around a client's
update; and the repair of the merge (kg check). Each keeps the default graph the RDF merge of
the named graphs. Terms are written by :mod:`kg.terms`; its errors become :class:`StoreError`.
Both backends send these texts (the embedded one where it has no faster native write), and
report a refused one with :func:`_refused`.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib.term import Node

from kg.iri import scratch_graph_iri
from kg.rdffile import has_blank_node
from kg.sparql.analysis import UpdatePlan
from kg.store.bindings import _graph_node, _iri
from kg.store.errors import StoreError
from kg.store.fault import wrote
from kg.terms import TermError, Triple, ntriples_line, ox_line, sparql_iri

_CHUNK_TRIPLES = 20_000  # triples per write of add_triples
_CHUNK_CHECKS = 2_000  # triples per VALUES block of remove_triples

_ERROR_AT = re.compile(r"\berror at (\d+):(\d+)")

# The default graph rebuilt from every named graph: the merge after an update that reached
# graphs through a variable, ALL or NAMED.
_REBUILD = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
)


def _triple_line(s: Node, p: Node, o: Node) -> str:
    try:
        return ntriples_line(s, p, o)
    except TermError as exc:
        raise StoreError(str(exc)) from None


def _drop(name: str) -> str:
    """Operations that drop graph ``name`` and take out of the default graph what only it held."""
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {name}) }} }} ;\n"
        f"DROP SILENT GRAPH {name} ;\n"
    )


def _drops(graph_iris: Iterable[str]) -> list[str]:
    return [_drop(_iri(g)) for g in graph_iris]


def _replace_update(graphs: Mapping[str, Iterable[Triple]]) -> str:
    """One SPARQL update that replaces each graph's triples and keeps the default graph merged.

    The operations of one request run in order, so the DELETE for a graph sees the earlier
    graphs of the batch already dropped: a triple shared by two replaced graphs leaves the
    default graph, then comes back with the new content that still holds it.
    """
    drops: list[str] = []
    inserts: list[str] = []
    merges: list[str] = []
    for graph_iri, triples in graphs.items():
        name = _iri(graph_iri)
        drops.append(_drop(name))
        start = len(inserts)
        inserts.append(f"GRAPH {name} {{\n")
        try:
            inserts.extend([_triple_line(s, p, o) for s, p, o in triples])
        except StoreError as exc:
            raise StoreError(f"graph <{graph_iri}>: {exc}; nothing was written") from None
        if len(inserts) == start + 1:
            inserts.pop()  # nothing to insert: the graph is only dropped
        else:
            inserts.append("}\n")
            merges.append(f" ;\nADD SILENT GRAPH {name} TO DEFAULT")
    if inserts:
        return "".join([*drops, "INSERT DATA {\n", *inserts, "}", *merges, "\n"])
    return "".join(drops)


def _add_updates(graph_iri: str, triples: Collection[ox.Triple]) -> Iterator[str]:
    """Updates that add ``triples`` to a named graph and to the default graph, a chunk each."""
    lines = [ox_line(t) for t in triples]
    for start in range(0, len(lines), _CHUNK_TRIPLES):
        body = "".join(lines[start:start + _CHUNK_TRIPLES])
        yield f"INSERT DATA {{ GRAPH {_iri(graph_iri)} {{\n{body}}}\n{body}}}\n"


def _load_updates(graph_iri: str, lines: Iterable[str]) -> Iterator[str]:
    """Updates that add N-Triples ``lines`` to a named graph and the default graph, a chunk
    each (one request, so one transaction, for both graphs)."""
    source = iter(lines)
    while chunk := list(itertools.islice(source, _CHUNK_TRIPLES)):
        body = "".join(chunk)
        yield f"INSERT DATA {{ GRAPH {_iri(graph_iri)} {{\n{body}}}\n{body}}}\n"


def _remove_steps(graph_iri: str, triples: Collection[ox.Triple]) -> Iterator[tuple[str, str]]:
    """For each chunk of ``triples``: a CONSTRUCT of those another named graph also holds, and
    the update that removes them from the graph, and from the default graph unless held.

    Triples with a blank node are left out: SPARQL 1.1 cannot name one across requests.
    """
    name = _iri(graph_iri)
    named = sorted((t for t in triples if not has_blank_node(t)), key=str)
    for start in range(0, len(named), _CHUNK_CHECKS):
        part = named[start:start + _CHUNK_CHECKS]
        rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in part)
        check = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }}"
                 f" GRAPH ?h {{ ?s ?p ?o }} FILTER (?h != {name}) }}")
        body = "".join(ox_line(t) for t in part)
        update = (
            f"DELETE DATA {{ GRAPH {name} {{\n{body}}} }} ;\n"
            f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }}"
            f" FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} }} }}\n"
        )
        yield check, update


def _refused(update_text: str, error: BaseException) -> StoreError:
    """An error for a refused write that quotes the offending line of the generated update."""
    message = str(error)
    match = _ERROR_AT.search(message)
    if match:
        lines = update_text.split("\n")  # the parser counts lines by "\n" alone
        number = int(match.group(1))
        if 0 < number <= len(lines):
            line = lines[number - 1].strip()
            message += f" in: {line[:300]}"
    return StoreError(f"the store refused the data, nothing was written: {message}")


#: The update that empties the store: every named graph and the default graph.
CLEAR_ALL = "DROP ALL"

# What breaks the merge, counted inside the store: triples of the default graph that no named
# graph holds (orphans), and quads of named graphs whose triple the default graph lacks.
ORPHANS_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
)
MISSING_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
)
# The default graph made the merge again, writing only the difference (rebuilding it whole in
# one transaction would hold every triple of the store in memory).
_REPAIR = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
)


def repair_update(graph_iri: str | None = None) -> str:
    """The update that makes the default graph the merge again, writing only the difference.

    With ``graph_iri``, only what that graph holds and the default graph lacks is added: what
    an interrupted load into it can leave (:meth:`Store.load_triples`), at the cost of that
    graph alone.
    """
    if graph_iri is None:
        return _REPAIR
    return (f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri(graph_iri)} {{ ?s ?p ?o }}"
            " FILTER NOT EXISTS { ?s ?p ?o } }")


def create_update(graph_iri: str) -> str:
    """The update that makes named graph ``graph_iri`` exist, empty if it is new."""
    return f"CREATE SILENT GRAPH {_iri(graph_iri)}"


def client_update(body: str, plan: UpdatePlan, *, base_iri: str | None = None) -> str:
    """A client's update, and around it the operations that merge what it wrote into the default.

    When the update names every graph it writes and reads, those graphs are copied to a scratch
    graph first; afterwards the triples that left every named graph leave the default graph,
    the triples of the written graphs enter it, and the scratch graph is dropped: the cost is
    that of the written graphs. When it reaches graphs through a variable or ALL/NAMED, the
    default graph is rebuilt from all named graphs.

    Raises:
        TermError: for a ``base_iri`` that is not an absolute IRI.
    """
    # Oxigraph reads a prologue only at the start of the request: ours (BASE) and the client's
    # (PREFIX, BASE) go first, then our operations, then the client's. with_using writes only at
    # the operations' WHERE, after the prologue's end, so the split still holds for ``body``.
    split = plan.operations_start
    prologue = (f"BASE {sparql_iri(base_iri)} " if base_iri else "") + body[:split]
    user = body[split:]
    if not plan.static:
        return f"{prologue}{user}\n;\n{_REBUILD}"
    targets = [sparql_iri(g) for g in sorted(plan.targets or ())]
    if not targets:
        return f"{prologue}{user}"
    adds = " ;\n".join(f"ADD SILENT GRAPH {g} TO DEFAULT" for g in targets)
    if not plan.deletes:
        return f"{prologue}{user}\n;\n{adds}"
    scratch = sparql_iri(scratch_graph_iri(uuid.uuid4().hex))
    # One line, so that the client's line numbers stay as they were.
    before = " ; ".join(f"ADD SILENT GRAPH {g} TO GRAPH {scratch}" for g in targets)
    after = (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {scratch} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {scratch}) }} }} ;\n"
        f"{adds} ;\nDROP SILENT GRAPH {scratch}"
    )
    return f"{prologue}{before} ; {user}\n;\n{after}"


def remove_blank_node_triples(store: ox.Store, graph_iri: str,
                              triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    """Remove triples with a blank node (which SPARQL cannot name) from a named graph, and
    from the default graph those no other named graph holds: the default graph first, so that
    an interruption leaves no orphan there. Returns the triples another graph still holds."""
    graph, default = _graph_node(graph_iri), ox.DefaultGraph()
    kept: set[ox.Triple] = set()
    for t in triples:
        holders = store.quads_for_pattern(t.subject, t.predicate, t.object, None)
        if any(isinstance(q.graph_name, ox.NamedNode | ox.BlankNode)
               and q.graph_name != graph for q in holders):
            kept.add(t)
        else:
            store.remove(ox.Quad(t.subject, t.predicate, t.object, default))
            wrote("remove")
        store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
        wrote("remove")
    return kept
