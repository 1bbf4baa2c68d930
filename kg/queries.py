"""Named queries: the ``queries/*.rq`` files, their comment headers, and safe parameter binding;
and the counts of what a store holds (``kg stats``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.resources import resource_path
from kg.store import Store
from kg.terms import is_iri
from kg.vocab import XSD

_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<type>\w+)(?:\s*,\s*default\s+(?P<default>[^)]*))?\))?"
    r"\s*(?P<description>.*)$"
)
# A text parameter that looks like an IRI of these schemes is taken as one (kg.terms checks it).
_IRI_LIKE = re.compile(r"<?(?:https?|urn|file):\S*>?\Z")
TYPES = ("text", "iri", "date", "integer")


class QueryParamError(ValueError):
    """A parameter that is unknown, missing, or not of its declared type."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str = "text"
    description: str = ""
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its header: title, description, parameters."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read the ``# title:``, ``# description:`` and ``# param:`` header of a query text."""
    title, description, params = name, "", []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        key, _, value = stripped.lstrip("#").strip().partition(":")
        value = value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = value
        elif key == "param":
            match = _PARAM.match(value)
            if not match:
                raise ValueError(f"{name}.rq: cannot read parameter line {value!r}")
            kind = match["type"] or "text"
            if kind not in TYPES:
                raise ValueError(f"{name}.rq: parameter type {kind!r} is not one of {TYPES}")
            default = match["default"]
            if default is not None:
                default = default.strip().strip('"')
            params.append(Param(match["name"], kind, match["description"].strip(), default))
    return NamedQuery(name, title, description, tuple(params), text)


def queries_dir() -> Path:
    """The folder of the shipped named queries."""
    return resource_path("queries")


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``folder`` (default: the shipped ``queries/``), by name."""
    folder = folder or queries_dir()
    return {
        path.stem: parse_named_query(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.rq"))
    }


def to_term(value: str, kind: str = "text") -> Node:
    """A user's parameter value as an RDF term of the declared type; never as query text."""
    if kind == "iri" or (kind == "text" and _IRI_LIKE.match(value)):
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        if not is_iri(iri):
            raise QueryParamError(f"{value!r} is not an absolute IRI")
        return URIRef(iri)
    if kind == "date":
        try:
            return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
        except ValueError:
            raise QueryParamError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if kind == "integer":
        try:
            return Literal(int(value))
        except ValueError:
            raise QueryParamError(f"{value!r} is not a whole number") from None
    return Literal(value)


def bind_params(query: NamedQuery, values: Mapping[str, str]) -> dict[str, Node]:
    """Check the given values against the declared parameters and turn them into terms."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryParamError(
            f"query {query.name!r} has no parameter {', '.join(unknown)} (it takes: {known})"
        )
    bindings: dict[str, Node] = {}
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            raise QueryParamError(
                f"query {query.name!r} needs --param {param.name}=... ({param.description})"
            )
        bindings[param.name] = to_term(raw, param.type)
    return bindings


# -- what a store holds -------------------------------------------------------------------------

#: The kinds counted, in the order they are shown, with their class.
KINDS = (
    ("documents", "SourceDocument"), ("events", "Event"), ("articles", "Article"),
    ("sources", "Source"), ("agencies", "NewsAgency"), ("people", "Person"),
    ("states", "State"), ("organisations", "Organization"), ("posts", "Post"),
    ("topics", "Topic"), ("places", "Place"),
)
_QUERY = (
    "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
    "SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {\n"
    "  VALUES (?class ?what) { "
    + " ".join(f'(dip:{cls} "{what}")' for what, cls in KINDS)
    + " }\n  ?x a ?class .\n} GROUP BY ?what"
)


def store_stats(store: Store) -> dict[str, str | int]:
    """The store's name, its triples and quads, and how many things of each kind it holds."""
    counts: dict[str, str | int] = {
        "store": store.url,
        "triples": store.triple_count(),
        "quads": store.quad_count(),
    }
    found = {
        str(what): int(str(n))
        for what, n in store.query(_QUERY).rows
        if what is not None and n is not None
    }
    counts.update({what: found.get(what, 0) for what, _ in KINDS})
    return counts
