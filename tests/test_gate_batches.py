"""The ingest gate over whole batches (issue 14): its own store, quads made once, each focus
node tested once, and still pySHACL's verdicts for every document."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from kg.pipeline.read import read_graph
from kg.store import OxigraphStore, StoreError
from kg.store.quads import PreparedGraphs, document_quads, prepare_graphs
from kg.terms import Triple
from kg.validate.compiled import _OWN_STORE_FROM, compiled_plan
from kg.validate.gate import validate_documents
from kg.validate.shapes import default_shapes
from kg.vocab import DIP, RDFS, XSD

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted(p for folder in ("tests/data", "examples", "tests/eval/pages")
               for p in (REPO / folder).rglob("*") if p.suffix in (".md", ".txt"))


def batch() -> dict[str, list[Triple]]:
    """Every page as a document of one batch, a few of them broken, keyed as the store's."""
    documents = {f"urn:test:doc:{i}": list(read_graph(p)) for i, p in enumerate(PAGES)}
    chance = random.Random(14)
    for key in chance.sample(sorted(documents), 8):
        triples = documents[key]
        events = sorted({s for s, p, _ in triples if p == DIP.date})
        if events:  # a second date, and one that is not a date: violations
            triples.append((events[0], DIP.date, Literal("2007-02-30", datatype=XSD.date)))
            triples.append((events[0], DIP.relatedTo, URIRef("urn:test:nothing")))
    return documents


def rows(found: dict[str, list]) -> dict[str, set[tuple[object, ...]]]:
    return {k: {(r.focus_node, r.path, r.shape, r.severity, r.message, r.value) for r in v}
            for k, v in found.items()}


def test_a_whole_batch_gets_pyshacls_verdicts_from_its_own_store_and_prepared_quads() -> None:
    documents = batch()
    prepared = prepare_graphs(documents)
    assert prepared.merged.count("\n") >= _OWN_STORE_FROM  # the batch's own store
    reference = rows(validate_documents(documents, engine="pyshacl"))
    assert sum(1 for r in reference.values() for row in r if row[3] == "Violation") >= 8
    assert rows(validate_documents(documents, engine="compiled")) == reference
    assert rows(validate_documents(documents, engine="compiled",
                                   merged=prepared.merged)) == reference


def test_prepared_graphs_hold_each_quad_and_the_merge_once() -> None:
    documents = {"urn:test:a": list(read_graph(PAGES[0])), "urn:test:b": list(read_graph(PAGES[0]))}
    prepared = prepare_graphs(documents)
    assert isinstance(prepared, PreparedGraphs)
    distinct = set(documents["urn:test:a"])
    merged = list(ox.parse(prepared.merged, ox.RdfFormat.N_TRIPLES))
    assert len(merged) == len(set(merged)) == len(distinct)
    quads = list(ox.parse(prepared.nquads, ox.RdfFormat.N_QUADS))
    assert len(quads) == prepared.quad_count == 2 * len(distinct) + len(distinct)
    assert set(quads) == set(document_quads(documents))  # the same as quads made one by one
    assert dict(prepared) == documents  # any store takes it as the mapping it is


def test_graphs_with_a_blank_node_are_not_prepared_as_text() -> None:
    """Oxigraph names the blank nodes of text it reads anew: such graphs keep their terms."""
    triples = [(BNode("kept"), RDFS.label, Literal("x")), (URIRef("urn:test:s"), RDFS.label,
                                                         Literal('a "quoted"\nline'))]
    prepared = prepare_graphs({"urn:test:g": triples})
    assert not isinstance(prepared, PreparedGraphs) and prepared == {"urn:test:g": triples}
    store = OxigraphStore(None)
    store.replace_graphs(prepared)
    assert set(store.graph_triples("urn:test:g")) == set(triples)


def test_a_term_oxigraph_refuses_names_its_graph() -> None:
    with pytest.raises(StoreError, match=r"urn:test:bad.*nothing was written"):
        prepare_graphs({"urn:test:good": [(URIRef("urn:test:s"), RDFS.label, Literal("x"))],
                        "urn:test:bad": [(URIRef("urn:test:has space"), RDFS.label, Literal("x"))]})


def test_the_gate_tests_each_focus_node_once_and_a_whole_store_streams_them() -> None:
    """DISTINCT focus nodes halved the gate's checks; over a whole store they would all be
    held in memory, so its validation keeps them streamed."""
    shapes = default_shapes()
    gate = compiled_plan(shapes, distinct_focus=True).checks
    whole = compiled_plan(shapes).checks
    assert gate and all(c.focus.startswith("{ SELECT DISTINCT ?this WHERE ") for c in gate)
    assert not any("SELECT DISTINCT ?this WHERE" in c.focus for c in whole)


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
def test_prepared_text_stores_exactly_the_terms_even_made_to_break_out_of_a_line(
    on_disk: bool, tmp_path: Path
) -> None:
    """The text is the store's own writing of each term: a literal cannot add a quad."""
    tricky = [
        Literal('x" <urn:test:a> <urn:test:b> <urn:test:c> <urn:test:g> .\n_:b <urn:p> "y'),
        Literal("back\\slash \t tab \r\n \u0000 nul \U0001F600 é", lang="fr-CA"),
        Literal("2001-01-01", datatype=XSD.date),
        Literal("not a number", datatype=XSD.integer),
    ]
    triples = [(URIRef("urn:test:s"), RDFS.label, o) for o in tricky]
    prepared = prepare_graphs({"urn:test:g": triples})
    assert isinstance(prepared, PreparedGraphs)
    store = OxigraphStore(tmp_path / "store" if on_disk else None)
    store.replace_graphs(prepared)  # on disk, by the bulk loader
    assert sorted(store.graph_triples("urn:test:g")) == sorted(triples)
    assert store.named_graphs() == ["urn:test:g"]
    assert store.triple_count() == len(triples)  # the default graph: the merge, no more
    store.close()
