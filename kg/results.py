"""Query results as text for people: aligned tables, and RDF terms as SPARQL JSON.

The formats for programs (SPARQL JSON, CSV, TSV) are written by pyoxigraph's serialisers
(``Store.query_raw``), the same the endpoint sends, never by hand here.
"""

from __future__ import annotations

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
