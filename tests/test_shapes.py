"""The shapes: valid cases conform, each invalid case breaks exactly the shape and path it names.

Each ``tests/shapes/invalid/*.ttl`` starts with ``# expect: <Shape> <path or -> <Severity>``
lines: the Violation and Warning results it gives must be exactly those (infos aside).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kg.ontology import ontology_graph as ontology
from kg.validate import SHAPES_NAMESPACE, default_shapes, meta_validate, validate
from kg.vocab import DIP, OWL, RDF, RDFS

CASES = Path(__file__).parent / "shapes"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))
_EXPECT = re.compile(r"^# expect: (\S+) (\S+) (Violation|Warning|Info)$", re.MULTILINE)


def expectations(path: Path) -> set[tuple[str, str, str]]:
    """The (shape, path, severity) results a case file says it gives."""
    found = {(shape, "" if p == "-" else p, severity)
             for shape, p, severity in _EXPECT.findall(path.read_text(encoding="utf-8"))}
    assert found, f"{path.name} has no '# expect:' line"
    return found


def test_there_are_enough_cases() -> None:
    assert len(VALID) >= 5
    assert len(INVALID) >= 20


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.stem)
def test_valid_case_conforms(case: Path) -> None:
    report = validate(Graph().parse(case, format="turtle"), source=case.name)
    assert report.conforms, report.to_text()
    assert not report.warnings, report.to_text()


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_case_breaks_what_it_names(case: Path) -> None:
    expected = expectations(case)
    report = validate(Graph().parse(case, format="turtle"), source=case.name)
    got = {(r.shape, r.path or "", r.severity) for r in report.results if r.severity != "Info"}
    assert got == expected, report.to_text()
    assert report.conforms == all(severity != "Violation" for _, _, severity in expected)
    for result in report.results:
        assert result.message and "{" not in result.message, result  # placeholders filled


def test_every_shape_and_severity_is_exercised() -> None:
    """Each named shape of the shipped file is broken by some invalid case."""
    shapes = default_shapes()
    named = {str(s)[len(SHAPES_NAMESPACE):] for s in shapes.subjects(RDF.type, SH.NodeShape)
             if str(s).startswith(SHAPES_NAMESPACE)}
    broken = {shape for case in INVALID for shape, _, _ in expectations(case)}
    # A NewsAgency is a Source by the ontology, so with it NewsAgencyShape cannot fail.
    assert named - broken == {"NewsAgencyShape"}
    severities = {severity for case in INVALID for _, _, severity in expectations(case)}
    assert severities == {"Violation", "Warning"}
    assert set(shapes.objects(None, SH.severity)) == {SH.Violation, SH.Warning, SH.Info}


def test_shapes_conform_to_shapes_for_shapes() -> None:
    report = meta_validate()
    assert report.conforms, report.to_text()


def test_every_class_data_can_hold_has_a_shape() -> None:
    """Every dip: class is the target (or a subclass of the target) of a node shape."""
    shapes = default_shapes()
    onto = ontology()
    targets = set(shapes.objects(None, SH.targetClass))
    for cls in onto.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(str(DIP)) or cls in (DIP.SourceDocument, DIP.Ingestion):
            continue
        ancestors = set(onto.transitive_objects(cls, RDFS.subClassOf))  # cls included
        assert ancestors & targets, f"no shape targets {cls} or a superclass"
    assert DIP.SourceDocument in targets and DIP.Ingestion in targets


def test_at_least_two_sparql_constraints() -> None:
    assert len(set(default_shapes().objects(None, SH.sparql))) >= 2
