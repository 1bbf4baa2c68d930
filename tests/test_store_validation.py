"""kg.pipeline.store_validation: the whole store judged batch by batch, as one whole run judges it.

Every shape case of tests/shapes (valid and invalid) goes into one store, so the cases' shared
nodes (an event several cases describe, the same person) meet across documents; once as one
graph per case, once as one graph per triple (every cross-document read the shapes make). The
batched report must hold exactly the whole-graph run's results, at any batch size.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.pipeline import validate_store as pipeline_validate_store
from kg.pipeline.store_validation import (
    Reach,
    shapes_reach,
    validate_store,
    validate_whole_store,
)
from kg.rdffile import quiet_literals
from kg.store import Store, open_store
from kg.terms import Triple
from kg.validate import ValidationReport, default_shapes
from kg.vocab import DIP, RDF, RDFS, SKOS

CASES = Path(__file__).parent / "shapes"
CASE_FILES = sorted(CASES.glob("*/*.ttl"))
TEST_GRAPHS = "urn:x-kg-test:graph/"


def result_keys(report: ValidationReport) -> list[tuple[str, ...]]:
    """Every field of every result, as a sorted list (results may repeat)."""
    return sorted(
        (r.file, r.severity, r.focus_node.n3(), r.path or "", r.shape, r.constraint,
         r.message, r.value.n3() if r.value is not None else "", r.source_shape.n3())
        for r in report.results
    )


def assert_same_verdicts(batched: ValidationReport, whole: ValidationReport) -> None:
    assert result_keys(batched) == result_keys(whole)
    assert batched.conforms == whole.conforms
    assert batched.sources == whole.sources
    assert len(set(batched.graph.objects(None, SH.result))) == len(batched.results)


def case_triples() -> dict[str, list[Triple]]:
    """Each case file's triples, by case name."""
    with quiet_literals():  # the ill-formed dates are the point of some cases
        return {f"{path.parent.name}/{path.stem}": list(Graph().parse(path, format="turtle"))
                for path in CASE_FILES}


@pytest.fixture(scope="module")
def case_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Every case in one store, a graph per case, each naming its file as a document does."""
    store = open_store(tmp_path_factory.mktemp("cases") / "store")
    graphs: dict[str, list[Triple]] = {}
    for name, triples in case_triples().items():
        graph = TEST_GRAPHS + name
        graphs[graph] = [*triples, (URIRef(graph), DIP.sourcePath, Literal(f"{name}.ttl"))]
    store.replace_graphs(graphs)
    return store


@pytest.fixture(scope="module")
def triple_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Every case in one store, a graph per triple: every read of another node crosses graphs."""
    store = open_store(tmp_path_factory.mktemp("triples") / "store")
    graphs: dict[str, list[Triple]] = defaultdict(list)
    for name, triples in case_triples().items():
        for i, triple in enumerate(sorted(triples)):
            graphs[f"{TEST_GRAPHS}{name}/{i:03d}"].append(triple)
    store.replace_graphs(graphs)
    return store


def test_the_cases_break_shapes_across_documents(case_store: Store) -> None:
    """The store is a real test: many results, violations among them."""
    whole = validate_whole_store(case_store)
    assert not whole.conforms
    assert len({r.shape for r in whole.results}) >= 15
    assert {r.file for r in whole.results} > {"invalid/event-with-two-dates.ttl"}


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_batches_of_case_graphs_give_the_whole_run_verdicts(
    case_store: Store, batch_size: int
) -> None:
    assert_same_verdicts(validate_store(case_store, batch_size=batch_size),
                         validate_whole_store(case_store))


@pytest.mark.parametrize("batch_size", [16, 250])
def test_batches_of_one_triple_graphs_give_the_whole_run_verdicts(
    triple_store: Store, batch_size: int
) -> None:
    assert_same_verdicts(validate_store(triple_store, batch_size=batch_size),
                         validate_whole_store(triple_store))


def test_the_examples_store_gives_the_whole_run_verdicts(examples_store: Store) -> None:
    whole = validate_whole_store(examples_store)
    assert whole.results, "the examples have warnings (participants not recognised)"
    assert_same_verdicts(validate_store(examples_store, batch_size=5), whole)


def test_the_pipeline_validates_the_store_as_the_whole_run_does(case_store: Store) -> None:
    """kg validate --all (pipeline.validate_store, the compiled checks on a checkpoint by
    default) reports what the whole run does."""
    assert_same_verdicts(pipeline_validate_store(case_store), validate_whole_store(case_store))


