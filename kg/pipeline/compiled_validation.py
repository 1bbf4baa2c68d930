"""Validating an embedded store with the compiled checks, run by the store on a checkpoint.

The compiled checks (:mod:`kg.validate.compiled`) are SPARQL queries over a default graph that
holds the data and the ontology. The store's default graph is the merge of every named graph,
the inferred one included, and lacks the ontology: so the checks run on a checkpoint of the
store (:meth:`Store.backup`, hard links beside it), whose default graph gets the ontology and
loses what only the inferred graph holds. The store itself is never written. The rows stream
from the checkpoint: memory holds one query's working set and the results, never the graph.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.iri import INFERRED_GRAPH
from kg.store import Store, StoreError
from kg.store.tempfiles import remove_dead_previews
from kg.terms import sparql_iri
from kg.validate import ValidationReport, ValidationResult
from kg.validate.compiled import Plan, ontology_quads, run_checks
from kg.validate.report import expand_path
from kg.vocab import RDF

#: The checkpoints beside a store, named by their process (a dead one's are removed).
CHECKPOINT_PREFIX = ".kg-validate-"
_INFERRED = sparql_iri(INFERRED_GRAPH)
# What only the inferred graph holds: the rest of the default graph is what documents assert.
_INFERRED_ONLY = (
    f"SELECT ?s ?p ?o WHERE {{ GRAPH {_INFERRED} {{ ?s ?p ?o }} FILTER NOT EXISTS {{"
    f" GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {_INFERRED}) }} }}"
)


class NoCheckpoint(Exception):
    """The store cannot be checkpointed (remote, in memory, or its folder's parent read-only)."""


def can_checkpoint(store: Store) -> bool:
    """Whether the compiled checks can run on a checkpoint of ``store`` (an embedded folder)."""
    return (not store.remote and store.supports_checkpoints
            and getattr(store, "path", None) is not None)


def compiled_results(
    store: Store,
    shapes: Graph,
    plan: Plan,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[ValidationResult]:
    """The results of ``plan``'s checks on everything ``store`` asserts, with the ontology.

    ``progress`` is told (checks done, checks in all) after each check. Raises NoCheckpoint
    when the store cannot be checkpointed; the shapes ``plan`` leaves to pySHACL are not run.
    """
    path = getattr(store, "path", None)
    if not can_checkpoint(store) or path is None:
        raise NoCheckpoint(store.url)
    parent = Path(path).parent
    remove_dead_previews(parent, prefix=CHECKPOINT_PREFIX)
    folder = parent / f"{CHECKPOINT_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
    try:
        try:
            store.backup(folder)
        except StoreError as exc:
            raise NoCheckpoint(str(exc)) from exc
        return _run_on(ox.Store(os.fspath(folder)), shapes, plan, progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_on(copy: ox.Store, shapes: Graph, plan: Plan,
            progress: Callable[[int, int], None] | None) -> list[ValidationResult]:
    # A function of its own: the copy is closed when it returns, so its folder can go.
    _drop_inferred_only(copy)
    copy.bulk_extend(ontology_quads())
    done = 0

    def told(_: object) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(plan.checks))

    if progress is not None:
        progress(0, len(plan.checks))
    return list(run_checks(copy, shapes, plan.checks, done=told))


def _drop_inferred_only(copy: ox.Store) -> None:
    """Take out of the checkpoint's default graph the triples only the inferred graph holds."""
    solutions = copy.query(_INFERRED_ONLY)
    assert isinstance(solutions, ox.QuerySolutions)
    default = ox.DefaultGraph()
    # The query reads a snapshot, so the removals do not disturb it.
    for row in solutions:
        copy.remove(ox.Quad(row["s"], row["p"], row["o"], default))


def compiled_report(source: str, results: list[ValidationResult]) -> ValidationReport:
    """A report of results read from compiled checks, with its sh:ValidationReport graph."""
    conforms = not any(r.severity == "Violation" for r in results)
    graph = Graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for result in results:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SH[result.severity]))
        graph.add((node, SH.focusNode, result.focus_node))
        graph.add((node, SH.sourceShape, result.source_shape))
        graph.add((node, SH.sourceConstraintComponent, SH[result.constraint]))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        path = _path_node(graph, result.path) if result.path else None
        if path is not None:
            graph.add((node, SH.resultPath, path))
    return ValidationReport(conforms, tuple(results), graph, (source,))


def _path_node(graph: Graph, text: str) -> Node | None:
    """The SHACL path of a report's path text (a predicate, or one walked backwards)."""
    inverse = text.startswith("^")
    predicate = expand_path(text[1:] if inverse else text)
    if not isinstance(predicate, URIRef) or not inverse:
        return predicate
    node = BNode()
    graph.add((node, SH.inversePath, predicate))
    return node
