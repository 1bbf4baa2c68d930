"""Reading RDF files offline: Turtle, JSON-LD, N-Triples, N-Quads, TriG and RDF/XML.

Files are parsed with pyoxigraph, whose parsers have no way to reach the network:
a JSON-LD ``@context`` given by URL and an RDF/XML external entity are refused with
a message that says so, and an ``owl:imports`` is refused rather than followed.
Syntax errors become a :class:`~kg.model.ParseError` naming the file and the line.

Input is bounded before pyoxigraph sees it: a file's size (:data:`MAX_FILE_BYTES`), how
deep JSON-LD, triple terms and XML elements nest (:mod:`kg.nesting`), and RDF/XML is read
with expat first, which refuses any entity declaration (an internal one is how under 1 KB
expands to gigabytes) and any external DTD.
"""

from __future__ import annotations

import json
import logging
import os
import re
import xml.parsers.expat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.jsonld import CONTEXT_URL, inline_context
from kg.model import ParseError
from kg.nesting import MAX_XML_DEPTH, check_json_depth, check_triple_term_depth, load_json
from kg.rdfio import BY_EXTENSION, OXIGRAPH_FORMATS
from kg.vocab import OWL, XSD

#: The largest RDF file :func:`read_rdf` reads (the whole file is parsed in memory; the
#: endpoint bounds request bodies apart, at 16 MiB).
MAX_FILE_BYTES = 256 * 2**20

NO_NETWORK = "kg never fetches anything from the network"
_TURTLE_FAMILY = ("turtle", "trig", "ntriples", "nquads")
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
    return BY_EXTENSION.get(suffix)


def read_rdf(path: str | Path, format: str | None = None) -> Graph:
    """The triples of an RDF file (all named graphs merged), parsed without the network.

    Raises:
        ParseError: for unreadable or ill-formed input, a remote JSON-LD context, an RDF/XML
            external entity or an ``owl:imports``, naming the file and (where known) the line.
    """
    name = str(path)
    fmt = format or rdf_format_of(path)
    if fmt not in OXIGRAPH_FORMATS:
        raise ParseError(
            f"unknown RDF format {fmt!r} (use one of {', '.join(OXIGRAPH_FORMATS)})", path=name
        )
    data = _read_bounded(Path(path), name)
    return parse_rdf(data, fmt, name=name, base=Path(path).resolve().as_uri())


def _read_bounded(path: Path, name: str) -> bytes:
    """The file's bytes, refused unread when its size says it is over the limit."""
    too_large = (f"file is larger than {MAX_FILE_BYTES // 2**20} MiB, the limit for an RDF "
                 "file: split it into smaller files")
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
                raise ParseError(too_large, path=name)
            # A device or a pipe tells no size: read one byte past the limit to know.
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}", path=name) from exc
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(too_large, path=name)
    return data


def parse_rdf(data: bytes, format: str, *, name: str = "<input>", base: str | None = None) -> Graph:
    """Parse ``data`` in ``format`` (a key of :data:`OXIGRAPH_FORMATS`) into a graph, offline."""
    if format == "json-ld":
        check_json_depth(data, path=name)
        data = _with_project_context(data, name)
        _refuse_remote_contexts(data, name)
    elif format == "rdf-xml":
        _check_xml(data, name)
    elif format in _TURTLE_FAMILY:
        check_triple_term_depth(data, path=name)
    graph = Graph()
    try:
        with quiet_literals():
            quads = ox.parse(data, OXIGRAPH_FORMATS[format], base_iri=base,
                             rename_blank_nodes=True)
            for quad in quads:
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                           to_rdflib(quad.object)))
    except SyntaxError as exc:
        raise _syntax_error(exc, format, name) from None
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


def _syntax_error(exc: SyntaxError, format: str, name: str) -> ParseError:
    message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
    line = exc.lineno
    if "LoadDocumentCallback" in message:
        return ParseError(f"a remote JSON-LD @context is not fetched ({NO_NETWORK}): "
                          "inline the context in the file", path=name)
    # pyoxigraph's message repeats the position ("Parser error at line 3 column 4: ..."):
    # keep only what went wrong, since ParseError puts the line first.
    message = re.sub(r"^Parser error (?:at|between) .*?: ", "", message)
    return ParseError(f"not valid {format}: {message}", path=name, line=line or None)


class _Refused(Exception):
    """Raised from an expat handler to stop reading at what must be refused."""


def _check_xml(data: bytes, name: str) -> None:
    """Read RDF/XML with expat before pyoxigraph does: no DTD declarations, bounded depth.

    pyoxigraph expands internal entities (billion laughs: under 1 KB becomes gigabytes) and
    honours a DOCTYPE met anywhere, even inside the root element; expat reads the whole
    document, stops at the first entity declaration before anything is expanded, and
    refuses what is not well-formed XML, so pyoxigraph only ever sees documents without a
    DTD to act on.
    """
    # As UTF-8 whatever the document declares: pyoxigraph reads nothing else, so both
    # parsers see the same characters.
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def refuse_external_dtd(_name: str, system: str | None, public: str | None,
                            _internal: int) -> None:
        if system is not None or public is not None:
            raise _Refused(
                f"an RDF/XML external DTD <{system or public}> is not read ({NO_NETWORK} "
                "or reads other files): remove the identifier from the DOCTYPE"
            )

    def refuse_entity(entity: str, parameter: int, _value: str | None, _base: str | None,
                      system: str | None, public: str | None, _notation: str | None) -> None:
        declared = f"<!ENTITY {'% ' if parameter else ''}{entity}>"
        if system is not None or public is not None:
            raise _Refused(
                f"RDF/XML entity declarations are refused: {declared} is external, and "
                f"external entities are not resolved ({NO_NETWORK} or reads other files): "
                "replace the entity by its text"
            )
        raise _Refused(
            f"RDF/XML entity declarations are refused: {declared} could expand without bound "
            "(billion laughs): replace the entity by its text"
        )

    def refuse_reference(*_args: object) -> NoReturn:
        raise _Refused("RDF/XML external entities are not resolved "
                       f"({NO_NETWORK} or reads other files)")

    def enter(_tag: str, _attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(f"RDF/XML elements nested deeper than {MAX_XML_DEPTH} levels are "
                           "refused (before parsing: deep nesting slows the parser down)")

    def leave(_tag: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = refuse_external_dtd
    parser.EntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_reference
    parser.StartElementHandler = enter
    parser.EndElementHandler = leave
    try:
        parser.Parse(data, True)
    except _Refused as refusal:
        raise ParseError(str(refusal), path=name, line=parser.CurrentLineNumber) from None
    except xml.parsers.expat.ExpatError as exc:
        raise ParseError(
            f"not valid rdf-xml: {xml.parsers.expat.ErrorString(exc.code)} "
            f"(column {exc.offset + 1})",
            path=name,
            line=exc.lineno,
        ) from None


def _with_project_context(data: bytes, name: str) -> bytes:
    """The document with the project's own context, named by its URL, put inline from the
    package (kg.jsonld): exports read back offline; any other URL is still refused."""
    if CONTEXT_URL.encode("utf-8") not in data:
        return data
    try:
        document = load_json(data.decode("utf-8-sig"), path=name)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return data  # the parser reports it, with its line
    return json.dumps(inline_context(document), ensure_ascii=False).encode("utf-8")


def _refuse_remote_contexts(data: bytes, name: str) -> None:
    try:
        document = load_json(data.decode("utf-8-sig"), path=name)
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
