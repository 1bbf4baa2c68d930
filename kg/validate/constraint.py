"""The shapes' constraints as SPARQL: one SELECT per constraint, over all focus nodes at once.

A query's rows are the results the constraint raises (``?this``, and ``?value``, ``?path`` and
message variables when it has them). What the subset cannot express raises
:class:`Unsupported`, and the node shape holding it is left to pySHACL
(:mod:`kg.validate.compiled` decides).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from kg.terms import sparql_iri, sparql_literal, sparql_term
from kg.validate.report import report_term
from kg.vocab import OWL, RDF, RDFS


class Unsupported(Exception):
    """A construct the compiler leaves to pySHACL."""


TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.BlankNodeOrIRI: "!isLiteral(?value)",
    SH.BlankNodeOrLiteral: "!isIRI(?value)",
    SH.IRIOrLiteral: "!isBlank(?value)",
}
# Datatypes whose lexical forms SPARQL's cast functions check, as rdflib's ill_typed does.
_CHECKED = {XSD.date, XSD.dateTime, XSD.integer, XSD.decimal, XSD.double, XSD.float,
            XSD.boolean}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
           SH.maxExclusive: "<"}
# What a shape may say besides its constraints.
_IGNORED = {RDF.type, RDFS.comment, RDFS.label, SH.severity, SH.message, SH.property, SH.path,
            SH.name, SH.description, SH.order, SH.group, *TARGETS}
INSTANCE_OF = f"{sparql_iri(str(RDF.type))}/{sparql_iri(str(RDFS.subClassOf))}*"


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a query whose rows are the results it raises."""

    query: str  # projects ?this, and ?value, ?path and message variables when it has them
    source_shape: Node
    parents: tuple[Node, ...]  # the named node shapes holding a shared property shape
    severity: str
    path: str | None  # the report path, in SPARQL syntax
    constraint: str
    messages: tuple[Literal, ...]
    sparql_messages: tuple[Literal, ...] = ()  # sh:message of an sh:SPARQLConstraint
    value_is_focus: bool = False  # a node shape's result is about the focus node itself
    sparql: bool = False
    focus: str = ""  # the group binding ?this to its focus nodes, as the query has it



def target_shapes(shapes: Graph) -> set[Node]:
    """The shapes that have targets (a shape that is also a class targets its instances)."""
    found = {s for t in TARGETS for s in shapes.subjects(t, None)}
    # A shape that is also a class targets its instances: not compiled, but it falls back.
    found.update(s for s in shapes.subjects(RDF.type, SH.NodeShape) if is_class(shapes, s))
    return found


def is_class(shapes: Graph, node: Node) -> bool:
    """Whether the shapes graph declares ``node`` a class."""
    return any((node, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class))


def node_shape(shapes: Graph, shape: Node, *, distinct_focus: bool = False) -> Iterator[Check]:
    """The checks of a node shape and its property shapes (Unsupported: none of them)."""
    if not isinstance(shape, URIRef) or is_class(shapes, shape):
        raise Unsupported(shape)
    if (shape, SH.path, None) in shapes:  # a property shape with its own targets
        raise Unsupported(shape)
    if (shape, SH.deactivated, None) in shapes:
        raise Unsupported(shape)
    focus = _focus_query(shapes, shape, distinct=distinct_focus)
    yield from _constraints(shapes, shape, focus, None, (shape,))
    for prop in shapes.objects(shape, SH.property):
        path, path_text = _path(shapes, prop)
        parents = tuple(shapes.subjects(SH.property, prop))
        yield from _constraints(shapes, prop, focus, (path, path_text), parents)


def _focus_query(shapes: Graph, shape: Node, *, distinct: bool = False) -> str:
    parts = []
    for cls in shapes.objects(shape, SH.targetClass):
        parts.append(f"{{ ?this {INSTANCE_OF} {_iri(cls)} }}")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this {_iri(prop)} ?_o }}")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?_s {_iri(prop)} ?this }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(_constant(n) for n in nodes) + " } }")
    union = "{ " + " UNION ".join(parts) + " }"
    # A node met twice (an event with ten participants, for each of its predicates) gives its
    # rows twice, which kg.validate.rows drops; made DISTINCT, each constraint is tested once
    # a node: half the cost of the ingest gate's checks. Not over a whole store: that holds
    # every focus node in memory (a million evidence spans at 100k events).
    return "{ SELECT DISTINCT ?this WHERE " + union + " }" if distinct else union


def _constant(term: Node) -> str:
    """A shape's IRI or literal as query text (a blank node there would be a variable)."""
    if isinstance(term, BNode):
        raise Unsupported(term)
    return sparql_term(term)


def _iri(term: Node) -> str:
    if not isinstance(term, URIRef):
        raise Unsupported(term)
    return sparql_iri(str(term))


def _path(shapes: Graph, prop: Node) -> tuple[str, str]:
    """The SPARQL path of a property shape, and its report text."""
    path = shapes.value(prop, SH.path)
    if isinstance(path, URIRef):
        return _iri(path), report_term(path)
    inverse = shapes.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if isinstance(inverse, URIRef) and len(set(shapes.predicate_objects(path))) == 1:
        return "^" + _iri(inverse), "^" + report_term(inverse)
    raise Unsupported(path)


