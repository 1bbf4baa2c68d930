"""Content negotiation: which result or RDF format to answer in, by Accept or ``format=``."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept

from kg.rdfio import FORMATS, download_extension
from kg.store import RESULTS_FORMATS

#: SELECT and ASK answers: format name -> media types it answers to (the first is sent).
RESULT_TYPES: dict[str, tuple[str, ...]] = {
    "json": (RESULTS_FORMATS["json"], "application/json"),
    "xml": (RESULTS_FORMATS["xml"], "application/xml", "text/xml"),
    "csv": (RESULTS_FORMATS["csv"],),
    "tsv": (RESULTS_FORMATS["tsv"],),
}
#: CONSTRUCT and DESCRIBE answers, graphs and exports: format name -> media types, in the
#: order that breaks ties in negotiation (kg.rdfio has the formats).
GRAPH_TYPES: dict[str, tuple[str, ...]] = {
    name: FORMATS[name].media_types + FORMATS[name].also_accepted
    for name in ("turtle", "ntriples", "json-ld", "rdf-xml", "trig", "nquads")
}
#: ``format=`` values: the names above and the short names clients send (SPARQLWrapper sends
#: ``rdf+xml`` and ``n3``), with what each means for rows and for graphs. N3 is answered as
#: Turtle, which every N3 reader reads.
_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "json-ld"),
    "srj": ("json", None),
    "xml": ("xml", "rdf-xml"),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "json-ld": (None, "json-ld"),
    "jsonld": (None, "json-ld"),
    "rdf-xml": (None, "rdf-xml"),
    "rdf+xml": (None, "rdf-xml"),
    "rdfxml": (None, "rdf-xml"),
    "rdf": (None, "rdf-xml"),
    "trig": (None, "trig"),
    "nquads": (None, "nquads"),
    "n-quads": (None, "nquads"),
    "nq": (None, "nquads"),
}
EXTENSIONS = {
    "json": "srj", "xml": "srx", "csv": "csv", "tsv": "tsv",
    **{name: download_extension(name) for name in FORMATS},
}


class UnknownFormat(ValueError):
    """A ``format=`` value that names nothing we write."""


def is_graph_form(form: str | None) -> bool:
    """Whether a query form answers with triples (CONSTRUCT, DESCRIBE) rather than rows."""
    return form in ("CONSTRUCT", "DESCRIBE")


def choose(
    accept: MIMEAccept,
    format_param: str | Sequence[str] | None,
    *,
    graph: bool,
    default: str | None = None,
) -> str | None:
    """The format to answer in, or None when the client accepts nothing we can write.

    ``format=`` (a name such as ``json``, ``ttl``, ``rdf+xml``, or a media type) wins over
    Accept when it names a format of this kind of answer; one that does not (unknown, or a
    results format asked of a graph) gives way to the Accept header, so that it never turns
    a usable Accept into an error. Several values (SPARQLWrapper sends ``format=rdf+xml``
    and ``format=application/rdf+xml``) are tried in order.

    Raises:
        UnknownFormat: if ``format=`` names no format at all and there is no Accept header
            to go by (a typo is reported rather than answered in a format nobody asked for).
    """
    types = GRAPH_TYPES if graph else RESULT_TYPES
    default = default or ("turtle" if graph else "json")
    given = [format_param] if isinstance(format_param, str) else list(format_param or ())
    named = [value for value in given if value.strip()]
    unknown = []
    for value in named:
        known, name = _format_named(value, graph=graph)
        if name is not None:
            return name
        if not known:
            unknown.append(value)
    if not accept:
        if named and len(unknown) == len(named):
            raise UnknownFormat(
                f"unknown format {unknown[0]!r}; use one of {', '.join(sorted(_ALIASES))} "
                "or a media type"
            )
        # Formats of the other kind only, and no Accept to fall back on: nothing fits.
        return None if named else default
    # Media-type parameters (charset…) must not keep "text/turtle; charset=utf-8" from
    # matching text/turtle: only the types and their q-values count.
    accept = MIMEAccept([(value.split(";", 1)[0].strip(), q) for value, q in accept])
    candidates = [*types[default], *(m for n, ms in types.items() if n != default for m in ms)]
    best = accept.best_match(candidates)
    if best is None:
        return None
    return next(name for name, media_types in types.items() if best in media_types)


def _format_named(value: str, *, graph: bool) -> tuple[bool, str | None]:
    """Whether a ``format=`` value names a format of either kind, and the one of this kind."""
    # A "+" sent unescaped in a query string arrives as a space ("rdf xml").
    wanted = value.strip().lower().replace(" ", "+")
    if wanted in _ALIASES:
        results_name, graph_name = _ALIASES[wanted]
        return True, graph_name if graph else results_name
    media = wanted.partition(";")[0].strip()
    own, other = (GRAPH_TYPES, RESULT_TYPES) if graph else (RESULT_TYPES, GRAPH_TYPES)
    for name, media_types in own.items():
        if media in media_types:
            return True, name
    return any(media in media_types for media_types in other.values()), None


def media_type(name: str, *, graph: bool) -> str:
    """The media type sent for a format, with its charset."""
    types = GRAPH_TYPES if graph else RESULT_TYPES
    return f"{types[name][0]}; charset=utf-8"


def offered(*, graph: bool) -> str:
    """The media types on offer, for a 406 message."""
    types = GRAPH_TYPES if graph else RESULT_TYPES
    return ", ".join(media_types[0] for media_types in types.values())
