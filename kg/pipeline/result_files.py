"""Results of validating a store: named after the file of a document that describes their
focus node, and ordered as one whole run orders them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from rdflib import URIRef
from rdflib.term import Node

from kg.store import Store
from kg.terms import sparql_iri
from kg.validate import SEVERITIES, ValidationResult
from kg.vocab import PREFIXES

RANK = {s: i for i, s in enumerate(SEVERITIES)}


def with_files(
    store: Store, results: Iterable[ValidationResult]
) -> tuple[ValidationResult, ...]:
    """Results named after the input file of a document that describes their focus node."""
    results = tuple(results)
    focus = " ".join(
        sorted({sparql_iri(str(r.focus_node)) for r in results
                if isinstance(r.focus_node, URIRef)})
    )
    files: dict[Node, str] = {}
    if focus:
        rows = store.query(
            f"PREFIX dip: {sparql_iri(PREFIXES['dip'])}\n"
            f"SELECT ?node (MIN(?path) AS ?file) WHERE {{ VALUES ?node {{ {focus} }}"
            " GRAPH ?g { ?node ?p ?o . ?g dip:sourcePath ?path } } GROUP BY ?node"
        ).rows
        files = {node: str(file) for node, file in rows if node is not None and file is not None}
    return tuple(
        dataclasses.replace(r, file=files.get(r.focus_node, store.url)) for r in results
    )


def in_report_order(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """Worst first, then by focus node, path, shape and value."""
    return sorted(results, key=lambda r: (RANK.get(r.severity, 9), str(r.focus_node),
                                          r.path or "", r.shape, str(r.value)))
