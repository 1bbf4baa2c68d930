"""The shipped shapes, shapes from files, and the check that keeps them offline."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

from kg.rdffile import read_rdf
from kg.resources import resource_path
from kg.sparql.parse import SparqlSyntaxError, parse_query, parse_update

# Refuses more than it must (FROM in a string too): a finder, never a permit.
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)


class ShapesError(ValueError):
    """Shapes that cannot be used: unreadable, or asking for the network."""


@cache
def default_shapes() -> Graph:
    """The shipped shapes (every ``shapes/*.ttl``), parsed once."""
    graph = Graph()
    for path in sorted(resource_path("shapes").glob("*.ttl")):
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


def resolve_shapes(shapes: Graph | str | Path | None) -> Graph:
    """The shapes to validate with: the shipped ones, a graph (checked), or a file (loaded)."""
    if shapes is None:
        return default_shapes()
    if isinstance(shapes, Graph):
        check_offline(shapes)
        return shapes
    return load_shapes(shapes)


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
