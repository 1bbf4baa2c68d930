"""The compiled gate (kg.validate.compiled) gives exactly pySHACL's results.

For every shape case, every real page (mapped as ``kg ingest`` maps it) and mutations of valid
documents, the two engines must give the same set of (focus, path, shape, severity, message,
value, constraint) results, and so the same verdict.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.ontology import ontology_graph
from kg.pipeline.read import read_graph
from kg.rdffile import quiet_literals
from kg.terms import Triple
from kg.validate import compiled
from kg.validate.compiled import check_graph, check_triples, compile_shapes, compiled_plan
from kg.validate.gate import check_with_engine, gate_engine, validate_documents
from kg.validate.report import ValidationResult
from kg.validate.run import DataGraph
from kg.validate.shapes import default_shapes
from kg.vocab import DIP, RDF, XSD

REPO = Path(__file__).resolve().parents[1]
CASES = sorted((REPO / "tests" / "shapes").glob("*/*.ttl"))
PAGES = sorted(p for folder in ("tests/data", "examples", "tests/eval/pages")
               for p in (REPO / folder).rglob("*") if p.suffix in (".md", ".txt"))
VALID = sorted((REPO / "tests" / "shapes" / "valid").glob("*.ttl"))

Row = tuple[object, ...]


def rows(results: Iterable[ValidationResult]) -> set[Row]:
    return {(r.focus_node, r.path, r.shape, r.severity, r.message, r.value, r.constraint)
            for r in results}


def both(triples: Iterable[Triple]) -> tuple[set[Row], set[Row]]:
    """The results of pySHACL and of the compiled gate for the same data, with the ontology."""
    data = list(triples)
    out = []
    for engine in ("pyshacl", "compiled"):
        graph = DataGraph()
        graph.addN((s, p, o, graph) for s, p, o in data)
        graph += ontology_graph()
        with quiet_literals():
            out.append(rows(check_with_engine(graph, default_shapes(), engine)))
    return out[0], out[1]


def assert_same(triples: Iterable[Triple]) -> set[Row]:
    reference, compiled = both(triples)
    assert compiled == reference, (
        f"pySHACL only: {reference - compiled}\ncompiled only: {compiled - reference}")
    return reference


def test_the_shipped_shapes_are_compiled_but_a_few() -> None:
    """Which shapes fall back to pySHACL: a shape added to this list is a choice, not drift."""
    assert compiled_plan(default_shapes()).pyshacl_only == ()


def test_there_is_enough_to_compare() -> None:
    assert len(CASES) >= 70
    assert len(PAGES) >= 90


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_case_gives_the_same_results(case: Path) -> None:
    with quiet_literals():
        graph = Graph().parse(case, format="turtle")
    found = assert_same(graph)
    if case.parent.name == "invalid":
        assert found  # the comparison is of something


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_page_gives_the_same_results(page: Path) -> None:
    assert_same(read_graph(page))


def test_a_batch_of_pages_gives_the_same_results_per_document() -> None:
    """The gate's own entry point, on many documents at once, with each engine."""
    documents = {str(p): list(read_graph(p)) for p in PAGES[::7]}
    reference = validate_documents(documents, engine="pyshacl")
    compiled = validate_documents(documents, engine="compiled")
    assert {k: rows(v) for k, v in compiled.items()} == {k: rows(v) for k, v in reference.items()}


@pytest.mark.parametrize("seed", range(40))
def test_mutated_documents_give_the_same_results(seed: int) -> None:
    """Dropped, duplicated and retyped triples of valid documents: the same results still."""
    chance = random.Random(seed)
    case = chance.choice(VALID)
    with quiet_literals():
        triples = list(Graph().parse(case, format="turtle"))
    triples.sort()
    for _ in range(3):
        s, p, o = chance.choice(triples)
        move = chance.randrange(5)
        if move == 0:
            triples.remove((s, p, o))
        elif move == 1:  # a second value where one is allowed
            triples.append((s, p, Literal(f"{o}x") if isinstance(o, Literal) else BNode()))
        elif move == 2:  # the object moved to another node's place
            triples.append((chance.choice(triples)[0], p, o))
        elif move == 3:
            triples.append((s, RDF.type, chance.choice([DIP.Event, DIP.Article, DIP.Place])))
        else:
            triples.append((s, p, Literal("2007-02-30", datatype=XSD.date)))
    assert_same(triples)


def test_a_construct_the_compiler_lacks_falls_back_to_pyshacl() -> None:
    """A shape with sh:qualifiedValueShape is left to pySHACL, whose result is kept."""
    shapes = Graph().parse(data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ;
                sh:qualifiedMinCount 1 ; sh:message "needs a D" ] .
