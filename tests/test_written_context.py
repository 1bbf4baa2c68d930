"""The gate's context during an ingest into a store that held none (issue 14): the facts the
ingest wrote, kept in memory, give what the store would give (kg.pipeline.written_context)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import kg.pipeline.ingester as ingester_module
from kg.extract.gazetteer import load_gazetteer
from kg.pipeline import Ingester, ingest
from kg.pipeline.ingester import ReadDocument, read_document
from kg.pipeline.written_context import WrittenContext, written_context
from kg.sources import InputFile, read_source
from kg.store import OxigraphStore, open_store
from kg.validate.gate import batch_context
from kg.vocab import DEFAULT_BASE, DIP, XSD
from tests.conftest import DATA, EXAMPLES

PAGES = sorted(p for folder in (EXAMPLES, DATA / "thecontext", DATA / "devcorpus")
               for p in folder.rglob("*") if p.suffix in (".md", ".txt"))


def documents() -> list[ReadDocument]:
    gazetteer = load_gazetteer()
    read = [read_document(read_source(InputFile(p)), None, gazetteer=gazetteer,
                          base=DEFAULT_BASE, with_triples=True) for p in PAGES]
    return [r for r in read if isinstance(r, ReadDocument)]


def test_the_written_facts_give_the_context_the_store_gives(tmp_path: Path) -> None:
    """Batch after batch of real pages, written to a store on disk and followed in memory:
    each batch's context is the same from either."""
    written = WrittenContext()
    read = documents()
    batches = [read[i:i + 7] for i in range(0, len(read), 7)]
    found = 0
    with open_store(tmp_path / "store") as store:
        for batch in batches:
            graphs = {r.graph_iri: r.triples or [] for r in batch}
            context = batch_context(store, graphs)
            assert batch_context(written.store, graphs) == context
            found += len(context)
            store.replace_graphs(graphs)
            written.wrote(graphs)
        # A graph dropped (its file edited into another document) goes from both.
        dropped = {batches[0][0].graph_iri: []}
        store.replace_graphs(dropped)
        written.wrote(dropped)
        everything = {r.graph_iri: r.triples or [] for r in read}
        assert batch_context(written.store, everything) == batch_context(store, everything)
    assert found > 0  # later pages link to facts of earlier ones: the test can fail
    written.close()


def test_it_stands_in_only_for_an_embedded_store_without_context(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        assert isinstance(store, OxigraphStore)
        ingest(store, [EXAMPLES / "002_1bdb0463f316e372.txt"])  # an article: no date, no report
        assert isinstance(written_context(store), WrittenContext)
        event = URIRef("https://w3id.org/diplomacy-kg/id/event/x")
        store.replace_graphs({"https://w3id.org/diplomacy-kg/graph/doc/x": [
            (event, DIP.date, Literal("2007-06-07", datatype=XSD.date))]})
        assert written_context(store) is None


@pytest.mark.parametrize("batch_size", [1, 4])
def test_an_ingest_gives_the_same_verdicts_and_store_either_way(
    tmp_path: Path, batch_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages ingested into a new store with the written facts standing in for it, and
    again with the store asked for every batch: the same results, the same store."""
    outcome = {}
    made: list[WrittenContext | None] = []

    def recorded(store: OxigraphStore) -> WrittenContext | None:
        made.append(written_context(store))
        return made[-1]

    for name in ("written", "store"):
        monkeypatch.setattr(ingester_module, "written_context",
                            recorded if name == "written" else lambda store: None)
        with open_store(tmp_path / name) as store:
            ingester = Ingester(store, batch_size=batch_size, link=False)
            results = [(Path(r.path).name, r.status, r.warnings, r.message)
                       for r in ingester.ingest(PAGES)]
            rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
            quads = {r for r in rows if "dateTime" not in repr(r[2])}
        outcome[name] = (results, quads)
    assert made and isinstance(made[0], WrittenContext)  # it stood in for the new store
    assert outcome["written"] == outcome["store"]
    assert sum(1 for r in outcome["store"][0] if r[1] == "stored") > 30
