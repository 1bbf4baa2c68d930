"""The outcome of a SHACL validation, for people (text) and programs (Turtle, JSON).

Warnings and infos never make a graph non-conforming; only violations do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.results import json_term
from kg.terms import compact
from kg.vocab import PREFIXES, RDF

SHAPES_NAMESPACE = "https://w3id.org/diplomacy-kg/shapes#"
SEVERITIES = ("Violation", "Warning", "Info")
REPORT_FORMATS = ("text", "turtle", "json")

_PREFIXES = {"dsh": SHAPES_NAMESPACE, "sh": str(SH), **PREFIXES}
_MAX_LITERAL = 80


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: what is wrong (or weak) where, and what to do about it."""

    severity: str  # "Violation", "Warning" or "Info"
    focus_node: Node
    path: str | None  # the property path in SPARQL syntax, with prefixed names
    value: Node | None
    message: str
    source_shape: Node  # the shape (often a blank property shape) that raised it
    shape: str  # the named shape it belongs to, e.g. "EventShape"
    constraint: str  # the constraint component, e.g. "MinCountConstraintComponent"
    file: str = ""

    def to_text(self) -> str:
        """One line for people: file, severity, focus node, path, value, message, shape."""
        where = " ".join(
            part
            for part in (
                report_term(self.focus_node),
                self.path or "",
                report_term(self.value, shorten=True) if self.value is not None else "",
            )
            if part
        )
        prefix = f"{self.file}: " if self.file else ""
        return f"{prefix}{self.severity}: {where}: {self.message} [{self.shape}]"

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data; terms as in SPARQL 1.1 JSON results."""
        return {
            "file": self.file,
            "severity": self.severity,
            "focusNode": json_term(self.focus_node),
            "path": self.path,
            "value": json_term(self.value) if self.value is not None else None,
            "message": self.message,
            "shape": self.shape,
            "sourceShape": json_term(self.source_shape),
            "constraint": self.constraint,
        }


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one or more graphs."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: Graph = field(repr=False)  # the standard sh:ValidationReport graph
    sources: tuple[str, ...] = ()

    def count(self, severity: str) -> int:
        """How many results have ``severity``."""
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violations(self) -> list[ValidationResult]:
        """The results that make the data non-conforming."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """The results that make the data weak but leave it conforming."""
        return [r for r in self.results if r.severity == "Warning"]

    def summary(self) -> str:
        """One line: conforms or not, and how many results of each severity."""
        counts = ", ".join(
            f"{n} {severity.lower()}{'s' if n != 1 else ''}"
            for severity in SEVERITIES
            if (n := self.count(severity))
        )
        verdict = "conforms" if self.conforms else "does not conform"
        return f"{verdict} ({counts})" if counts else verdict

    def to_text(self) -> str:
        """Results one per line, worst first, then a summary line per validated source."""
        lines = [r.to_text() for r in self.results]
        if len(self.sources) <= 1:
            source = self.sources[0] if self.sources else ""
            lines.append(f"{source}: {self.summary()}" if source else self.summary())
        else:  # sources validated one by one: their results carry their names
            for source in self.sources:
                mine = tuple(r for r in self.results if r.file == source)
                part = replace(self, results=mine,
                               conforms=not any(r.severity == "Violation" for r in mine))
                lines.append(f"{source}: {part.summary()}")
        return "\n".join(lines) + "\n"

    def to_turtle(self) -> str:
        """The standard SHACL validation report graph, in Turtle."""
        for prefix, namespace in _PREFIXES.items():
            self.graph.bind(prefix, namespace)
        return self.graph.serialize(format="turtle")

    def to_json(self) -> str:
        """The report as JSON: conforms, counts per severity, files and results."""
        data = {
            "conforms": self.conforms,
            "counts": {s.lower(): self.count(s) for s in SEVERITIES},
            "files": list(self.sources),
            "results": [r.to_dict() for r in self.results],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def render(self, format: str) -> str:
        """The report as ``text``, ``turtle`` or ``json``."""
        if format == "text":
            return self.to_text()
        if format == "turtle":
            return self.to_turtle()
        if format == "json":
            return self.to_json()
        choices = ", ".join(REPORT_FORMATS)
        raise ValueError(f"unknown report format {format!r} (use one of {choices})")


def merge_reports(reports: Iterable[ValidationReport]) -> ValidationReport:
    """One report for several: conforms if all do; one sh:ValidationReport over all results."""
    reports = list(reports)
    graph = Graph()
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    conforms = all(r.conforms for r in reports)
    graph.add((node, SH.conforms, Literal(conforms)))
    for report in reports:
        for old in report.graph.subjects(RDF.type, SH.ValidationReport):
            for result in report.graph.objects(old, SH.result):
                graph.add((node, SH.result, result))
        for s, p, o in report.graph:
            if (s, RDF.type, SH.ValidationReport) not in report.graph:
                graph.add((s, p, o))
    results = tuple(r for report in reports for r in report.results)
    sources = tuple(s for report in reports for s in report.sources)
    return ValidationReport(conforms, results, graph, sources)


def report_term(term: Node | None, *, shorten: bool = False) -> str:
    """A term as a report shows it: prefixed names (SHACL's too), literals in Turtle form."""
    return compact(term, _PREFIXES, quote_literals=True,
                         max_literal=_MAX_LITERAL if shorten else None)


def expand_path(path: str) -> URIRef | None:
    """The IRI of a simple path as ``report_term`` shows it, or None for a complex one."""
    if path.startswith("<") and path.endswith(">"):
        return URIRef(path[1:-1])
    prefix, sep, local = path.partition(":")
    if sep and prefix in _PREFIXES and re.fullmatch(r"[\w.-]+", local):
        return URIRef(_PREFIXES[prefix] + local)
    return None
