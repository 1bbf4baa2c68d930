"""What shapes read beyond a focus node's own triples, found by parsing them.

A shape's verdict on a focus node depends on the node's own triples, on what the shapes read
one hop away (the types of its values for ``sh:class``, the dates of the events an article
reports, ...) and on the class hierarchy. ``shapes_reach`` reads that from the shapes (their
SPARQL with a real parser), or says it is more than one hop away (None).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection as RdfList
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.algebra import triples as sparql_triples
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.terms import sparql_iri
from kg.vocab import RDF

_THIS, _VALUE, _PATH = Variable("this"), Variable("value"), Variable("PATH")
# Constraints that validate value nodes against other shapes, or targets found by queries:
# what they read is not bounded by one hop.
_UNBOUNDED = (SH.node, SH.qualifiedValueShape, SH.target, SH.targetNode, SH.rule,
              SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_LOGICAL = (SH["or"], SH["and"], SH.xone)


@dataclass(frozen=True)
class Reach:
    """What the shapes read beyond a focus node's own triples."""

    object_targets: frozenset[URIRef]  # sh:targetObjectsOf: one such triple makes a target
    follow: frozenset[URIRef]  # predicates read on a node one hop from the focus node
    inverse: frozenset[URIRef]  # predicates walked backwards into the focus node (all of them)


def shapes_reach(shapes: Graph) -> Reach | None:
    """What the shapes read beyond a focus node, or None when it is more than one hop away."""
    if any((None, p, None) in shapes for p in _UNBOUNDED):
        return None
    if (None, RDF.type, SH.ConstraintComponent) in shapes:
        return None  # custom components run SPARQL we do not see here
    path_predicates: set[URIRef] = set()
    inverse: set[URIRef] = set()
    for path in shapes.objects(None, SH.path):
        walked = _simple_path(shapes, path)
        if walked is None:
            return None
        predicate, backwards = walked
        path_predicates.add(predicate)
        if backwards:
            inverse.add(predicate)
    if not _values_read_alone(shapes):
        return None
    follow: set[URIRef] = {RDF.type}
    prologue = _prologue(shapes)
    for prop in (SH.select, SH.ask):
        for text in shapes.objects(None, prop):
            read = _sparql_reach(prologue + str(text), ask=prop == SH.ask)
            if read is None:
                return None
            more_follow, more_inverse, reads_path_backwards = read
            follow |= more_follow
            inverse |= more_inverse
            if reads_path_backwards:
                inverse |= path_predicates
    return Reach(frozenset(_iris(shapes.objects(None, SH.targetObjectsOf))),
                 frozenset(follow), frozenset(inverse))


def _iris(nodes: Iterable[Node]) -> Iterator[URIRef]:
    return (n for n in nodes if isinstance(n, URIRef))


def _simple_path(shapes: Graph, path: Node) -> tuple[URIRef, bool] | None:
    """A path of one step: its predicate and whether it is walked backwards."""
    if isinstance(path, URIRef):
        return path, False
    inner = shapes.value(path, SH.inversePath)
    if isinstance(inner, URIRef):
        return inner, True
    return None


def _values_read_alone(shapes: Graph) -> bool:
    """Whether the constraints on value nodes read only the value node and its types."""
    for prop_shape in shapes.subjects(SH.path, None):
        todo = [inner for logical in _LOGICAL for lst in shapes.objects(prop_shape, logical)
                for inner in RdfList(shapes, lst)]
        todo += list(shapes.objects(prop_shape, SH["not"]))
        seen: set[Node] = set()
        while todo:
            inner = todo.pop()
            if inner in seen:
                continue
            seen.add(inner)
            if any((inner, p, None) in shapes for p in (SH.path, SH.property, SH.sparql)):
                return False
            todo += [i for logical in _LOGICAL for lst in shapes.objects(inner, logical)
                     for i in RdfList(shapes, lst)]
            todo += list(shapes.objects(inner, SH["not"]))
    return True


