"""The documentation of the ontology and its SHACL shapes, read from the shipped Turtle.

Pure: no Flask. :func:`ontology_doc` gives what the /ontology page shows (classes, properties,
shapes, each with an anchor) and :mod:`kg.web.diagram` draws the class picture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from kg.resources import resource_path
from kg.terms import compact
from kg.validate import SHAPES_NAMESPACE, default_shapes
from kg.vocab import PREFIXES

ONTOLOGY_FILE = ("ontology", "diplomacy.ttl")
DIP = PREFIXES["dip"]
#: The ontology's IRI: the namespace without its '#'.
ONTOLOGY_IRI = DIP.rstrip("#")
VANN = "http://purl.org/vocab/vann/"
NAMES = {**PREFIXES, "dsh": SHAPES_NAMESPACE, "sh": str(SH), "vann": VANN}

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = {
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    RDF.Property: "property",
}
CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
}
#: Statements about a term that the page shows as alignments to other vocabularies.
ALIGNMENTS = {
    OWL.equivalentClass: "equivalent class",
    OWL.equivalentProperty: "equivalent property",
    SKOS.exactMatch: "exact match",
    SKOS.closeMatch: "close match",
    RDFS.seeAlso: "see also",
}
#: The shape parameters shown as constraints, in this order (sh:path and the messages aside).
CONSTRAINTS = (
    SH.minCount, SH.maxCount, SH.nodeKind, SH.datatype, SH["class"], SH.node, SH["in"],
    SH.hasValue, SH.pattern, SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.lessThan, SH.equals, SH.disjoint, SH.uniqueLang,
    SH["or"], SH["and"], SH["not"], SH.xone, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
)


@dataclass(frozen=True)
class Ref:
    """A term as the page links it: its text, where it goes (an anchor or the IRI), its IRI."""

    text: str
    href: str
    iri: str = ""


@dataclass(frozen=True)
class TermDoc:
    """One class or property: its names, comment and facts (a label and the terms it names)."""

    iri: str
    anchor: str
    name: str
    kind: str
    label: str
    comment: str
    facts: tuple[tuple[str, tuple[Ref, ...]], ...] = ()


@dataclass(frozen=True)
class ConstraintDoc:
    """One property shape (or a node shape's own constraints): what it checks, how badly."""

    path: str
    checks: tuple[tuple[str, tuple[Ref, ...]], ...]
    severity: str
    message: str
    anchor: str = ""


@dataclass(frozen=True)
class ShapeDoc:
    """A named shape: its targets, the constraints it holds and its own checks."""

    iri: str
    anchor: str
    name: str
    comment: str
    targets: tuple[tuple[str, tuple[Ref, ...]], ...]
    constraints: tuple[ConstraintDoc, ...]


@dataclass(frozen=True)
class OntologyDoc:
    """Everything /ontology shows."""

    iri: str
    title: str
    description: str
    version: str
    classes: tuple[TermDoc, ...]
    properties: tuple[TermDoc, ...]
    external: tuple[TermDoc, ...]
    shapes: tuple[ShapeDoc, ...]
    edges: tuple[tuple[str, str, str], ...] = field(default=())  # (domain, label, range) anchors

    def anchors(self) -> list[str]:
        """Every anchor of the page, in page order."""
        terms = (*self.classes, *self.properties, *self.external)
        return [t.anchor for t in terms] + [s.anchor for s in self.shapes]


def ontology_file_text() -> str:
    """The shipped ontology as its Turtle file says it."""
    return resource_path(*ONTOLOGY_FILE).read_text(encoding="utf-8")


@cache
def ontology_doc() -> OntologyDoc:
    """The documentation of the shipped ontology and shapes, built once per process."""
    graph = Graph().parse(resource_path(*ONTOLOGY_FILE), format="turtle")
    return build_doc(graph, default_shapes())


def build_doc(graph: Graph, shapes: Graph) -> OntologyDoc:
    """The documentation of an ontology graph and a shapes graph."""
    ontology = URIRef(ONTOLOGY_IRI)
    targets = _shape_targets(shapes)
    paths = _shape_paths(shapes)
    classes, properties, external = [], [], []
    declared = _terms(graph)
    for term in sorted(declared):
        doc = _term_doc(graph, term, declared, targets, paths)
        if not str(term).startswith(DIP):
            external.append(doc)
        elif doc.kind == "class":
            classes.append(doc)
        else:
            properties.append(doc)
    return OntologyDoc(
        iri=ONTOLOGY_IRI,
        title=_text(graph, ontology, URIRef("http://purl.org/dc/terms/title")) or "Ontology",
        description=_text(graph, ontology, URIRef("http://purl.org/dc/terms/description")),
        version=_text(graph, ontology, OWL.versionInfo),
        classes=tuple(classes),
        properties=tuple(properties),
        external=tuple(external),
        shapes=tuple(_shape_docs(shapes)),
        edges=tuple(_edges(graph)),
    )


def anchor(iri: str) -> str:
    """The page anchor of a term or shape: its local name if ours, else from its prefixed name."""
    for namespace in (DIP, SHAPES_NAMESPACE):
        if iri.startswith(namespace):
            return iri[len(namespace):]
    return "x-" + compact(URIRef(iri), NAMES).strip("<>").replace(":", "-").replace("/", "-")


def _terms(graph: Graph) -> set[URIRef]:
    """The classes and properties the graph declares: each has its entry on the page."""
    found: set[URIRef] = set()
    for kind in (*CLASS_TYPES, *PROPERTY_TYPES):
        found.update(t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef))
    return found