def _one(shapes: Graph, node: Node, prop: URIRef) -> Node:
    values = list(shapes.objects(node, prop))
    if len(values) != 1:
        raise Unsupported(node)
    return values[0]


def _constraints(shapes: Graph, shape: Node, focus: str, path: tuple[str, str] | None,
                 parents: tuple[Node, ...]) -> Iterator[Check]:
    if (shape, SH.deactivated, None) in shapes:
        raise Unsupported(shape)
    severity = local(shapes.value(shape, SH.severity)) or "Violation"
    messages = tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))
    if len(messages) != len(list(shapes.objects(shape, SH.message))):
        raise Unsupported(shape)
    common = Check(query="", focus=focus, source_shape=shape, parents=parents,
                   severity=severity,
                   path=path[1] if path else None, constraint="", messages=messages)
    values = f"?this {path[0]} ?value ." if path else "BIND (?this AS ?value)"
    for prop, obj in sorted(shapes.predicate_objects(shape)):
        if prop in _IGNORED:
            continue
        if prop == SH.sparql:
            yield _sparql(shapes, obj, focus, path, common, value_is_focus=path is None)
            continue
        if not messages:  # pySHACL's own wording is not reproduced
            raise Unsupported(shape)
        if prop in (SH.minCount, SH.maxCount) and path is not None:
            query = _count_query(prop, _integer(obj), focus, path[0])
            yield replace(common, query=query, constraint=_component(prop))
        elif prop == SH.uniqueLang and path is not None:
            if obj != Literal(True):
                continue  # sh:uniqueLang false asks nothing
            # One result per language two values share, as pySHACL gives (no value).
            query = (f"SELECT DISTINCT ?this ?_lang WHERE {{ {focus} ?this {path[0]} ?a , ?b . "
                     "FILTER (isLiteral(?a) && LANG(?a) != \"\" && !sameTerm(?a, ?b) "
                     "&& LCASE(LANG(?a)) = LCASE(LANG(?b))) BIND (LCASE(LANG(?a)) AS ?_lang) }")
            yield replace(common, query=query, constraint=_component(prop))
        elif prop == SH.lessThan and path is not None:
            query = (f"SELECT ?this ?value WHERE {{ {focus} ?this {path[0]} ?value . "
                     f"?this {_iri(obj)} ?other FILTER (!(?value < ?other)) }}")
            yield replace(common, query=query, constraint=_component(prop))
        elif prop == SH.hasValue and path is not None:
            query = (f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ "
                     f"?this {path[0]} ?v FILTER (sameTerm(?v, {_constant(obj)})) }} }}")
            yield replace(common, query=query, constraint=_component(prop))
        else:
            test = _value_test(shapes, prop, obj)
            query = f"SELECT ?this ?value WHERE {{ {focus} {values} FILTER (!({test})) }}"
            yield replace(common, query=query, constraint=_component(prop),
                          value_is_focus=path is None)


def _count_query(prop: Node, count: int, focus: str, path: str) -> str:
    """The focus nodes with fewer (sh:minCount) or more (sh:maxCount) values than ``count``."""
    # GROUP BY holds a group per focus node: a million evidence spans at 100k events. The
    # usual counts, at least one and at most one, are patterns that keep only the offenders.
    if prop == SH.minCount and count == 1:
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
    if prop == SH.maxCount and count == 1:  # EXISTS, not a join: it looks each node up
        return (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?a "
                f"FILTER EXISTS {{ ?this {path} ?b FILTER (!sameTerm(?a, ?b)) }} }}")
    test = "<" if prop == SH.minCount else ">"
    return (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {test} {count})")


def _value_test(shapes: Graph, prop: Node, obj: Node) -> str:
    """A SPARQL expression true when ?value meets one value constraint."""
    if prop == SH["class"]:
        return f"EXISTS {{ ?value {INSTANCE_OF} {_iri(obj)} }}"
    if prop == SH.nodeKind and obj in _NODE_KINDS:
        return _NODE_KINDS[obj]  # type: ignore[index]
    if prop == SH.datatype and isinstance(obj, URIRef):
        if obj in _CHECKED:
            return _well_formed(obj)
        if obj not in (XSD.string, XSD.anyURI):  # rdflib checks neither's lexical form
            raise Unsupported(obj)
        return f"isLiteral(?value) && sameTerm(DATATYPE(?value), {_iri(obj)})"
    if prop in (SH.minLength, SH.maxLength):
        test = ">=" if prop == SH.minLength else "<="
        return f"!isBlank(?value) && STRLEN(STR(?value)) {test} {_integer(obj)}"
    if prop == SH.pattern and isinstance(obj, Literal):
        if _FLAGS in set(shapes.predicates(None, None)) or not _plain_pattern(str(obj)):
            raise Unsupported(obj)
        return f"!isBlank(?value) && REGEX(STR(?value), {sparql_literal(Literal(str(obj)))})"
    if prop in _RANGES and isinstance(obj, Literal) and obj.datatype in _CHECKED:
        # pySHACL finds an ill-formed value, or one of another kind (a dateTime against a
        # date), not comparable: a result. Oxigraph would compare some of them.
        kinds = _NUMBERS if obj.datatype in _NUMBERS else {obj.datatype}
        tests = " || ".join(f"({_well_formed(k)})" for k in sorted(kinds))
        return f"({tests}) && ?value {_RANGES[prop]} {sparql_literal(obj)}"  # type: ignore[index]
    if prop == SH["in"]:
        members = list(RdfList(shapes, obj))
        if not members:
            return "false"
        return " || ".join(f"sameTerm(?value, {_constant(m)})" for m in members)
    if prop == SH["not"]:
        return f"!({_member_test(shapes, obj)})"
    if prop == SH["or"]:
        members = list(RdfList(shapes, obj))
        return " || ".join(f"({_member_test(shapes, m)})" for m in members) or "false"
    raise Unsupported(prop)


