"""Named queries: the ``queries/*.rq`` files, their comment headers, and safe parameter binding;
and the counts of what a store holds (``kg stats``).

A parameter's type says how its value is bound: ``text``, ``iri``, ``date`` and ``integer``
as a term of that type; ``name`` as the IRIs of the things the key of the name
(``dip:nameKey``, kg.names) names in the store (the key itself when no store is given), or as
the IRI it is; ``event``, ``article``, ``record`` (an event or an article) and ``entity`` (an
actor, post, place, topic or outlet) as the things whose words the text index finds, or as the
IRI given, or left unbound (anything) when empty. No value is ever pasted into a query's text.

A ``# days: day from..to`` line binds ``?day`` to every date from the ``from`` parameter to the
``to`` parameter when they are at most :data:`MAX_DAYS` apart, so that a query can look its
events up by date (an index lookup per day) instead of reading every event to test its date;
for a longer range ``?day`` stays unbound and the query's own FILTER keeps to the range.

A ``# counted: FILE.rq`` line names a second text (beside the query's, in its folder) that gives
the same answer from the counts kept up to date with the documents (:mod:`kg.link.counts`):
:func:`query_text` chooses it while they are current, so that a ranking over the whole graph
costs a read; any other client runs the query's own text, which counts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.link.counts import counts_current
from kg.names import name_key, name_words
from kg.resources import resource_path
from kg.search import NAMED_KINDS, SearchError, require_index
from kg.store import Binding, Store
from kg.terms import is_iri, sparql_iri
from kg.vocab import DIP, XSD

_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<type>\w+)"
    r"(?:\s*,\s*within\s+(?P<first>\w+)\s*\.\.\s*(?P<last>\w+))?"
    r"(?:\s*,\s*default\s+(?P<default>[^)]*))?\))?"
    r"\s*(?P<description>.*)$"
)
# A text parameter that looks like an IRI of these schemes is taken as one (kg.terms checks it).
_IRI_LIKE = re.compile(r"<?(?:https?|urn|file):\S*>?\Z")
#: The kinds of thing a parameter of each lookup type stands for, and the fields of the text
#: index its words are looked for in (an event's name is its headline, its tags its topics).
LOOKUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "event": (("event",), ("name", "tags")),
    "article": (("article",), ("name",)),
    "record": (("event", "article"), ("name",)),
    "entity": (NAMED_KINDS, ("name", "body")),
}
TYPES = ("text", "iri", "date", "integer", "name", *LOOKUPS)
#: The longest range a ``# days:`` line binds day by day (about a year: 366 VALUES rows).
MAX_DAYS = 366
_DAYS = re.compile(r"^(?P<day>[A-Za-z_]\w*)\s+(?P<first>\w+)\s*\.\.\s*(?P<last>\w+)\s*$")


class QueryParamError(ValueError):
    """A parameter that is unknown, missing, or not of its declared type."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str = "text"
    description: str = ""
    default: str | None = None
    #: For a lookup: the date parameters whose range the things found must be dated in
    #: (``(event, within from..to)``), so that the index, not the store, keeps to the range.
    within: tuple[str, str] | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its header: title, description, parameters."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    #: ``# days: day from..to``: the variable bound to each day of the range, and the range's
    #: two date parameters.
    days: tuple[str, str, str] | None = None
    #: ``# counted: FILE.rq``: the file, and (once loaded) the text, that reads the counts.
    counted_file: str | None = None
    counted: str | None = None


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read the ``# title:``, ``# description:`` and ``# param:`` header of a query text."""
    title, description, params = name, "", []
    days: tuple[str, str, str] | None = None
    counted_file: str | None = None
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
            within = (match["first"], match["last"]) if match["first"] else None
            if within is not None and kind not in LOOKUPS:
                raise ValueError(f"{name}.rq: only a lookup ({', '.join(LOOKUPS)}) is "
                                 f"looked up within a range, not a {kind}")
            params.append(Param(match["name"], kind, match["description"].strip(), default,
                                within))
        elif key == "days":
            found = _DAYS.match(value)
            if not found:
                raise ValueError(f"{name}.rq: cannot read days line {value!r} (day from..to)")
            days = (found["day"], found["first"], found["last"])
        elif key == "counted":
            if not value.endswith(".rq") or ".." in Path(value).parts or Path(value).is_absolute():
                raise ValueError(f"{name}.rq: cannot read counted line {value!r} (a .rq file "
                                 "in the queries' folder)")
            counted_file = value
    dates = {p.name for p in params if p.type == "date"}
    if days is not None and not set(days[1:]) <= dates:
        raise ValueError(f"{name}.rq: the days {days[1]}..{days[2]} are not date parameters")
    for param in params:
        if param.within is not None and not set(param.within) <= dates:
            raise ValueError(f"{name}.rq: {param.name} is looked up within "
                             f"{'..'.join(param.within)}, which are not date parameters")
    return NamedQuery(name, title, description, tuple(params), text, days, counted_file)