def _kind(graph: Graph, term: URIRef) -> str:
    if any((term, RDF.type, t) in graph for t in CLASS_TYPES):
        return "class"
    kinds = [name for t, name in PROPERTY_TYPES.items() if (term, RDF.type, t) in graph]
    traits = [name for t, name in CHARACTERISTICS.items() if (term, RDF.type, t) in graph]
    return ", ".join([*traits, *(kinds or ["property"])])


def _term_doc(graph: Graph, term: URIRef, declared: set[URIRef],
              targets: dict[Node, list[Node]], paths: dict[Node, list[Node]]) -> TermDoc:
    kind = _kind(graph, term)
    facts: list[tuple[str, tuple[Ref, ...]]] = []

    def add(label: str, values: Iterable[Node]) -> None:
        refs = tuple(r for v in values for r in _refs(graph, v, declared))
        if refs:
            facts.append((label, refs))

    if kind == "class":
        add("subclass of", graph.objects(term, RDFS.subClassOf))
        add("subclasses", sorted(graph.subjects(RDFS.subClassOf, term), key=str))
        add("domain of", sorted(_mentioning(graph, RDFS.domain, term), key=str))
        add("range of", sorted(_mentioning(graph, RDFS.range, term), key=str))
        add("checked by", sorted(targets.get(term, []), key=str))
    else:
        add("domain", graph.objects(term, RDFS.domain))
        add("range", graph.objects(term, RDFS.range))
        add("subproperty of", graph.objects(term, RDFS.subPropertyOf))
        add("subproperties", sorted(graph.subjects(RDFS.subPropertyOf, term), key=str))
        add("inverse of", [*graph.objects(term, OWL.inverseOf),
                           *graph.subjects(OWL.inverseOf, term)])
        add("checked by", sorted(paths.get(term, []), key=str))
    for predicate, label in ALIGNMENTS.items():
        add(label, graph.objects(term, predicate))
    codes = sorted(str(c) for c in graph.objects(term, URIRef(DIP + "cameoCode")))
    if codes:
        facts.append(("CAMEO codes", tuple(Ref(c, "") for c in codes)))
    name = compact(term, NAMES).strip("<>")
    return TermDoc(iri=str(term), anchor=anchor(str(term)), name=name, kind=kind,
                   label=_text(graph, term, RDFS.label), comment=_text(graph, term, RDFS.comment),
                   facts=tuple(facts))


def _mentioning(graph: Graph, predicate: URIRef, cls: URIRef) -> Iterator[Node]:
    """Properties whose domain (or range) is ``cls`` or a union that holds it."""
    for prop, value in graph.subject_objects(predicate):
        if value == cls or cls in _union(graph, value):
            yield prop


def _union(graph: Graph, node: Node) -> list[Node]:
    members = graph.value(node, OWL.unionOf) if isinstance(node, BNode) else None
    return list(Collection(graph, members)) if members is not None else []


def _refs(graph: Graph, node: Node, declared: set[URIRef]) -> list[Ref]:
    if isinstance(node, URIRef):
        iri = str(node)
        # Every term the ontology declares has its entry on the page; others link out.
        href = "#" + anchor(iri) if node in declared else iri
        return [Ref(compact(node, NAMES).strip("<>"), href, iri)]
    if isinstance(node, Literal):
        return [Ref(str(node), "")]
    members = _union(graph, node)
    if members:
        refs: list[Ref] = []
        for i, member in enumerate(members):
            if i:
                refs.append(Ref("or", ""))
            refs.extend(_refs(graph, member, declared))
        return refs
    return []


def _text(graph: Graph, node: Node, predicate: URIRef) -> str:
    values = list(graph.objects(node, predicate))
    english = [v for v in values if isinstance(v, Literal) and v.language in (None, "en")]
    return str((english or values or [""])[0])


