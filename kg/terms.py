"""The one way an RDF term is written into SPARQL (or N-Triples) text, the one IRI check, and
the one short form of a term for people (:func:`compact`).

Queries get their values through bindings wherever the store takes them; where a term must
be text (a VALUES block, an update's data, a graph name), it is written here: IRIs are
checked against the IRIREF grammar and must be absolute, literals are escaped, language
tags and blank node labels checked, so that no value can carry syntax into a query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from kg.vocab import PREFIXES, XSD

# An absolute IRI as SPARQL's IRIREF allows it between angle brackets: a scheme, then no
# space, control character, <>"{}|^` or backslash (so no \u escape can be smuggled in).
_IRIREF = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*\Z')
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*\Z")
_BNODE_LABEL = re.compile(r"[\w](?:[\w.\-]*[\w\-])?\Z")
_VARNAME = re.compile(r"\w+\Z")
# The local part of a prefixed name: as Turtle allows it unescaped, and as a table may show
# it to people ("res:event/2007-06-07/…" reads better than the whole IRI).
_TURTLE_LOCAL = re.compile(r"[A-Za-z0-9_](?:[\w.-]*[\w-])?\Z")
_READABLE_LOCAL = re.compile(r"(?:[\w-]|[\w-][\w./-]*[\w-])?\Z")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_cache: dict[str, str] = {}
_CACHE_SIZE = 200_000


#: A triple of rdflib terms, as the mapper makes them and the store writes them.
Triple = tuple[Node, Node, Node]


class TermError(ValueError):
    """A value that cannot be written as the RDF term asked for."""


def is_iri(value: object) -> bool:
    """Whether ``value`` is an absolute IRI that can be written between angle brackets."""
    return isinstance(value, str) and bool(_IRIREF.match(value))


def sparql_iri(value: str) -> str:
    """``<value>``, or TermError if ``value`` is not an absolute IRI that can be written so."""
    text = _cache.get(value)
    if text is None:
        if not is_iri(value):
            raise TermError(f"not a valid IRI: {value!r} (an absolute IRI is needed, with no "
                            "space, control character, <, >, \", {, }, |, ^, ` or backslash)")
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        text = _cache[value] = f"<{value}>"
    return text


def sparql_literal(term: Literal) -> str:
    """A literal as SPARQL and N-Triples text, escaped."""
    lexical = f'"{str(term).translate(_ESCAPES)}"'
    if term.language:
        if not _LANGTAG.match(term.language):
            raise TermError(f"not a valid language tag: {term.language!r}")
        return f"{lexical}@{term.language}"
    if term.datatype is not None:
        return f"{lexical}^^{sparql_iri(term.datatype)}"
    return lexical


def sparql_term(term: Node) -> str:
    """An rdflib term (IRI, literal or blank node) as SPARQL and N-Triples text."""
    kind = type(term)
    if kind is URIRef:
        return sparql_iri(term)  # type: ignore[arg-type]
    if kind is Literal:
        return sparql_literal(term)  # type: ignore[arg-type]
    if isinstance(term, URIRef):
        return sparql_iri(term)
    if isinstance(term, Literal):
        return sparql_literal(term)
    if isinstance(term, BNode):
        if not _BNODE_LABEL.match(term):
            raise TermError(f"not a usable blank node label: {str(term)!r}")
        return f"_:{term}"
    raise TermError(f"not an RDF term: {term!r}")


def ntriples_line(s: Node, p: Node, o: Node) -> str:
    """One triple as a line of N-Triples (also valid inside SPARQL's INSERT DATA)."""
    if isinstance(s, Literal):
        raise TermError(f"a literal cannot be a subject: {s!r}")
    if not isinstance(p, URIRef):
        raise TermError(f"a predicate must be an IRI: {p!r}")
    return f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)} .\n"


def ox_line(triple: ox.Triple) -> str:
    """A pyoxigraph triple as a line of N-Triples: pyoxigraph prints its terms so, escaped."""
    return f"{triple.subject} {triple.predicate} {triple.object} .\n"


def variable_name(name: str) -> str:
    """A variable's name without ``?``/``$``, or TermError if it is not one."""
    bare = name[1:] if name[:1] in ("?", "$") else name
    if not _VARNAME.match(bare):
        raise TermError(f"not a SPARQL variable name: {name!r}")
    return bare


def compact(
    term: Node | None,
    prefixes: Mapping[str, str] = PREFIXES,
    *,
    quote_literals: bool = False,
    max_literal: int | None = None,
) -> str:
    """A term as people read it: a prefixed name where one fits, else ``<iri>``.

    Literals are their lexical form; with ``quote_literals`` every term is in Turtle form
    (prefixed names only where Turtle allows them, literals quoted with language or datatype
    and cut to ``max_literal`` characters, blank nodes as ``_:label``).
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        value = str(term)
        local = _TURTLE_LOCAL if quote_literals else _READABLE_LOCAL
        for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if value.startswith(namespace) and local.match(value, len(namespace)):
                return f"{prefix}:{value[len(namespace):]}"
        return f"<{value}>"
    if isinstance(term, Literal):
        text = str(term)
        if not quote_literals:
            return text
        if max_literal is not None and len(text) > max_literal:
            text = text[: max_literal - 3] + "..."
        quoted = json.dumps(text, ensure_ascii=False)
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{quoted}^^{compact(term.datatype, prefixes)}"
        return quoted
    return f"_:{term}" if quote_literals else str(term)
