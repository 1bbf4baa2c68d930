"""Query results as text: aligned tables for people, SPARQL JSON, CSV and TSV for programs."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.store import QueryResult
from kg.terms import compact
from kg.vocab import XSD

FORMATS = ("table", "json", "csv", "tsv")


def format_table(result: QueryResult) -> str:
    """A plain-text table with a header row, or ``true``/``false`` for ASK."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    header = list(result.variables)
    rows = [[compact(v) for v in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def json_term(term: Node) -> dict[str, str]:
    """A term in the SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def format_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [
        {var: json_term(value) for var, value in zip(result.variables, row, strict=True)
         if value is not None}
        for row in result.rows
    ]
    return json.dumps(
        {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
        indent=1,
        ensure_ascii=False,
    )


def _csv_value(term: Node | None) -> str:
    return "" if term is None else str(term)


def _tsv_value(term: Node | None) -> str:
    # SPARQL 1.1 TSV: terms in their Turtle/N-Triples form.
    return "" if term is None else term.n3()


def format_delimited(result: QueryResult, *, tsv: bool = False) -> str:
    """SPARQL 1.1 Query Results CSV (plain values) or TSV (RDF term syntax)."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if tsv:
        lines = ["\t".join("?" + v for v in result.variables)]
        lines += ["\t".join(_tsv_value(v) for v in row) for row in result.rows]
        return "\n".join(lines)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    writer.writerows([_csv_value(v) for v in row] for row in result.rows)
    return buffer.getvalue().rstrip("\r\n")


def format_result(result: QueryResult, fmt: str) -> str:
    """Render a SELECT or ASK result in one of ``FORMATS``."""
    if fmt == "table":
        return format_table(result)
    if fmt == "json":
        return format_json(result)
    if fmt in ("csv", "tsv"):
        return format_delimited(result, tsv=fmt == "tsv")
    raise ValueError(f"unknown result format {fmt!r}; use one of {', '.join(FORMATS)}")