def _prologue(shapes: Graph) -> str:
    """PREFIX lines for every sh:declare of the shapes (pySHACL adds those a shape names)."""
    lines = []
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if isinstance(prefix, Literal) and namespace is not None:
            lines.append(f"PREFIX {prefix}: {sparql_iri(str(namespace))}\n")
    return "".join(sorted(set(lines)))


def _sparql_reach(
    text: str, *, ask: bool
) -> tuple[set[URIRef], set[URIRef], bool] | None:
    """What a SPARQL constraint reads: (follow, inverse, $PATH walked into $this), or None.

    Its triple patterns (EXISTS ones too, paths unfolded) are placed by their distance from
    $this: patterns from $this, patterns into $this by a named predicate (inverse), and
    patterns from a node one hop away by a named predicate (follow) are bounded; any other
    is not.
    """
    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # rdflib raises many kinds; unreadable means unbounded
        return None
    edges: list[tuple[Node, Node, Node]] = []
    if ask:
        edges.append((_THIS, _PATH, _VALUE))
    fresh = iter(range(1_000_000))
    for s, p, o in _patterns(algebra):
        unfolded = _unfold(s, p, o, fresh)
        if unfolded is None:
            return None
        edges += unfolded
    distance = _distances(edges)
    follow: set[URIRef] = set()
    inverse: set[URIRef] = set()
    path_backwards = False
    for s, p, o in edges:
        ds, do = distance.get(s), distance.get(o)
        if ds == 0:
            continue  # the focus node's own triples: always there
        if do == 0:
            if p == _PATH:
                path_backwards = True
            elif isinstance(p, URIRef):
                inverse.add(p)
            else:
                return None
        elif ds == 1 and isinstance(p, URIRef):
            follow.add(p)
        else:
            return None
    return follow, inverse, path_backwards


def _patterns(node: object) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple pattern of a translated query, in EXISTS and subqueries too."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            yield from node.triples
        elif node.name == "TriplesBlock":  # EXISTS patterns stay as parsed until run
            yield from sparql_triples(node.triples)
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _patterns(item)


def _unfold(
    s: Node, p: object, o: Node, fresh: Iterator[int]
) -> list[tuple[Node, Node, Node]] | None:
    """A pattern as single steps (paths unfolded), or None for a repeated or negated path."""
    if isinstance(p, URIRef | Variable):
        return [(s, p, o)]
    if isinstance(p, InvPath):
        return _unfold(o, p.arg, s, fresh)
    if isinstance(p, AlternativePath):
        out: list[tuple[Node, Node, Node]] = []
        for arg in p.args:
            part = _unfold(s, arg, o, fresh)
            if part is None:
                return None
            out += part
        return out
    if isinstance(p, SequencePath):
        out = []
        here = s
        for i, arg in enumerate(p.args):
            there = o if i == len(p.args) - 1 else Variable(f"_step{next(fresh)}")
            part = _unfold(here, arg, there, fresh)
            if part is None:
                return None
            out += part
            here = there
        return out
    return None


def _distances(edges: list[tuple[Node, Node, Node]]) -> dict[Node, int]:
    """Hops from $this to each variable, the patterns read both ways.

    Constants (IRIs, literals) get no distance: a pattern from one reads a fixed node,
    wherever the focus node is, and a path through one joins nothing.
    """
    neighbours: dict[Node, set[Node]] = {}
    for s, _, o in edges:
        if isinstance(s, Variable | BNode) and isinstance(o, Variable | BNode):
            neighbours.setdefault(s, set()).add(o)
            neighbours.setdefault(o, set()).add(s)
    distance: dict[Node, int] = {_THIS: 0}
    todo: deque[Node] = deque([_THIS])
    while todo:
        node = todo.popleft()
        for other in neighbours.get(node, ()):
            if other not in distance:
                distance[other] = distance[node] + 1
                todo.append(other)
    return distance

