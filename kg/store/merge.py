"""The SPARQL updates that write whole graphs and keep the default graph their merge.

This is the one place that writes them: replacing and dropping named graphs, and adding,
loading and removing triples of a derived graph, each update keeping the default graph the
RDF merge of the named graphs. Terms are written by :mod:`kg.terms`; its errors become
:class:`StoreError`. Both backends send these texts (the embedded one where it has no faster
native write), and report a refused one with :func:`_refused`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib.term import Node

from kg.rdffile import has_blank_node
from kg.store.base import StoreError, Triple
from kg.store.bindings import _iri
from kg.terms import TermError, ntriples_line, ox_line

_CHUNK_TRIPLES = 20_000  # triples per write of add_triples
_CHUNK_CHECKS = 2_000  # triples per VALUES block of remove_triples

_ERROR_AT = re.compile(r"\berror at (\d+):(\d+)")


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
    """Updates that add N-Triples ``lines`` to the default graph first, then to a named graph."""
    source = iter(lines)
    while chunk := list(itertools.islice(source, _CHUNK_TRIPLES)):
        body = "".join(chunk)
        yield (f"INSERT DATA {{\n{body}}} ;\n"
               f"INSERT DATA {{ GRAPH {_iri(graph_iri)} {{\n{body}}} }}\n")


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
