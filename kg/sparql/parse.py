"""SPARQL texts read by the SPARQL 1.1 grammar, within bounds, into what the analysis needs.

The parser is Lark's LALR(1) over :mod:`kg.sparql.grammar`: a loop over an explicit stack, so
deep nesting cannot overflow anything here. The store that runs the text afterwards
(pyoxigraph) parses and evaluates recursively, so before it sees a text this module bounds
how deeply brackets nest and how many operators and patterns it holds, and refuses escapes
that would let a server reading ``\\u`` escapes everywhere (as SPARQL 1.1 asks, and Jena
does) see another text than the one analysed.

Nothing is kept of what the analysis does not need (the triples of an ``INSERT DATA`` are
read and dropped), so the memory of a parse does not grow with the data it carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import lark
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from kg.sparql import reader
from kg.sparql.grammar import grammar
from kg.sparql.parts import ParsedQuery, ParsedUpdate, SparqlSyntaxError, SparqlTooComplex
from kg.sparql.reader import ESCAPE, MAX_OPERATORS

__all__ = ["MAX_NESTING", "MAX_OPERATORS", "SparqlSyntaxError", "SparqlTooComplex",
           "parse_query", "parse_update"]

#: How deeply brackets ({, (, [) may nest.
MAX_NESTING = 64
_OPENING = {"LBRACE", "LPAR", "LSQB"}
_CLOSING = {"RBRACE", "RPAR", "RSQB"}

# -- the parse --------------------------------------------------------------------------------


def parse_query(text: str, *, base_iri: str | None = None) -> ParsedQuery:
    """Parse a query; SparqlSyntaxError if the grammar does not accept it or it is too complex."""
    result = _run(text, "start_query", base_iri)
    assert isinstance(result, ParsedQuery)
    return result


def parse_update(text: str, *, base_iri: str | None = None) -> ParsedUpdate:
    """Parse an update; SparqlSyntaxError if the grammar does not accept it or it is too complex."""
    result = _run(text, "start_update", base_iri)
    assert isinstance(result, ParsedUpdate)
    return result


def _run(text: str, start: str, base_iri: str | None) -> object:
    reader.begin(base_iri)
    try:
        return _parser().parse(text, start=start)
    except UnexpectedInput as exc:
        raise SparqlSyntaxError(_message(exc, text)) from None
    except LarkError as exc:
        # Raised from our own callbacks (limits, prefixes) wrapped by Lark.
        cause = exc.__context__
        if isinstance(cause, SparqlSyntaxError):
            raise cause from None
        raise SparqlSyntaxError(f"SPARQL syntax error: {exc}") from None
    finally:
        reader.end()


@cache
def _parser() -> lark.Lark:
    return lark.Lark(
        grammar(),
        parser="lalr",
        lexer="contextual",
        start=["start_query", "start_update"],
        transformer=reader.Reader(),
        postlex=_Bounds(),
        maybe_placeholders=False,
    )


def _message(exc: UnexpectedInput, text: str) -> str:
    where = f"line {exc.line}, column {exc.column}" if exc.line and exc.line > 0 else "the end"
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream or 0
        got = repr(text[at:at + 20])
    elif isinstance(exc, UnexpectedEOF):
        got = "the end of the text"
    else:
        token = getattr(exc, "token", None)
        got = "the end of the text" if token is None or token.type == "$END" else repr(str(token))
    expected = sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ())
    shown = ", ".join(_readable(e) for e in expected[:8]) + (", …" if len(expected) > 8 else "")
    hint = f"; expected {shown}" if shown else ""
    return f"SPARQL syntax error at {where}: unexpected {got}{hint}"


def _readable(terminal: str) -> str:
    """A terminal as people know it: its text for keywords and punctuation ('{', 'WHERE')."""
    if terminal == "$END":
        return "the end"
    return _spellings().get(terminal, terminal.lower())


@cache
def _spellings() -> dict[str, str]:
    spelled: dict[str, str] = {}
    for definition in _parser().terminals:
        pattern = definition.pattern
        if isinstance(pattern, lark.lexer.PatternStr):
            spelled[definition.name] = f"'{pattern.value.upper()}'"
    return spelled


class _Bounds:
    """Between lexer and parser: bounds the nesting, and refuses ASCII written as escapes."""

    always_accept: tuple[str, ...] = ()

    def process(self, stream: Iterator[lark.Token]) -> Iterator[lark.Token]:
        depth = 0
        for token in stream:
            kind = token.type
            if kind in _OPENING:
                depth += 1
                if depth > MAX_NESTING:
                    raise SparqlTooComplex(
                        f"brackets nest more than {MAX_NESTING} deep at line {token.line}; "
                        "the endpoint refuses deeper nesting"
                    )
            elif kind in _CLOSING:
                depth -= 1
            elif kind == "IRIREF" or kind.startswith("STRING_LITERAL"):
                _check_escapes(token)
            yield token


def _check_escapes(token: lark.Token) -> None:
    for match in ESCAPE.finditer(token):
        code = match.group(1) or match.group(2)
        if code is not None and int(code, 16) < 0x80:
            raise SparqlSyntaxError(
                f"line {token.line}: {match.group(0)} writes an ASCII character as an escape; "
                "write it as itself (servers that read escapes before parsing would see "
                "another text)"
            )
