"""Content negotiation: which result or RDF format to answer in, by Accept or ``format=``."""

from __future__ import annotations

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
#: ``format=`` values: the names above, short names, and what they mean for each kind.
_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "json-ld"),
    "srj": ("json", None),
    "xml": ("xml", "rdf-xml"),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "json-ld": (None, "json-ld"),
    "jsonld": (None, "json-ld"),
    "rdf-xml": (None, "rdf-xml"),
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
    accept: MIMEAccept, format_param: str | None, *, graph: bool, default: str | None = None
) -> str | None:
    """The format to answer in, or None when the client accepts nothing we can write.

    ``format=`` wins over Accept; it may be a name (``json``, ``ttl``…) or a media type.

    Raises:
        UnknownFormat: if ``format=`` names no format at all.
    """
    types = GRAPH_TYPES if graph else RESULT_TYPES
    default = default or ("turtle" if graph else "json")
    if format_param:
        wanted = format_param.strip().lower()
        if wanted in _ALIASES:
            results_name, graph_name = _ALIASES[wanted]
            return graph_name if graph else results_name
        media = wanted.partition(";")[0].strip()
        for table in (RESULT_TYPES, GRAPH_TYPES):
            for name, media_types in table.items():
                if media in media_types:
                    return name if table is types else None
        raise UnknownFormat(
            f"unknown format {format_param!r}; use one of {', '.join(sorted(_ALIASES))} "
            "or a media type"
        )
    if not accept:
        return default
    # Media-type parameters (charset…) must not keep "text/turtle; charset=utf-8" from
    # matching text/turtle: only the types and their q-values count.
    accept = MIMEAccept([(value.split(";", 1)[0].strip(), q) for value, q in accept])
    candidates = [*types[default], *(m for n, ms in types.items() if n != default for m in ms)]
    best = accept.best_match(candidates)
    if best is None:
        return None
    return next(name for name, media_types in types.items() if best in media_types)


def media_type(name: str, *, graph: bool) -> str:
    """The media type sent for a format, with its charset."""
    types = GRAPH_TYPES if graph else RESULT_TYPES
    return f"{types[name][0]}; charset=utf-8"


def offered(*, graph: bool) -> str:
    """The media types on offer, for a 406 message."""
    types = GRAPH_TYPES if graph else RESULT_TYPES
    return ", ".join(media_types[0] for media_types in types.values())
