"""How deep untrusted text nests, measured before a recursive parser reads it.

Python's ``json`` recurses once per level of arrays and objects, and so do pyoxigraph's
JSON-LD parser and its Turtle-family parsers on RDF 1.2 triple terms: deep enough input
raises RecursionError or, in pyoxigraph, kills the process (measured with pyoxigraph
0.5.13: nested JSON-LD objects crash it from about 5,000 levels, and cost 770 MB at 2,000;
nested triple terms from 18,000 levels on an 8 MiB stack, 1,000 on a 256 KiB one). The
scanners here follow each format's lexical grammar exactly -- strings, IRIs and comments
are passed over whole, brackets outside them counted -- without recursion and in linear
time, so the limit holds before any parser starts.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kg.model import ParseError

#: How deep JSON arrays and objects, and RDF triple terms, may nest. Real inputs are
#: shallow (the WikiTimes export nests 4 levels, the gazetteer 5, JSON-LD documents a few
#: more); parsers are safe far beyond this.
MAX_DEPTH = 64

#: How deep RDF/XML elements may nest. Each blank node nested in the striped syntax takes
#: two levels (node and property element); pyoxigraph's RDF/XML parser slows down with
#: the depth (30,000 levels took 10 s), not measurably at this one.
MAX_XML_DEPTH = 256

# JSON: a string is passed over whole (to its closing quote, or to the end of the text, where
# the parser stops too); a bracket outside strings opens or closes a level.
_JSON = r"""
    (?P<skip> "(?:[^"\\]++|\\[\s\S]?)*+(?:"|\Z) )
  | (?P<open> [\[{] )
  | (?P<close> [\]}] )
"""
# The Turtle family (Turtle, TriG, N-Triples, N-Quads), after their W3C grammars: comments,
# long and short strings, IRIs and escaped characters of local names ("ex:a\(") are passed
# over; "<<" opens a triple term (or reified triple) and ">>" closes one. Blank nodes and
# collections are not counted: pyoxigraph reads those with a stack of its own (10^6 levels
# deep measured fine).
_TURTLE = r"""
    (?P<skip>
        \#[^\r\n]*
      | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\[\s\S]?))*+(?:\"\"\"|\Z)
      | '''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]?))*+(?:'''|\Z)
      | "(?:[^"\\\r\n]++|\\[\s\S]?)*+"?
      | '(?:[^'\\\r\n]++|\\[\s\S]?)*+'?
      | <(?:[^<>"{}|^`\\\x00-\x20]++|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>
      | \\[\s\S]?
    )
  | (?P<open> << )
  | (?P<close> >> )
"""
_PATTERNS: dict[tuple[str, type], re.Pattern[Any]] = {
    (name, kind): re.compile(source if kind is str else source.encode("ascii"), re.VERBOSE)
    for name, source in (("json", _JSON), ("turtle", _TURTLE))
    for kind in (str, bytes)
}


def check_json_depth(text: str | bytes, *, path: str, limit: int = MAX_DEPTH) -> None:
    """Raise ParseError if JSON arrays and objects in ``text`` nest deeper than ``limit``.

    Bytes are scanned as they are: in UTF-8 no byte of a multi-byte character is ASCII.
    """
    _check(text, "json", path, limit, "JSON arrays and objects")


def check_triple_term_depth(data: str | bytes, *, path: str, limit: int = MAX_DEPTH) -> None:
    """Raise ParseError if RDF 1.2 triple terms in Turtle-family ``data`` nest too deep."""
    opener: Any = "<<" if isinstance(data, str) else b"<<"
    if opener not in data:
        return  # no opener at all: nothing can nest (and a large file costs one search)
    _check(data, "turtle", path, limit, "RDF triple terms (<< >>)")


def load_json(text: str | bytes, *, path: str, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` for untrusted text: ParseError if it nests too deep.

    Raises:
        ParseError: nesting deeper than ``limit``.
        json.JSONDecodeError: ill-formed JSON, as ``json.loads`` raises it.
    """
    check_json_depth(text, path=path, limit=limit)
    try:
        return json.loads(text)
    except RecursionError:  # a caller already deep in its own stack; never at the limit
        raise ParseError(f"JSON nested too deeply to read (limit {limit} levels)",
                         path=path) from None


def _check(text: str | bytes, grammar: str, path: str, limit: int, what: str) -> None:
    at = _too_deep(text, _PATTERNS[grammar, type(text)], limit)
    if at is not None:
        newline: Any = "\n" if isinstance(text, str) else b"\n"
        raise ParseError(
            f"{what} nested deeper than {limit} levels are refused (before parsing: deep "
            "nesting exhausts a parser's stack)",
            path=path,
            line=text.count(newline, 0, at) + 1,
        )


def _too_deep(text: str | bytes, tokens: re.Pattern[Any], limit: int) -> int | None:
    """The offset of the first opener past ``limit`` levels, or None."""
    depth = 0
    for token in tokens.finditer(text):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            if depth > limit:
                return token.start()
        elif kind == "close":
            # A closer too many is the parser's error to report; counting on from zero
            # never under-counts what it reads before it stops.
            depth = max(depth - 1, 0)
    return None
