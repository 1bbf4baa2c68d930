"""Reading RDF files offline: Turtle, JSON-LD, N-Triples, N-Quads, TriG and RDF/XML.

Files are parsed with pyoxigraph, whose parsers have no way to reach the network:
a JSON-LD ``@context`` given by URL and an RDF/XML external entity are refused with
a message that says so, and an ``owl:imports`` is refused rather than followed.
Syntax errors become a :class:`~kg.model.ParseError` naming the file and the line.
"""

from __future__ import annotations

import json
import logging
import re
import xml.parsers.expat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.model import ParseError
from kg.vocab import OWL, XSD

#: Format names (as ``kg export`` spells them) and the pyoxigraph format of each.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdf-xml": ox.RdfFormat.RDF_XML,
}

#: File extensions that name an RDF format.
EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "rdf-xml",
    ".owl": "rdf-xml",
    ".xml": "rdf-xml",
}

NO_NETWORK = "kg never fetches anything from the network"
_EXTERNAL_ENTITY = re.compile(rb"<!ENTITY\s+%?\s*[^\s>]+\s+(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)
_XSD_STRING = str(XSD.string)


def rdf_format_of(path: str | Path, text_head: str = "") -> str | None:
    """The RDF format a file's extension names, or None if it names none.

    A ``.json`` file is JSON-LD when its text (``text_head``) starts with a JSON-LD
    keyword; otherwise it is left to the input-format parsers (WikiTimes is JSON too).
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        head = text_head.lstrip("\ufeff \t\r\n")
        return "json-ld" if re.match(r'^[\[{]\s*"@(context|graph|id|type)"', head) else None
    return EXTENSIONS.get(suffix)


def read_rdf(path: str | Path, format: str | None = None) -> Graph:
    """The triples of an RDF file (all named graphs merged), parsed without the network.

    Raises:
        ParseError: for unreadable or ill-formed input, a remote JSON-LD context, an RDF/XML
            external entity or an ``owl:imports``, naming the file and (where known) the line.
    """
    name = str(path)
    fmt = format or rdf_format_of(path)
    if fmt not in RDF_FORMATS:
        raise ParseError(
            f"unknown RDF format {fmt!r} (use one of {', '.join(RDF_FORMATS)})", path=name
        )
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}", path=name) from exc
    return parse_rdf(data, fmt, name=name, base=Path(path).resolve().as_uri())


def parse_rdf(data: bytes, format: str, *, name: str = "<input>", base: str | None = None) -> Graph:
    """Parse ``data`` in ``format`` (a key of :data:`RDF_FORMATS`) into a graph, offline."""
    if format == "json-ld":
        _refuse_remote_contexts(data, name)
    entity = _EXTERNAL_ENTITY.search(data) if format == "rdf-xml" else None
    if entity is not None:
        line = data[: entity.start()].count(b"\n") + 1
        raise ParseError(
            f"RDF/XML external entities are not resolved ({NO_NETWORK} or reads other files): "
            "replace the entity by its text",
            path=name,
            line=line,
        )
    graph = Graph()
    try:
        with quiet_literals():
            for quad in ox.parse(data, RDF_FORMATS[format], base_iri=base, rename_blank_nodes=True):
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                           to_rdflib(quad.object)))
    except SyntaxError as exc:
        raise _syntax_error(exc, data, format, name) from None
    except ValueError as exc:  # RDF-star triple terms, which the graph cannot hold
        raise ParseError(str(exc), path=name) from None
    imports = sorted(str(o) for o in graph.objects(None, OWL.imports))
    if imports:
        raise ParseError(
            f"owl:imports <{imports[0]}> is not followed ({NO_NETWORK}): remove the "
            "owl:imports triple and validate the imported file on its own or merged into this one",
            path=name,
        )
    return graph


@contextmanager
def quiet_literals() -> Iterator[None]:
    """Silence rdflib's logged traceback for ill-typed literals: SHACL reports those."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"unsupported RDF term {term!r} (RDF-star triple terms are not supported)")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (ValueError if it is not a valid one)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"not an RDF term: {term!r}")


def has_blank_node(triple: ox.Triple) -> bool:
    """Whether a pyoxigraph triple has a blank node (which no text can name again)."""
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _syntax_error(exc: SyntaxError, data: bytes, format: str, name: str) -> ParseError:
    message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
    line = exc.lineno
    if "LoadDocumentCallback" in message:
        return ParseError(f"a remote JSON-LD @context is not fetched ({NO_NETWORK}): "
                          "inline the context in the file", path=name)
    if format == "rdf-xml" and not line:
        line = _xml_error_line(data)
    # pyoxigraph's message repeats the position ("Parser error at line 3 column 4: ..."):
    # keep only what went wrong, since ParseError puts the line first.
    message = re.sub(r"^Parser error (?:at|between) .*?: ", "", message)
    return ParseError(f"not valid {format}: {message}", path=name, line=line or None)


def _xml_error_line(data: bytes) -> int | None:
    """Where expat finds the XML ill-formed (entities are neither fetched nor expanded)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        return exc.lineno
    return None


def _refuse_remote_contexts(data: bytes, name: str) -> None:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return  # the parser reports it, with its line
    for url in _remote_contexts(document):
        raise ParseError(
            f"remote JSON-LD @context <{url}> is not fetched ({NO_NETWORK}): "
            "inline the context object in the file",
            path=name,
        )


def _remote_contexts(value: Any) -> Iterator[str]:
    """Every context reference by URL (or @import) anywhere in a JSON-LD document."""
    if isinstance(value, list):
        for item in value:
            yield from _remote_contexts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                yield from _context_urls(item)
            else:
                yield from _remote_contexts(item)


def _context_urls(context: Any) -> Iterator[str]:
    items = context if isinstance(context, list) else [context]
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            if isinstance(item.get("@import"), str):
                yield item["@import"]
            # Scoped contexts inside term definitions may name URLs too.
            for definition in item.values():
                if isinstance(definition, dict) and "@context" in definition:
                    yield from _context_urls(definition["@context"])
