"""A cheap SHACL gate: the shapes compiled to SPARQL SELECT queries run by pyoxigraph.

pySHACL checks each focus node in Python, which costs about 50 ms a document. The subset of
SHACL Core the shipped shapes use (class, subject and object targets; predicate and inverse
paths; count, value-type, value-range, string, ``sh:in``, ``sh:hasValue`` constraints; ``sh:or``
and ``sh:not`` of value-type and string constraints; SPARQL-based constraints) is compiled to one
query per constraint over all focus nodes at once. A node shape using anything else is left to
pySHACL, run over the same graph with only those shapes, so a verdict never depends on what the
compiler covers. ``pyshacl_only`` names the shapes that fall back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from kg.ontology import ontology_graph
from kg.rdffile import to_oxigraph, to_rdflib
from kg.terms import Triple, sparql_iri, sparql_literal, sparql_term
from kg.validate.report import ValidationResult, report_term
from kg.validate.run import DataGraph, read_results, run_pyshacl
from kg.vocab import OWL, RDF, RDFS


class Unsupported(Exception):
    """A construct the compiler leaves to pySHACL."""


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
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
            SH.name, SH.description, SH.order, SH.group, *_TARGETS}
_INSTANCE_OF = f"{sparql_iri(str(RDF.type))}/{sparql_iri(str(RDFS.subClassOf))}*"


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


@dataclass(frozen=True)
class Plan:
    """The compiled checks, and a shapes graph with the node shapes left to pySHACL."""

    checks: tuple[Check, ...]
    fallback: Graph | None
    pyshacl_only: tuple[str, ...]


def compile_shapes(shapes: Graph) -> Plan:
    """Compile each node shape that has targets, or leave it (whole) to pySHACL."""
    checks: list[Check] = []
    fallback: list[Node] = []
    for shape in sorted(_target_shapes(shapes), key=str):
        try:
            checks.extend(_node_shape(shapes, shape))
        except Unsupported:
            fallback.append(shape)
    if not fallback:
        return Plan(tuple(checks), None, ())
    rest = Graph()
    compiled = set(_target_shapes(shapes)) - set(fallback)
    for triple in shapes:
        # A shape without targets validates nothing: the compiled ones are left in place.
        if triple[0] in compiled and triple[1] in _TARGETS:
            continue
        rest.add(triple)
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    return Plan(tuple(checks), rest, tuple(_local(s) for s in fallback))


def check_graph(graph: Graph, shapes: Graph, plan: Plan | None = None) -> tuple[
        ValidationResult, ...]:
    """The results of validating ``graph`` (changed in place when pySHACL must run)."""
    try:
        quads = _quads(graph)
    except ValueError:  # a term Oxigraph refuses: pySHACL checks the graph
        return read_results(run_pyshacl(graph, shapes, "none"), shapes, graph)
    store = ox.Store()
    store.bulk_extend(quads)
    return _check(store, shapes, plan, lambda: graph)


def check_triples(triples: Collection[Triple], shapes: Graph, plan: Plan | None = None) -> tuple[
        ValidationResult, ...]:
    """The results of validating ``triples`` with the ontology (Unsupported: use pySHACL)."""
    try:
        quads = _quads(triples)
    except ValueError as exc:  # a term Oxigraph refuses (an IRI with a space): pySHACL's
        raise Unsupported(str(exc)) from exc
    store = ox.Store()
    store.bulk_extend(_ontology_quads())
    store.bulk_extend(quads)

    def graph() -> Graph:  # only built for the shapes left to pySHACL
        data = DataGraph()
        data.addN((s, p, o, data) for s, p, o in triples)
        data += ontology_graph()
        return data

    return _check(store, shapes, plan, graph)


def _check(store: ox.Store, shapes: Graph, plan: Plan | None,
           graph: Callable[[], Graph]) -> tuple[ValidationResult, ...]:
    plan = plan if plan is not None else compiled_plan(shapes)
    found = list(_run(store, shapes, plan.checks))
    if plan.fallback is not None:
        data = graph()
        found.extend(read_results(run_pyshacl(data, plan.fallback, "none"), shapes, data))
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    found.sort(key=lambda r: (r.file, rank.get(r.severity, 9), str(r.focus_node), r.path or "",
                              r.shape, str(r.value)))
    return tuple(found)


def _quads(triples: Iterable[Triple]) -> list[ox.Quad]:
    # Each term converted once: a batch names the same predicates, classes and nodes again
    # and again. rdflib terms are equal only when their kind, text, datatype and language
    # are, so a term stands for exactly one Oxigraph term.
    converted: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = converted.get(node)
        if found is None:
            found = converted[node] = to_oxigraph(node)
        return found

    return [ox.Quad(term(s), term(p), term(o))  # type: ignore[arg-type]
            for s, p, o in triples]


@cache
def _ontology_quads() -> tuple[ox.Quad, ...]:
    return tuple(_quads(ontology_graph()))


_PLANS: dict[int, tuple[Graph, Plan]] = {}
_PLANS_KEPT = 8  # the shipped shapes, and a few a test or a caller passes


def compiled_plan(shapes: Graph) -> Plan:
    """The plan of a shapes graph, compiled once per graph object (the last few kept)."""
    held = _PLANS.get(id(shapes))
    if held is None or held[0] is not shapes:
        held = (shapes, compile_shapes(shapes))
        while len(_PLANS) >= _PLANS_KEPT:
            del _PLANS[next(iter(_PLANS))]
        _PLANS[id(shapes)] = held
    return held[1]


def _run(store: ox.Store, shapes: Graph, checks: Iterable[Check]) -> Iterator[ValidationResult]:
    types: dict[Node, set[Node]] = {}
    for check in checks:
        seen: set[tuple[object, ...]] = set()
        solutions = store.query(check.query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {n: to_rdflib(row[n]) for n in names if row[n] is not None}
            key = tuple(sorted(bound.items()))
            bound = {n: t for n, t in bound.items() if not n.startswith("_")}
            if key in seen:  # pySHACL drops a repeated row of a SPARQL constraint
                continue
            seen.add(key)
            yield _result(store, shapes, check, bound, types)


def _result(store: ox.Store, shapes: Graph, check: Check, bound: dict[str, Node],
            types: dict[Node, set[Node]]) -> ValidationResult:
    focus = bound.pop("this")
    value = bound.pop("value", None)
    path_node = bound.pop("path", None)
    if value is None and check.value_is_focus:
        value = focus
    path = check.path
    if check.sparql and path_node is not None:
        path = report_term(path_node) if isinstance(path_node, URIRef) else str(path_node)
    messages: list[str]
    if check.sparql:
        names = dict(bound)
        names.update({k: v for k, v in (("this", focus), ("path", path_node),
                                          ("value", value)) if v is not None})
        shape_texts = [_format(str(m), names) for m in check.messages]
        extra = [_format(str(m), names) for m in check.sparql_messages
                 if m not in check.messages]
        messages = sorted(shape_texts + extra)
    else:
        messages = sorted(str(m) for m in check.messages)
    return ValidationResult(
        severity=check.severity,
        focus_node=focus,
        path=path,
        value=value,
        message=" ".join(messages) or "(no message)",
        source_shape=check.source_shape,
        shape=_shape_name(store, shapes, check, focus, types),
        constraint=check.constraint,
    )


def _format(message: str, names: dict[str, Node]) -> str:
    # As pySHACL substitutes {?name} and {$name}, replacement text and all.
    for name, term in names.items():
        message = re.sub(f"{{[?$]{name}}}", str(term), message)
    return message


def _shape_name(store: ox.Store, shapes: Graph, check: Check, focus: Node,
                types: dict[Node, set[Node]]) -> str:
    # As kg.validate.run names a result: a shared property shape after the parent that
    # targets the focus node's classes.
    source = check.source_shape
    if isinstance(source, URIRef) and (source, SH.path, None) not in shapes:
        return _local(source)
    parents = [p for p in check.parents if isinstance(p, URIRef)]
    if len(parents) > 1:
        if focus not in types:
            types[focus] = _types(store, focus)
        matching = [p for p in parents
                    if set(shapes.objects(p, SH.targetClass)) & types[focus]]
        parents = matching or parents
    if len(parents) == 1 or (parents and not isinstance(source, URIRef)):
        return _local(parents[0])
    return _local(source) if isinstance(source, URIRef) else ""


def _types(store: ox.Store, node: Node) -> set[Node]:
    if isinstance(node, Literal):
        return set()
    # A binding, not text: a blank node written in a query would be a variable.
    solutions = store.query(f"SELECT DISTINCT ?node ?c WHERE {{ ?node {_INSTANCE_OF} ?c }}",
                            substitutions={ox.Variable("node"): to_oxigraph(node)})
    assert isinstance(solutions, ox.QuerySolutions)
    return {to_rdflib(row["c"]) for row in solutions}


def _target_shapes(shapes: Graph) -> set[Node]:
    found = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    # A shape that is also a class targets its instances: not compiled, but it falls back.
    found.update(s for s in shapes.subjects(RDF.type, SH.NodeShape) if _is_class(shapes, s))
    return found


def _is_class(shapes: Graph, node: Node) -> bool:
    return any((node, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class))


def _node_shape(shapes: Graph, shape: Node) -> Iterator[Check]:
    if not isinstance(shape, URIRef) or _is_class(shapes, shape):
        raise Unsupported(shape)
    if (shape, SH.path, None) in shapes:  # a property shape with its own targets
        raise Unsupported(shape)
    if (shape, SH.deactivated, None) in shapes:
        raise Unsupported(shape)
    focus = _focus_query(shapes, shape)
    yield from _constraints(shapes, shape, focus, None, (shape,))
    for prop in shapes.objects(shape, SH.property):
        path, path_text = _path(shapes, prop)
        parents = tuple(shapes.subjects(SH.property, prop))
        yield from _constraints(shapes, prop, focus, (path, path_text), parents)


def _focus_query(shapes: Graph, shape: Node) -> str:
    parts = []
    for cls in shapes.objects(shape, SH.targetClass):
        parts.append(f"{{ ?this {_INSTANCE_OF} {_iri(cls)} }}")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this {_iri(prop)} ?_o }}")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?_s {_iri(prop)} ?this }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(_constant(n) for n in nodes) + " } }")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


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
    severity = _local(shapes.value(shape, SH.severity)) or "Violation"
    messages = tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))
    if len(messages) != len(list(shapes.objects(shape, SH.message))):
        raise Unsupported(shape)
    common = Check(query="", source_shape=shape, parents=parents, severity=severity,
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
            count = _integer(obj)
            test = "<" if prop == SH.minCount else ">"
            query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path[0]} ?v }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {test} {count})")
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


def _value_test(shapes: Graph, prop: Node, obj: Node) -> str:
    """A SPARQL expression true when ?value meets one value constraint."""
    if prop == SH["class"]:
        return f"EXISTS {{ ?value {_INSTANCE_OF} {_iri(obj)} }}"
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
    name = _local(prop)
    return name[:1].upper() + name[1:] + "ConstraintComponent"


def _local(term: Node | None) -> str:
    if term is None:
        return ""
    return re.split(r"[#/]", str(term))[-1]