ex:T a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message "needs a q" ] .
""", format="turtle")
    plan = compile_shapes(shapes)
    assert plan.pyshacl_only == ("S",)
    graph = DataGraph()
    graph.add((URIRef("http://example.org/a"), RDF.type, URIRef("http://example.org/C")))
    messages = {r.message for r in check_graph(graph, shapes, plan)}
    assert messages == {"needs a D", "needs a q"}


def test_the_engine_is_chosen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_GATE_ENGINE", "pyshacl")
    assert gate_engine() == "pyshacl"
    monkeypatch.delenv("KG_GATE_ENGINE")
    assert gate_engine() == "compiled"
    monkeypatch.setenv("KG_GATE_ENGINE", "fast")
    with pytest.raises(ValueError, match="KG_GATE_ENGINE"):
        gate_engine()


def test_a_blank_focus_node_is_named_after_its_own_classes() -> None:
    """A shared property shape's result on a blank node names the shape for that node's class.

    Regression: the blank node once entered the query as ``_:b``, a variable in SPARQL, so
    the classes of every node were read and the result was named LabelProperty.
    """
    event = URIRef("http://example.org/event/2007-06-07/e")
    triples = [(BNode(), RDF.type, DIP.Place), (event, RDF.type, DIP.Event)]
    found = assert_same(triples)
    assert ("PlaceShape", "rdfs:label") in {(r[2], r[1]) for r in found}


def test_a_term_oxigraph_refuses_is_checked_by_pyshacl() -> None:
    """An IRI with a space cannot enter Oxigraph: that batch is validated by pySHACL instead.

    Regression: the compiled gate raised ValueError, so the batch was not checked at all.
    """
    place = URIRef("http://example.org/place/a place")
    documents = {"doc": [(place, RDF.type, DIP.Place)]}
    reference = validate_documents(documents, engine="pyshacl")
    compiled = validate_documents(documents, engine="compiled")
    assert rows(compiled["doc"]) == rows(reference["doc"]) != set()


def test_shapes_the_compiler_must_not_read_as_node_shapes_fall_back() -> None:
    """A property shape with its own target, and a shape that is a class, go to pySHACL.

    Regression: the first was compiled as a node shape (its path ignored), and the second,
    which targets its instances implicitly, was compiled with no focus nodes.
    """
    shapes = Graph().parse(data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:P a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ;
  sh:datatype <http://www.w3.org/2001/XMLSchema#string> ; sh:message "p is a string" .
ex:K a sh:NodeShape , rdfs:Class ; sh:property [ sh:path ex:q ; sh:minCount 1 ;
  sh:message "needs a q" ] .
""", format="turtle")
    plan = compile_shapes(shapes)
    assert set(plan.pyshacl_only) == {"P", "K"}
    graph = DataGraph()
    graph.add((URIRef("http://example.org/a"), RDF.type, URIRef("http://example.org/C")))
    graph.add((URIRef("http://example.org/a"), URIRef("http://example.org/p"), Literal(1)))
    graph.add((URIRef("http://example.org/b"), RDF.type, URIRef("http://example.org/K")))
    found = {(r.message, r.path) for r in check_graph(graph, shapes, plan)}
    assert found == {("p is a string", "<http://example.org/p>"), ("needs a q", "<http://example.org/q>")}


def test_a_node_two_targets_reach_gives_each_result_once() -> None:
    """The focus nodes are not made DISTINCT in the store: their repeated rows are dropped."""
    shapes = Graph().parse(data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p , ex:q ;
  sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:message "one p" ] ;
  sh:property [ sh:path ex:p ; sh:datatype <http://www.w3.org/2001/XMLSchema#integer> ;
                sh:message "p is an integer" ] .
""", format="turtle")
    ex = "http://example.org/"
    node = URIRef(ex + "a")
    graph = DataGraph()
    for value in ("x", "y", "z"):
        graph.add((node, URIRef(ex + "p"), Literal(value)))
        graph.add((node, URIRef(ex + "q"), Literal(value)))
    reference = DataGraph()
    reference += graph
    found = check_graph(graph, shapes)
    assert sorted((r.message, str(r.value)) for r in found) == sorted([("one p", "None")] + [
        ("p is an integer", v) for v in ("x", "y", "z")])
    assert rows(found) == rows(check_with_engine(reference, shapes, "pyshacl"))


def test_the_gate_leaves_its_ontology_store_as_it_found_it() -> None:
    """The ontology is loaded once per thread; each call's data goes in and out again."""
    page = read_graph(PAGES[0])
    first = check_triples(list(page), default_shapes())
    store = compiled._ontology_store()
    assert len(store) == len(compiled.ontology_quads())
    assert check_triples(list(page), default_shapes()) == first
    assert len(store) == len(compiled.ontology_quads())


def test_the_gate_store_is_renewed_before_it_grows_with_the_corpus(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A removed quad's terms stay in an in-memory store: gating a whole corpus through one
    store grew it by 83 MB and slowed the checks every 1,000 events. After so many quads the
    thread takes a fresh one, and the results do not change."""
    page = list(read_graph(PAGES[0]))
    first = check_triples(page, default_shapes())
    monkeypatch.setattr(compiled, "_RENEW_AFTER", len(page) // 2)
    before = compiled._ontology_store()
    assert check_triples(page, default_shapes()) == first
    after = compiled._ontology_store()
    assert after is not before and len(after) == len(compiled.ontology_quads())
    assert check_triples(page, default_shapes()) == first


def test_threads_gating_at_once_get_their_own_results() -> None:
    """Each thread has its own ontology store: documents checked at once do not mix."""
    pages = [list(read_graph(p)) for p in PAGES[:8]]
    alone = [check_triples(triples, default_shapes()) for triples in pages]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda triples: check_triples(triples, default_shapes()),
                                 pages * 3))
    assert together == alone * 3
