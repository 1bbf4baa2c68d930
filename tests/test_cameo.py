"""CAMEO and PLOVER as SKOS: the committed Turtle is what scripts/cameo.py makes of kg/data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph
import pytest
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, to_isomorphic

from kg.resources import resource_path
from kg.vocab import CAMEO, PLOVER, RDF, SKOS

COMMITTED = resource_path("ontology", "cameo.ttl")
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "cameo.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cameo_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


cameo = _load_script()


@pytest.fixture(scope="module")
def texts() -> tuple[str, str]:
    return (
        (cameo.DATA_DIR / cameo.EVENTCODES_FILE).read_text(encoding="utf-8"),
        (cameo.DATA_DIR / cameo.PLOVER_FILE).read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="module")
def graph(texts: tuple[str, str]) -> Graph:
    return cameo.build_cameo_graph(*texts)


def test_committed_turtle_matches_a_fresh_build(graph: Graph) -> None:
    committed = Graph().parse(COMMITTED, format="turtle")
    fresh, stored = to_isomorphic(graph), to_isomorphic(committed)
    if fresh != stored:
        _, only_fresh, only_stored = graph_diff(fresh, stored)
        pytest.fail(
            "ontology/cameo.ttl is stale; run `python scripts/cameo.py`.\n"
            f"only in a fresh build:\n{only_fresh.serialize(format='nt')}\n"
            f"only in the committed file:\n{only_stored.serialize(format='nt')}"
        )


def test_committed_turtle_parses_with_pyoxigraph(graph: Graph) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(COMMITTED), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(graph)


def test_to_turtle_round_trips(graph: Graph) -> None:
    again = Graph().parse(data=cameo.to_turtle(graph), format="turtle")
    assert to_isomorphic(again) == to_isomorphic(graph)


def test_main_writes_the_turtle(tmp_path: Path, graph: Graph) -> None:
    out = tmp_path / "cameo.ttl"
    cameo.main([str(out)])
    assert to_isomorphic(Graph().parse(out, format="turtle")) == to_isomorphic(graph)


@pytest.mark.parametrize(
    ("code", "broader"),
    [("040", "04"), ("0211", "021"), ("021", "02"), ("2042", "204"), ("106", "10"),
     ("01", "quad1"), ("05", "quad1"), ("06", "quad2"), ("09", "quad2"), ("10", "quad3"),
     ("14", "quad3"), ("15", "quad4"), ("20", "quad4")],
)
def test_broader(graph: Graph, code: str, broader: str) -> None:
    assert list(graph.objects(CAMEO[code], SKOS.broader)) == [CAMEO[broader]]


def test_quad_classes_are_the_top_concepts(graph: Graph) -> None:
    scheme = cameo.CAMEO_SCHEME
    tops = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert tops == {CAMEO[f"quad{n}"] for n in range(1, 5)}
    assert tops == set(graph.subjects(SKOS.topConceptOf, scheme))
    assert graph.value(CAMEO.quad3, SKOS.prefLabel) == Literal("Verbal Conflict", lang="en")


def test_every_code_in_the_file_is_a_concept(graph: Graph, texts: tuple[str, str]) -> None:
    codes = [line.split("\t", 1)[0] for line in texts[0].splitlines()[1:] if line.strip()]
    assert len(codes) == 314
    for code in codes:
        node = CAMEO[f"quad{code}" if len(code) == 1 else code]
        assert (node, RDF.type, SKOS.Concept) in graph, code
        assert (node, SKOS.inScheme, cameo.CAMEO_SCHEME) in graph, code
        assert graph.value(node, SKOS.notation) == Literal(code), code
        assert graph.value(node, SKOS.prefLabel) is not None, code
    # ... and 106, which the file runs into the line of 1056.
    assert graph.value(CAMEO["106"], SKOS.prefLabel) == Literal("Demand withdrawal", lang="en")
    assert graph.value(CAMEO["1056"], SKOS.prefLabel) == Literal(
        "Demand de-escalation of military engagement", lang="en"
    )


def test_044_label_is_repaired(graph: Graph) -> None:
    label = str(graph.value(CAMEO["044"], SKOS.prefLabel))
    assert label == "Meet at a “third” location"
    assert not set(label) & set("ÃÂÒÓÔÕ")


def test_every_label_fix_still_applies(texts: tuple[str, str]) -> None:
    # A fix that no longer matches the file would silently stop repairing it.
    raw = {c.code: c.label for c in cameo.parse_eventcodes(texts[0])}
    for code, (_, good) in cameo.LABEL_FIXES.items():
        assert raw[code] == good, code


def test_labels_are_clean(graph: Graph) -> None:
    for label in graph.objects(None, SKOS.prefLabel):
        text = str(label)
        assert text == " ".join(text.split()), text
        assert not text.isupper(), text
        assert text.isascii() or text == "Meet at a “third” location", text


@pytest.mark.parametrize(
    ("code", "plover"),
    [("030", "AGREE"), ("040", "CONSULT"), ("046", "CONSULT"), ("057", "SUPPORT"),
     ("163", "COERCE"), ("12", "REJECT"), ("0841", "RETREAT"), ("2042", "ASSAULT")],
)
def test_plover_close_match(graph: Graph, code: str, plover: str) -> None:
    assert (CAMEO[code], SKOS.closeMatch, PLOVER[plover]) in graph


def test_yield_splits_into_concede_and_retreat(graph: Graph) -> None:
    assert set(graph.objects(CAMEO["08"], SKOS.closeMatch)) == {PLOVER.CONCEDE, PLOVER.RETREAT}


def test_plover_scheme(graph: Graph) -> None:
    scheme = cameo.PLOVER_SCHEME
    types = set(graph.subjects(SKOS.inScheme, scheme))
    assert len(types) == 16
    assert types == set(graph.objects(scheme, SKOS.hasTopConcept))
    assert graph.value(PLOVER.AGREE, SKOS.notation) == Literal("AGREE")
    assert graph.value(PLOVER.AGREE, SKOS.prefLabel) == Literal("Agree", lang="en")
    targets = set(graph.objects(None, SKOS.closeMatch))
    assert targets == types


def test_codes_unknown_to_the_codebook_are_left_out(graph: Graph, texts: tuple[str, str]) -> None:
    assert cameo.unmapped_codes(*texts) == ["1213", "1214"]
    assert (CAMEO["1213"], None, None) not in graph


def test_statements_and_appeals_have_no_plover_type(graph: Graph) -> None:
    # PLOVER dropped CAMEO 01 (statements) and 02 (appeals).
    for code in ("01", "010", "02", "0211"):
        assert graph.value(CAMEO[code], SKOS.closeMatch) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CODE\tDESC\n01\tNo quad yet\n", "before any quad class"),
        ("CODE\tDESC\n1\tQuad\n01\tRoot\n0111\tOrphan\n", "before its parent"),
        ("CODE\tDESC\n1\tQuad\n01\tRoot\n01\tAgain\n", "listed twice"),
        ("CODE\tDESC\n1\tQuad\nx1\tBad\n", "not a CAMEO code"),
    ],
)
def test_parse_eventcodes_rejects_malformed_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cameo.parse_eventcodes(text)


def test_parse_plover_rejects_malformed_lines() -> None:
    assert cameo.parse_plover("# note\n\n03: AGREE\n030: AGREE, , x # y\n~~~\n") == [
        ("03", "AGREE"), ("030", "AGREE"),
    ]
    with pytest.raises(ValueError, match="line 2"):
        cameo.parse_plover("03: AGREE\n030 AGREE\n")
