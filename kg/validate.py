"""SHACL validation against the shipped shapes, and its report for people and programs.

``validate`` checks one graph (a file, a mapped document, the whole store) together
with the ontology, so that ``sh:targetClass`` reaches the instances of subclasses and
the CAMEO concepts that events point to are there to be checked. ``validate_documents``
is the ingest gate: it checks a whole batch of documents in one pySHACL run (whose fixed
cost is high) and hands each document the results that concern it.

Warnings and infos never make a graph non-conforming; only violations do.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.namespace import SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.rdffile import quiet_literals, read_rdf
from kg.resources import resource_path
from kg.results import json_term
from kg.sparql.parse import SparqlSyntaxError, parse_query, parse_update
from kg.terms import Triple, is_iri, sparql_iri
from kg.vocab import DIP, GRAPH_BASE, PREFIXES, RDF, RDFS, XSD

SHAPES_NAMESPACE = "https://w3id.org/diplomacy-kg/shapes#"
INFERENCE = ("none", "rdfs", "owlrl")
SEVERITIES = ("Violation", "Warning", "Info")
REPORT_FORMATS = ("text", "turtle", "json")

K = TypeVar("K", bound=Hashable)

_PREFIXES = {"dsh": SHAPES_NAMESPACE, "sh": str(SH), **PREFIXES}
# Refuses more than it must (FROM in a string too): a finder, never a permit.
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_MAX_LITERAL = 80


class ShapesError(ValueError):
    """Shapes that cannot be used: unreadable, or asking for the network."""


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
                compact(self.focus_node),
                self.path or "",
                compact(self.value, shorten=True) if self.value is not None else "",
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


# -- shapes and ontology ---------------------------------------------------------------------


@cache
def default_shapes() -> Graph:
    """The shipped shapes (every ``shapes/*.ttl``), parsed once."""
    graph = Graph()
    for path in sorted(resource_path("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def ontology() -> Graph:
    """The shipped ontology and CAMEO/PLOVER schemes (every ``ontology/*.ttl``), parsed once."""
    graph = Graph()
    for path in sorted(resource_path("ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def load_shapes(path: str | Path, *, format: str | None = None) -> Graph:
    """Shapes from a file, refused if their SPARQL would reach the network.

    Raises:
        kg.model.ParseError: if the file cannot be parsed.
        ShapesError: if a SPARQL constraint uses SERVICE or FROM.
    """
    graph = read_rdf(path, format or "turtle")
    check_offline(graph, name=str(path))
    return graph


def check_offline(shapes: Graph, *, name: str = "shapes") -> None:
    """Refuse SPARQL-based shapes that would fetch data: pySHACL runs them with rdflib, which
    follows SERVICE and loads FROM graphs from the web. Read with the SPARQL grammar."""
    for prop in (SH.select, SH.ask, SH.construct, SH.update):
        for text in shapes.objects(None, prop):
            if _fetches(str(text), update=prop == SH.update):
                raise ShapesError(
                    f"{name}: a SPARQL constraint uses SERVICE, FROM or LOAD, or cannot be read "
                    "as SPARQL 1.1; kg never uses the network"
                )


def _fetches(text: str, *, update: bool) -> bool:
    """Whether a shape's SPARQL could reach the network (or cannot be read to tell)."""
    # pySHACL declares the shape's prefixes itself; any prefix is accepted here.
    prologue = "".join(f"PREFIX {p}: <urn:x-kg:prefix:{p}#> "
                       for p in set(re.findall(r"([A-Za-z][\w.-]*|):", text)))
    try:
        if update:
            parsed = parse_update(prologue + text)
            return bool(parsed.services) or any(op.kind == "LOAD" for op in parsed.operations)
        return bool(parse_query(prologue + text).services) or bool(_FROM.search(text))
    except SparqlSyntaxError:
        return True


def meta_validate(shapes: Graph | None = None) -> ValidationReport:
    """Validate shapes against the SHACL shapes-for-shapes graph shipped with pySHACL."""
    from pyshacl.entrypoints import meta_validate as _meta_validate

    conforms, graph, _ = _meta_validate(shapes if shapes is not None else default_shapes(),
                                        inference="rdfs")
    assert isinstance(graph, Graph)
    return ValidationReport(bool(conforms), _results(graph, Graph(), Graph()), graph, ("shapes",))


# -- validation ------------------------------------------------------------------------------


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
    shapes_graph = _shapes(shapes)
    graph = _DataGraph()
    if isinstance(data, Dataset):
        graph.addN((s, p, o, graph) for s, p, o, _ in data.quads())
    else:
        graph.addN((s, p, o, graph) for s, p, o in data)
    if with_ontology:
        graph += ontology()
    report_graph = _run(graph, shapes_graph, inference)
    results = tuple(replace(r, file=source) for r in _results(report_graph, shapes_graph, graph))
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms, results, report_graph, (source,))


def validate_documents(
    documents: Mapping[K, Collection[Triple]],
    *,
    context: Iterable[Triple] = (),
    shapes: Graph | None = None,
) -> dict[K, list[ValidationResult]]:
    """Validate many documents' graphs in one pySHACL run; the results that concern each.

    The documents are validated as one graph (their union, with the ontology and
    ``context``: stored facts the cross-document constraints need). A result concerns
    the documents that describe its focus node (have it as a subject); when several do,
    those that hold the offending triple, if that narrows it. A focus node no document
    describes concerns the documents that refer to it, unless it is described only by
    the context or the ontology: then it concerns none of them.
    """
    shapes_graph = shapes if shapes is not None else default_shapes()
    graph = _DataGraph()
    described: dict[Node, list[K]] = defaultdict(list)
    referred: dict[Node, list[K]] = defaultdict(list)
    for key, triples in documents.items():
        graph.addN((s, p, o, graph) for s, p, o in triples)
        for s, _, o in triples:
            owners = described[s]
            if not owners or owners[-1] != key:
                owners.append(key)
            if isinstance(o, URIRef | BNode):
                refs = referred[o]
                if not refs or refs[-1] != key:
                    refs.append(key)
    graph.addN((s, p, o, graph) for s, p, o in context)
    graph += ontology()
    report_graph = _run(graph, shapes_graph, "none")
    out: dict[K, list[ValidationResult]] = {key: [] for key in documents}
    as_sets: dict[K, set[Triple]] = {}
    for result in _results(report_graph, shapes_graph, graph):
        keys = list(dict.fromkeys(described.get(result.focus_node, ())))
        if not keys and (result.focus_node, None, None) not in graph:
            keys = list(dict.fromkeys(referred.get(result.focus_node, ())))
        if len(keys) > 1 and result.value is not None and result.path is not None:
            predicate = _expand(result.path)
            offending = (result.focus_node, predicate, result.value)
            holding = [k for k in keys
                       if offending in as_sets.setdefault(k, set(documents[k]))]
            keys = holding or keys
        for key in keys:
            out[key].append(result)
    return out


# The graphs computed from the documents (the article-event links of kg.link.find, the
# inferred graph of kg.reason) are not context: they are recomputed from the new documents.
_NOT_DERIVED = (
    f'!STRSTARTS(STR(?g), "{GRAPH_BASE}links/") && ?g != {sparql_iri(GRAPH_BASE + "inferred")}'
)


def linked_context_query(nodes: Iterable[URIRef]) -> str | None:
    """A SPARQL CONSTRUCT for the stored facts that cross-document constraints need.

    For the events and articles in ``nodes``: their stored dates, and the stored
    reporting links to other events and articles with those nodes' dates (an article
    must not report an event dated more than a day after its publication). None when
    there is nothing to ask. The computed links and the inferred graph are left out:
    they are derived from the stored documents and recomputed from the new ones.
    """
    values = " ".join(sparql_iri(n) for n in sorted(set(nodes)) if is_iri(n))
    if not values:
        return None
    return f"""PREFIX dip: {sparql_iri(str(DIP._NS))}
CONSTRUCT {{
  ?node ?dateProperty ?day .
  ?event a dip:Event ; dip:reportedBy ?article ; dip:date ?eventDate .
  ?article a dip:Article ; dip:published ?articleDate .
}} WHERE {{
  VALUES ?node {{ {values} }}
  {{ VALUES ?dateProperty {{ dip:date dip:published }} GRAPH ?g {{ ?node ?dateProperty ?day }} }}
  UNION {{ GRAPH ?g {{ ?event dip:reportedBy ?node }} BIND (?node AS ?article)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?event dip:date ?eventDate }} }}
  UNION {{ GRAPH ?g {{ ?node dip:reports ?event }} BIND (?node AS ?article)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?event dip:date ?eventDate }} }}
  UNION {{ GRAPH ?g {{ ?node dip:reportedBy ?article }} BIND (?node AS ?event)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?article dip:published ?articleDate }} }}
  UNION {{ GRAPH ?g {{ ?article dip:reports ?node }} BIND (?node AS ?event)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?article dip:published ?articleDate }} }}
}}"""


def linked_nodes(triples: Iterable[Triple]) -> set[URIRef]:
    """The events and articles of some documents, whose stored links a gate must see."""
    nodes: set[URIRef] = set()
    for s, p, o in triples:
        if p == RDF.type and o in (DIP.Event, DIP.Article) and isinstance(s, URIRef):
            nodes.add(s)
        elif p in (DIP.reportedBy, DIP.reports, DIP.date, DIP.published) and isinstance(s, URIRef):
            nodes.add(s)
            if isinstance(o, URIRef):
                nodes.add(o)
    return nodes


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


# -- terms for people --------------------------------------------------------------------------


def compact(term: Node | None, *, shorten: bool = False) -> str:
    """A term as people read it: prefixed names where they fit, literals in Turtle form."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        value = str(term)
        for prefix, namespace in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[1])):
            local = value[len(namespace):]
            if value.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_]([\w.-]*[\w-])?", local):
                return f"{prefix}:{local}"
        return f"<{value}>"
    if isinstance(term, Literal):
        text = str(term)
        if shorten and len(text) > _MAX_LITERAL:
            text = text[: _MAX_LITERAL - 3] + "..."
        quoted = json.dumps(text, ensure_ascii=False)
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{quoted}^^{compact(term.datatype)}"
        return quoted
    return f"_:{term}"


def _expand(path: str) -> URIRef | None:
    """The IRI of a simple path as rendered by ``_path_text``, or None for a complex one."""
    if path.startswith("<") and path.endswith(">"):
        return URIRef(path[1:-1])
    prefix, sep, local = path.partition(":")
    if sep and prefix in _PREFIXES and re.fullmatch(r"[\w.-]+", local):
        return URIRef(_PREFIXES[prefix] + local)
    return None


# -- running pySHACL and reading its report ------------------------------------------------------


def _shapes(shapes: Graph | str | Path | None) -> Graph:
    if shapes is None:
        return default_shapes()
    if isinstance(shapes, Graph):
        check_offline(shapes)
        return shapes
    return load_shapes(shapes)


class _DataGraph(Graph):
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


def _run(graph: Graph, shapes: Graph, inference: str) -> Graph:
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


def _results(report: Graph, shapes: Graph, data: Graph) -> tuple[ValidationResult, ...]:
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
        return compact(path)
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
    return compact(path)


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