def queries_dir() -> Path:
    """The folder of the shipped named queries."""
    return resource_path("queries")


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``folder`` (default: the shipped ``queries/``), by name."""
    folder = folder or queries_dir()
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        query = parse_named_query(path.stem, path.read_text(encoding="utf-8"))
        if query.counted_file is not None:
            counted = folder / query.counted_file
            try:
                text = counted.read_text(encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"{path.name}: cannot read its counted text {counted}: "
                                 f"{exc.strerror}") from None
            query = dataclasses.replace(query, counted=text)
        queries[path.stem] = query
    return queries


def query_text(query: NamedQuery, store: Store) -> str:
    """The text to run: the one that reads the kept counts while they are current, else the
    query's own."""
    if query.counted is not None and counts_current(store):
        return query.counted
    return query.text


def to_term(value: str, kind: str = "text") -> Node:
    """A user's parameter value as an RDF term of the declared type; never as query text.

    A ``name`` is its key (kg.names.name_key), unless it is an IRI; a lookup type's value
    is taken here only as an IRI (:func:`bind_params` looks its words up).
    """
    if kind == "name" and not _IRI_LIKE.match(value):
        return Literal(name_key(value))
    if kind in ("iri", "name", *LOOKUPS) or (kind == "text" and _IRI_LIKE.match(value)):
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


def bind_params(query: NamedQuery, values: Mapping[str, str], *,
                store: Store | None = None) -> dict[str, Binding]:
    """Check the given values against the declared parameters and turn them into terms.

    The words of a lookup parameter (``event``, ``article``, ``record``, ``entity``) are
    looked up in the text index of ``store``: the parameter is bound to every thing they
    name (none: no answer); an empty value leaves it unbound.
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryParamError(
            f"query {query.name!r} has no parameter {', '.join(unknown)} (it takes: {known})"
        )
    bindings: dict[str, Binding] = {}
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            raise QueryParamError(
                f"query {query.name!r} needs --param {param.name}=... ({param.description})"
            )
        if param.type not in LOOKUPS or _IRI_LIKE.match(raw):
            bindings[param.name] = to_term(raw, param.type)
    for param in query.params:
        raw = values.get(param.name, param.default) or ""
        if param.type in LOOKUPS and raw.strip() and not _IRI_LIKE.match(raw):
            days = None
            if param.within is not None:
                days = (str(bindings[param.within[0]]), str(bindings[param.within[1]]))
            bindings[param.name] = _look_up(param, raw, store, days)
    if store is not None:
        for param in query.params:
            term = bindings.get(param.name)
            if param.type == "name" and isinstance(term, Literal) and str(term):
                bindings[param.name] = _named(store, term)
    if query.days is not None:
        every_day = _every_day(bindings[query.days[1]], bindings[query.days[2]])
        if every_day is not None:
            bindings[query.days[0]] = every_day
    return bindings


_NAMED = f"SELECT DISTINCT ?who WHERE {{ ?who {sparql_iri(str(DIP.nameKey))} ?key }} ORDER BY ?who"


def _named(store: Store, key: Literal) -> tuple[Node, ...]:
    """The things a name's key names in ``store``: the query then starts from their IRIs, as
    asked by IRI, on every store (Virtuoso reads no zero-step path to a literal)."""
    return tuple(row[0] for row in store.query(_NAMED, bindings={"key": key}).rows
                 if isinstance(row[0], URIRef))


def _every_day(first: Binding, last: Binding) -> tuple[Node, ...] | None:
    """Every date from ``first`` to ``last`` as xsd:date terms (none for a reversed range), or
    None when the range is longer than :data:`MAX_DAYS`."""
    start = date.fromisoformat(str(first))
    count = (date.fromisoformat(str(last)) - start).days + 1
    if count > MAX_DAYS:
        return None
    return tuple(Literal((start + timedelta(days=k)).isoformat(), datatype=XSD.date)
                 for k in range(max(count, 0)))


def _look_up(param: Param, words: str, store: Store | None,
             days: tuple[str, str] | None) -> tuple[Node, ...]:
    """The things of a lookup parameter's kinds that the text index finds for its words."""
    if store is None:
        raise QueryParamError(f"{param.name}: words are looked up in a store's text index, "
                              "and no store was given")
    kinds, fields = LOOKUPS[param.type]
    try:
        found = require_index(store).lookup(name_words(words), kinds, fields, days=days)
    except SearchError as exc:
        raise QueryParamError(f"{param.name}: {exc}") from None
    return tuple(URIRef(iri) for iri in found)


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
