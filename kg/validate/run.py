"""Running pySHACL and reading its report: ``validate`` checks one graph with the ontology.

The data is validated together with the ontology, so that ``sh:targetClass`` reaches the
instances of subclasses and the CAMEO concepts that events point to are there to be checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import Dataset, Graph, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.namespace import SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.ontology import ontology_graph
from kg.rdffile import quiet_literals
from kg.terms import Triple
from kg.validate.report import SEVERITIES, ValidationReport, ValidationResult, report_term
from kg.validate.shapes import default_shapes, resolve_shapes
from kg.vocab import RDF, RDFS

INFERENCE = ("none", "rdfs", "owlrl")


def validate(
    data: Graph | Iterable[Triple],
    *,
    shapes: Graph | str | Path | None = None,
    inference: str = "none",
    with_ontology: bool = True,
    source: str = "",
) -> ValidationReport:
    """Validate ``data`` against the shapes (the shipped ones unless ``shapes`` is given).

    Args:
        data: a graph (a dataset is validated as the union of its graphs) or triples.
        shapes: a shapes graph or the path of a shapes file.
        inference: ``none``, ``rdfs`` or ``owlrl``: what pySHACL infers before validating.
        with_ontology: validate the data together with the shipped ontology (the default).
        source: the name results are reported under (a file name).
    """
    if inference not in INFERENCE:
        raise ValueError(f"unknown inference {inference!r} (use one of {', '.join(INFERENCE)})")
    shapes_graph = resolve_shapes(shapes)
    graph = DataGraph()
    if isinstance(data, Dataset):
        graph.addN((s, p, o, graph) for s, p, o, _ in data.quads())
    else:
        graph.addN((s, p, o, graph) for s, p, o in data)
    if with_ontology:
        graph += ontology_graph()
    report_graph = run_pyshacl(graph, shapes_graph, inference)
    found = read_results(report_graph, shapes_graph, graph)
    results = tuple(replace(r, file=source) for r in found)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms, results, report_graph, (source,))


def meta_validate(shapes: Graph | None = None) -> ValidationReport:
    """Validate shapes against the SHACL shapes-for-shapes graph shipped with pySHACL."""
    from pyshacl.entrypoints import meta_validate as _meta_validate

    conforms, graph, _ = _meta_validate(shapes if shapes is not None else default_shapes(),
                                        inference="rdfs")
    assert isinstance(graph, Graph)
    return ValidationReport(bool(conforms), read_results(graph, Graph(), Graph()), graph,
                            ("shapes",))


class DataGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pySHACL runs a SPARQL constraint once per focus node with the same text and
    ``$this`` pre-bound; rdflib would parse the text each time, which costs far more
    than evaluating it.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _translated_query(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _translated_query(text: str) -> Query:
    return translateQuery(parseQuery(text))


def run_pyshacl(graph: Graph, shapes: Graph, inference: str) -> Graph:
    """Run pySHACL over ``graph`` (changed in place) and return its report graph."""
    with quiet_literals():
        _, report_graph, _ = pyshacl.validate(
            graph,
            shacl_graph=shapes,
            inference=None if inference == "none" else inference,
            inplace=True,  # the graph is ours, built for this run
            allow_warnings=True,
            allow_infos=True,
            do_owl_imports=False,
        )
    assert isinstance(report_graph, Graph)
    return report_graph


_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def read_results(report: Graph, shapes: Graph, data: Graph) -> tuple[ValidationResult, ...]:
    """The results of a sh:ValidationReport graph, worst first, named after their shapes."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = _local(report.value(node, SH.resultSeverity)) or "Violation"
        focus = report.value(node, SH.focusNode)
        source = report.value(node, SH.sourceShape)
        path = report.value(node, SH.resultPath)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        assert focus is not None and source is not None
        results.append(
            ValidationResult(
                severity=severity,
                focus_node=focus,
                path=_path_text(report, path) if path is not None else None,
                value=report.value(node, SH.value),
                message=" ".join(messages) or "(no message)",
                source_shape=source,
                shape=_shape_name(shapes, data, source, focus),
                constraint=_local(report.value(node, SH.sourceConstraintComponent)),
            )
        )
    results.sort(key=lambda r: (r.file, _RANK.get(r.severity, 9), str(r.focus_node),
                                r.path or "", r.shape, str(r.value)))
    return tuple(results)


def _local(term: Node | None) -> str:
    if term is None:
        return ""
    return re.split(r"[#/]", str(term))[-1]


def _path_text(graph: Graph, path: Node) -> str:
    """A SHACL path in SPARQL property path syntax."""
    if isinstance(path, URIRef):
        return report_term(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    for prop, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, prop)
        if inner is not None:
            return f"({_path_text(graph, inner)}){mark}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p) for p in RdfList(graph, alternatives)) + ")"
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, p) for p in RdfList(graph, path))
    return report_term(path)


def _shape_name(shapes: Graph, data: Graph, source: Node, focus: Node) -> str:
    """The named shape a result belongs to: the shape itself, or the node shape holding it."""
    if isinstance(source, URIRef) and (source, SH.path, None) not in shapes:
        return _local(source)
    parents = [p for p in shapes.subjects(SH.property, source) if isinstance(p, URIRef)]
    if len(parents) > 1:
        types = _types(data, focus)
        matching = [p for p in parents if set(shapes.objects(p, SH.targetClass)) & types]
        parents = matching or parents
    if len(parents) == 1 or (parents and not isinstance(source, URIRef)):
        return _local(parents[0])
    return _local(source) if isinstance(source, URIRef) else ""


def _types(data: Graph, node: Node) -> set[Node]:
    """The classes of ``node``, with their superclasses as far as the data graph says."""
    found: set[Node] = set()
    todo = list(data.objects(node, RDF.type))
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(data.objects(cls, RDFS.subClassOf))
    return found