_FLAGS = SH.flags
_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.float}


def _well_formed(datatype: Node) -> str:
    """True when ?value is a literal of ``datatype`` whose lexical form is one of it."""
    iri = _iri(datatype)
    return (f"isLiteral(?value) && sameTerm(DATATYPE(?value), {iri}) "
            f"&& !isBlank(COALESCE({iri}(STR(?value)), BNODE()))")


def _plain_pattern(pattern: str) -> bool:
    # Python's re and Oxigraph's regex agree on plain patterns; lookaround, backreferences
    # and Python-only escapes would not.
    return not re.search(r"\(\?|\\[0-9AZbBdDwW]|\\[pP]", pattern)


def _member_test(shapes: Graph, member: Node) -> str:
    """A SPARQL expression true when ?value conforms to an anonymous shape of sh:or, sh:not."""
    if not isinstance(member, BNode):
        raise Unsupported(member)
    path = shapes.value(member, SH.path)
    if path is not None:
        # A property shape member: only "has a value" (sh:minCount 1) is compiled.
        told = set(shapes.predicate_objects(member))
        if not isinstance(path, URIRef) or told != {(SH.path, path), (SH.minCount, Literal(1))}:
            raise Unsupported(member)
        return f"EXISTS {{ ?value {_iri(path)} ?_has }}"
    tests = []
    for prop, obj in shapes.predicate_objects(member):
        if prop == RDF.type and obj in (SH.NodeShape, SH.Shape):
            continue
        tests.append(f"({_value_test(shapes, prop, obj)})")
    if not tests:
        raise Unsupported(member)
    return " && ".join(tests)


def _sparql(shapes: Graph, constraint: Node, focus: str, path: tuple[str, str] | None,
            common: Check, *, value_is_focus: bool) -> Check:
    if (constraint, SH.deactivated, None) in shapes:
        raise Unsupported(constraint)
    select = str(_one(shapes, constraint, SH.select))
    projection = select.split("WHERE", 1)[0].split("{", 1)[0]
    if "$this" not in projection or re.search(r"\$(?!this\b|PATH\b)[A-Za-z_]", select):
        raise Unsupported(constraint)
    if re.search(r"\b(GRAPH|SERVICE|LIMIT|OFFSET|ORDER|GROUP|MINUS)\b|\bSELECT\b.*\bSELECT\b",
                 select, re.S | re.I):
        raise Unsupported(constraint)  # pre-binding $this could differ from a join with it
    if "$PATH" in select and path is None:
        raise Unsupported(constraint)
    text = select.replace("$PATH", path[0] if path else "").replace("$this", "?this")
    head, body = text.split("{", 1)
    # The focus nodes join the pattern first, standing in for pySHACL's pre-bound $this.
    query = _prefixes(shapes, constraint) + head + "{ " + focus + " " + body
    extra = tuple(m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal))
    if not extra and not common.messages:  # pySHACL's own wording is not reproduced
        raise Unsupported(constraint)
    return replace(common, query=query, constraint="SPARQLConstraintComponent",
                   sparql_messages=extra, value_is_focus=value_is_focus, sparql=True)


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declared in shapes.objects(source, SH.declare):
            prefix = shapes.value(declared, SH.prefix)
            namespace = shapes.value(declared, SH.namespace)
            if prefix is None or namespace is None or not re.fullmatch(r"[A-Za-z]\w*",
                                                                        str(prefix)):
                raise Unsupported(declared)
            lines.append(f"PREFIX {prefix}: {sparql_iri(str(namespace))}\n")
    return "".join(lines)


def _integer(term: Node) -> int:
    if not isinstance(term, Literal) or not isinstance(term.value, int):
        raise Unsupported(term)
    return int(term.value)


def _component(prop: Node) -> str:
    name = local(prop)
    return name[:1].upper() + name[1:] + "ConstraintComponent"


def local(term: Node | None) -> str:
    """The local name of a term (after its last # or /), "" for None."""
    if term is None:
        return ""
    return re.split(r"[#/]", str(term))[-1]
