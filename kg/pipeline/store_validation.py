"""Validating a whole store in bounded memory: the compiled checks on a checkpoint of an
embedded store, or pySHACL batch by batch.

The compiled checks (:mod:`kg.pipeline.compiled_validation`) run as SPARQL queries inside the
store, on a checkpoint whose default graph holds what the documents assert and the ontology;
shapes the compiler leaves to pySHACL are judged batch by batch. Remote stores, stores in
memory and ``KG_GATE_ENGINE=pyshacl`` take pySHACL batch by batch
(:mod:`kg.pipeline.batched_validation`), with what each batch's shapes read
(:mod:`kg.pipeline.shape_reach`). Shapes whose reach is not one hop, and inference, fall back
to the whole graph in memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from kg.iri import INFERRED_GRAPH
from kg.pipeline.batched_validation import validate_in_batches
from kg.pipeline.compiled_validation import (
    NoCheckpoint,
    can_checkpoint,
    compiled_report,
    compiled_results,
)
from kg.pipeline.result_files import in_report_order, with_files
from kg.pipeline.shape_reach import Reach, shapes_reach
from kg.store import Store
from kg.terms import sparql_iri
from kg.validate import ValidationReport, merge_reports, validate
from kg.validate.compiled import compiled_plan
from kg.validate.gate import GATE_ENGINES, gate_engine
from kg.validate.shapes import resolve_shapes

__all__ = ["DEFAULT_BATCH", "Progress", "Reach", "progress_unit", "shapes_reach",
           "validate_store", "validate_whole_store"]

DEFAULT_BATCH = 250
Progress = Callable[[int, int], None]

_INFERRED = sparql_iri(INFERRED_GRAPH)


def validate_store(
    store: Store,
    *,
    shapes: Graph | str | Path | None = None,
    inference: str = "none",
    engine: str | None = None,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> ValidationReport:
    """Validate everything the store asserts (the inferred graph aside), in bounded memory.

    The verdicts are those of ``validate_whole_store``. Each result names the input file of
    a document that describes its focus node.

    Args:
        engine: ``compiled`` (the default, or ``KG_GATE_ENGINE``): the compiled checks on a
            checkpoint of an embedded store; ``pyshacl``: pySHACL batch by batch. A store
            that cannot be checkpointed (remote, in memory) is validated batch by batch.
        batch_size: document graphs per pySHACL batch; giving it asks for pySHACL.
        progress: told (done, in all) as it goes, in the unit ``progress_unit`` names.
    """
    shapes_graph = resolve_shapes(shapes)
    if inference != "none":
        return validate_whole_store(store, shapes=shapes, inference=inference)
    if _engine(engine, batch_size) == "compiled" and can_checkpoint(store):
        plan = compiled_plan(shapes_graph)
        try:
            found = compiled_results(store, shapes_graph, plan, progress=progress)
        except NoCheckpoint:
            pass  # its folder's parent is read-only: pySHACL batch by batch
        else:
            report = compiled_report(store.url, in_report_order(with_files(store, found)))
            if plan.fallback is None:
                return report
            # The shapes the compiler leaves to pySHACL, judged batch by batch.
            rest = validate_store(store, shapes=plan.fallback, engine="pyshacl")
            merged = merge_reports([report, rest])
            return dataclasses.replace(merged, results=tuple(in_report_order(merged.results)),
                                       sources=report.sources)
    reach = shapes_reach(shapes_graph)
    if reach is None:
        return validate_whole_store(store, shapes=shapes, inference=inference)
    return validate_in_batches(store, shapes_graph, reach,
                               batch_size=batch_size or DEFAULT_BATCH, progress=progress)


def progress_unit(store: Store, *, engine: str | None = None, inference: str = "none") -> str:
    """What ``validate_store``'s progress counts for this store: ``checks`` or ``graphs``."""
    if inference == "none" and _engine(engine, None) == "compiled" and can_checkpoint(store):
        return "checks"
    return "graphs"


def _engine(engine: str | None, batch_size: int | None) -> str:
    if engine is not None:
        if engine not in GATE_ENGINES:
            raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(GATE_ENGINES)}")
        return engine
    return "pyshacl" if batch_size is not None else gate_engine()


def validate_whole_store(
    store: Store, *, shapes: Graph | str | Path | None = None, inference: str = "none"
) -> ValidationReport:
    """Validate everything the store asserts (the inferred graph aside) as one graph in memory.

    The reference for ``validate_store``, and its way for shapes it cannot batch.
    """
    # Each distinct triple once, however many documents repeat it.
    asserted = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE {"
        f" GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {_INFERRED}) }} }}"
    ).triples
    report = validate(asserted, shapes=shapes, inference=inference, source=store.url)
    results = with_files(store, report.results)
    return dataclasses.replace(report, results=results)

