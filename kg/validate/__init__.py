"""SHACL validation against the shipped shapes, and its report for people and programs.

- ``report``: the results and reports, and how terms are shown to people;
- ``shapes``: the shipped shapes, shapes from files, kept offline (the ontology is
  :mod:`kg.ontology`);
- ``run``: running pySHACL and reading its report; ``validate`` checks one graph;
- ``gate``: the ingest gate, ``gate(store, documents)``, used by ``kg ingest`` and the
  endpoint's writes alike: a batch in one run, with the stored context it needs.

Warnings and infos never make a graph non-conforming; only violations do.
"""

from kg.validate.gate import gate, linked_context_query, linked_nodes, validate_documents
from kg.validate.report import (
    REPORT_FORMATS,
    SEVERITIES,
    SHAPES_NAMESPACE,
    ValidationReport,
    ValidationResult,
    merge_reports,
    report_term,
)
from kg.validate.run import INFERENCE, meta_validate, validate
from kg.validate.shapes import ShapesError, check_offline, default_shapes, load_shapes

__all__ = [
    "INFERENCE",
    "REPORT_FORMATS",
    "SEVERITIES",
    "SHAPES_NAMESPACE",
    "ShapesError",
    "ValidationReport",
    "ValidationResult",
    "check_offline",
    "default_shapes",
    "gate",
    "linked_context_query",
    "linked_nodes",
    "load_shapes",
    "merge_reports",
    "meta_validate",
    "report_term",
    "validate",
    "validate_documents",
]