def _edges(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """The class picture's arrows: object properties between our classes, and subclass links."""
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty), key=str):
        if not str(prop).startswith(DIP):
            continue
        domains = [d for v in graph.objects(prop, RDFS.domain) for d in _union(graph, v) or [v]]
        ranges = [r for v in graph.objects(prop, RDFS.range) for r in _union(graph, v) or [v]]
        for d in domains:
            for r in ranges:
                if str(d).startswith(DIP) and str(r).startswith(DIP):
                    yield anchor(str(d)), compact(prop, NAMES), anchor(str(r))
    for sub, sup in sorted(graph.subject_objects(RDFS.subClassOf)):
        if str(sub).startswith(DIP) and str(sup).startswith(DIP):
            yield anchor(str(sub)), "", anchor(str(sup))


# -- shapes


def _shape_targets(shapes: Graph) -> dict[Node, list[Node]]:
    found: dict[Node, list[Node]] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        found.setdefault(cls, []).append(shape)
    return found


def _shape_paths(shapes: Graph) -> dict[Node, list[Node]]:
    """For each simple path, the named shapes that check it (a node shape for its blank ones)."""
    found: dict[Node, list[Node]] = {}
    for prop_shape, path in shapes.subject_objects(SH.path):
        owners = [prop_shape] if isinstance(prop_shape, URIRef) else [
            s for s in shapes.subjects(SH.property, prop_shape) if isinstance(s, URIRef)]
        for owner in owners:
            if owner not in found.get(path, []):
                found.setdefault(path, []).append(owner)
    return found


def _shape_docs(shapes: Graph) -> Iterator[ShapeDoc]:
    named = {s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)
             if isinstance(s, URIRef)}
    for shape in sorted(named):
        targets = []
        for predicate, label in ((SH.targetClass, "target class"),
                                 (SH.targetSubjectsOf, "subjects of"),
                                 (SH.targetObjectsOf, "objects of"),
                                 (SH.targetNode, "node")):
            refs = tuple(r for v in sorted(shapes.objects(shape, predicate), key=str)
                         for r in _shape_refs(shapes, v))
            if refs:
                targets.append((label, refs))
        constraints = []
        own = _constraint(shapes, shape)
        if own.checks:
            constraints.append(own)
        for prop_shape in sorted(shapes.objects(shape, SH.property), key=_sort_key(shapes)):
            constraints.append(_constraint(shapes, prop_shape))
        yield ShapeDoc(iri=str(shape), anchor=anchor(str(shape)),
                       name=compact(shape, NAMES).strip("<>"),
                       comment=_text(shapes, shape, RDFS.comment),
                       targets=tuple(targets), constraints=tuple(constraints))


def _sort_key(shapes: Graph) -> Callable[[Node], str]:
    return lambda node: path_text(shapes, shapes.value(node, SH.path))


def _constraint(shapes: Graph, shape: Node) -> ConstraintDoc:
    checks: list[tuple[str, tuple[Ref, ...]]] = []
    for parameter in CONSTRAINTS:
        values = list(shapes.objects(shape, parameter))
        refs = tuple(r for v in values for r in _shape_refs(shapes, v))
        if refs:
            checks.append((compact(parameter, NAMES), refs))
    for sparql in shapes.objects(shape, SH.sparql):
        checks.append(("sh:sparql", (Ref(_text(shapes, sparql, SH.message)
                                         or "a SPARQL constraint", ""),)))
    severity = shapes.value(shape, SH.severity)
    return ConstraintDoc(
        path=path_text(shapes, shapes.value(shape, SH.path)),
        checks=tuple(checks),
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        message=_text(shapes, shape, SH.message),
        anchor=anchor(str(shape)) if isinstance(shape, URIRef) else "",
    )


def _shape_refs(shapes: Graph, node: Node) -> list[Ref]:
    if isinstance(node, URIRef):
        iri = str(node)
        ours = iri.startswith((DIP, SHAPES_NAMESPACE))
        return [Ref(compact(node, NAMES).strip("<>"), "#" + anchor(iri) if ours else "", iri)]
    if isinstance(node, Literal):
        plain = isinstance(node.value, (bool, int, float)) or node.datatype is None
        return [Ref(str(node) if plain else compact(node, NAMES, quote_literals=True), "")]
    if (node, RDF.first, None) in shapes:  # a list: sh:in, sh:or
        refs: list[Ref] = []
        for member in Collection(shapes, node):
            refs.extend(_shape_refs(shapes, member) or [Ref("[…]", "")])
        return refs
    # A blank shape (inside sh:or, sh:not): what it says, in brief.
    parts = [f"{compact(p, NAMES)} {' '.join(r.text for r in _shape_refs(shapes, o))}"
             for p, o in shapes.predicate_objects(node) if p in CONSTRAINTS or p == SH.path]
    return [Ref("[" + "; ".join(sorted(parts)) + "]", "")]


def path_text(shapes: Graph, path: Node | None) -> str:
    """A SHACL property path in SPARQL syntax, with prefixed names."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return compact(path, NAMES)
    if (path, RDF.first, None) in shapes:
        return "/".join(path_text(shapes, p) for p in Collection(shapes, path))
    for predicate, form in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                            (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return form.format(path_text(shapes, inner))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    return "[…]"
