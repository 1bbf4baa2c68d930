"""The events of each actor, counted once and kept with the links (issue 14): the named query
busiest_actors reads them while they are current, and counts while they are not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg import derivation
from kg.iri import ACTOR_COUNTS_GRAPH, is_derived_graph
from kg.link.counts import actor_counts, counts_current, stored_counts
from kg.pipeline import SOFTWARE_IRI, infer, ingest
from kg.pipeline.check import COUNTS, check_store, repair_store
from kg.queries import load_queries, parse_named_query, query_text
from kg.store import Store, open_store
from kg.validate.writes import graph_write
from kg.vocab import DIP, RDF, RDFS

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
BUSIEST = load_queries()["busiest_actors"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "store")) as store:
        report = ingest(store, [EXAMPLES])
        assert report.error is None
        yield store


def answers(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """busiest_actors as kept counts give it, and as counting gives it."""
    assert BUSIEST.counted is not None
    return store.query(BUSIEST.counted).rows, store.query(BUSIEST.text).rows


def test_an_ingest_keeps_the_counts_and_the_query_reads_them(store: Store) -> None:
    assert counts_current(store)
    assert stored_counts(store) == actor_counts(store)
    kept, counted = answers(store)
    assert kept == counted and len(kept) == 30
    assert query_text(BUSIEST, store) == BUSIEST.counted
    assert "dip:involves" not in BUSIEST.counted  # a read of the counts, not a count
    (finding,) = [f for f in check_store(store) if f.name == COUNTS]
    assert finding.ok and finding.detail.startswith("current")


def test_the_counts_graph_is_derived_and_types_itself(store: Store) -> None:
    assert is_derived_graph(ACTOR_COUNTS_GRAPH)
    assert derivation.mistyped_graphs(store) == []
    assert store.query("ASK { GRAPH ?g { ?g a ?kind } }",
                       bindings={"g": URIRef(ACTOR_COUNTS_GRAPH),
                                 "kind": DIP.CountsGraph}).boolean


def test_a_write_through_the_server_makes_the_query_count(store: Store) -> None:
    """A Graph Store write derives nothing: the counts are stale, so the query counts."""
    event = URIRef("https://example.org/event/extra")
    putin = URIRef("https://w3id.org/diplomacy-kg/id/person/vladimir-putin")
    before = actor_counts(store)[putin]
    graph_write(store, "https://example.org/graph/extra",
                [(event, RDF.type, DIP.Event), (event, RDFS.label, Literal("Extra")),
                 (event, DIP.involves, putin)], merge=False, gate=False)
    assert not counts_current(store)
    assert query_text(BUSIEST, store) == BUSIEST.text
    rows = {row[0]: int(str(row[3])) for row in store.query(query_text(BUSIEST, store)).rows}
    assert rows[putin] == before + 1
    # kg link (what `kg check --repair` runs for stale links) counts them again.
    repair_store(store, software=SOFTWARE_IRI)
    assert counts_current(store)
    assert stored_counts(store)[putin] == before + 1


def test_an_ingest_that_dies_leaves_the_query_counting(store: Store) -> None:
    derivation.documents_changing(store)  # what an ingest writes before its first document
    assert not counts_current(store)
    assert query_text(BUSIEST, store) == BUSIEST.text


def test_an_inference_counts_again_and_reads_nothing_while_it_runs(store: Store) -> None:
    infer(store)
    assert counts_current(store)
    assert stored_counts(store) == actor_counts(store)
    derivation.start(store, derivation.INFERENCE)  # a run halfway
    assert not counts_current(store)


def test_a_store_from_before_the_counts_counts(store: Store) -> None:
    store.drop_graphs([ACTOR_COUNTS_GRAPH])
    assert derivation.read_record(store, derivation.LINKS).status == derivation.CURRENT
    assert not counts_current(store)
    assert query_text(BUSIEST, store) == BUSIEST.text


def test_kg_check_finds_wrong_counts_and_repairs_them(store: Store) -> None:
    putin = URIRef("https://w3id.org/diplomacy-kg/id/person/vladimir-putin")
    triples = store.graph_triples(ACTOR_COUNTS_GRAPH)
    changed = [(s, p, Literal(999) if s == putin else o) for s, p, o in triples]
    store.replace_graphs({ACTOR_COUNTS_GRAPH: changed})
    (finding,) = [f for f in check_store(store) if f.name == COUNTS]
    assert not finding.ok and "1 actors' event counts differ" in finding.detail
    assert any(line.startswith("counted again") for line in
               repair_store(store, software=SOFTWARE_IRI))
    assert stored_counts(store) == actor_counts(store)


@pytest.mark.parametrize("line", ["# counted: ../elsewhere.rq", "# counted: /etc/x.rq",
                                  "# counted: counted/x.txt"])
def test_a_counted_text_must_be_a_query_file_in_the_folder(line: str) -> None:
    with pytest.raises(ValueError, match="counted line"):
        parse_named_query("q", f"{line}\nSELECT * WHERE {{ ?s ?p ?o }}")