def test_pyshacl_batch_by_batch_is_chosen_by_the_environment(
    case_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KG_GATE_ENGINE=pyshacl: kg validate --all goes batch by batch, counting graphs."""
    monkeypatch.setenv("KG_GATE_ENGINE", "pyshacl")
    seen: list[tuple[int, int]] = []
    report = pipeline_validate_store(case_store, progress=lambda *told: seen.append(told))
    assert seen[-1] == (len(CASE_FILES), len(CASE_FILES))
    assert_same_verdicts(report, validate_whole_store(case_store))


def test_progress_counts_the_graphs_batch_by_batch(case_store: Store) -> None:
    seen: list[tuple[int, int]] = []
    validate_store(case_store, batch_size=20,
                   progress=lambda done, total: seen.append((done, total)))
    total = len(CASE_FILES)
    assert seen == [(min(done, total), total) for done in range(20, total + 20, 20)]


def test_the_shipped_shapes_read_one_hop_from_the_focus_node() -> None:
    """What the shipped shapes' SPARQL and sh:class read beyond a node, found by parsing them."""
    assert shapes_reach(default_shapes()) == Reach(
        object_targets=frozenset({DIP.eventType}),
        follow=frozenset({RDF.type, DIP.date, DIP.reports, DIP.sameEventAs, DIP.cameoCode,
                          SKOS.notation}),
        inverse=frozenset({DIP.reportedBy}),
    )


SHAPES_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> .
@prefix dsh: <https://w3id.org/diplomacy-kg/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
dsh: sh:declare [ sh:prefix "dip" ;
  sh:namespace "https://w3id.org/diplomacy-kg/ontology#"^^xsd:anyURI ] .
"""
TWO_HOPS = SHAPES_PREFIXES + """
dsh:ParticipantDatedShape a sh:NodeShape ; sh:targetClass dip:Article ;
  sh:sparql [ sh:prefixes dsh: ; sh:message "reports an event with an undated participant" ;
    sh:select '''SELECT $this WHERE { $this dip:reports ?e . ?e dip:participant ?a .
      FILTER NOT EXISTS { ?a dip:date ?d } }''' ] .
"""
NODE_SHAPE = SHAPES_PREFIXES + """
dsh:ReportsShape a sh:NodeShape ; sh:targetClass dip:Article ;
  sh:property [ sh:path dip:reports ; sh:node dsh:DatedShape ] .
dsh:DatedShape a sh:NodeShape ; sh:property [ sh:path dip:date ; sh:minCount 1 ] .
"""
ONE_HOP = SHAPES_PREFIXES + """
dsh:ReportedShape a sh:NodeShape ; sh:targetClass dip:Event ;
  sh:sparql [ sh:prefixes dsh: ; sh:message "reported by an undated article" ;
    sh:select '''SELECT $this WHERE { ?a dip:reports $this .
      FILTER NOT EXISTS { ?a dip:published ?d } }''' ] .
"""


@pytest.mark.parametrize("text", [TWO_HOPS, NODE_SHAPE], ids=["sparql-two-hops", "sh-node"])
def test_shapes_reading_further_are_not_batched(text: str, case_store: Store) -> None:
    """Shapes that read two hops away get the whole graph: the same verdicts, in memory."""
    shapes = Graph().parse(data=text, format="turtle")
    assert shapes_reach(shapes) is None
    assert_same_verdicts(validate_store(case_store, shapes=shapes, batch_size=3),
                         validate_whole_store(case_store, shapes=shapes))


def test_custom_shapes_reading_one_hop_back_are_batched(case_store: Store) -> None:
    shapes = Graph().parse(data=ONE_HOP, format="turtle")
    assert shapes_reach(shapes) == Reach(frozenset(), frozenset({RDF.type, DIP.published}),
                                         frozenset({DIP.reports}))
    assert_same_verdicts(validate_store(case_store, shapes=shapes, batch_size=3),
                         validate_whole_store(case_store, shapes=shapes))


def test_inference_validates_the_whole_graph(case_store: Store) -> None:
    assert_same_verdicts(validate_store(case_store, inference="rdfs", batch_size=3),
                         validate_whole_store(case_store, inference="rdfs"))


def test_a_subclass_declared_in_another_document_reaches_its_instances(tmp_path: Path) -> None:
    """A class one document declares an event kind makes another document's node an event."""
    summit, node = URIRef("urn:x-kg-test:Summit"), URIRef("urn:x-kg-test:summit/1")
    with open_store(tmp_path / "store") as store:
        store.replace_graphs({
            TEST_GRAPHS + "a": [(summit, RDFS.subClassOf, DIP.Meeting)],
            TEST_GRAPHS + "b": [(node, RDF.type, summit)],
        })
        whole = validate_whole_store(store)
        assert ("EventShape", node) in {(r.shape, r.focus_node) for r in whole.results}
        assert_same_verdicts(validate_store(store, batch_size=1), whole)


def test_a_node_described_first_and_targeted_later_is_still_a_target(tmp_path: Path) -> None:
    """A code one document describes and a later one uses as dip:eventType is checked as one."""
    code, event = URIRef("urn:x-kg-test:code/999"), URIRef("urn:x-kg-test:event/1")
    with open_store(tmp_path / "store") as store:
        store.replace_graphs({
            TEST_GRAPHS + "a": [(code, SKOS.prefLabel, Literal("no such code"))],
            TEST_GRAPHS + "b": [(event, DIP.eventType, code)],
        })
        whole = validate_whole_store(store)
        assert ("CameoConceptShape", code) in {(r.shape, r.focus_node) for r in whole.results}
        assert_same_verdicts(validate_store(store, batch_size=1), whole)
