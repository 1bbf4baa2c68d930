"""New graphs written with the store's bulk loader (issue 14): the same quads as a transaction
writes, and all or nothing as seen after a crash (kg.store.bulk).

The crashes are real: `kg ingest` runs in a process of its own with ``KG_FAULT_AFTER=N``
(kg.store.fault), killed just after the marker of a bulk write is written or just after the
loader returned, before the marker goes; a torn write (part of a graph in its named graph,
part only in the default graph) is made with pyoxigraph itself, as a loader killed halfway
can leave one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.extract.gazetteer import load_gazetteer
from kg.pipeline import ingest
from kg.pipeline.ingester import ReadDocument, read_document
from kg.rdffile import to_oxigraph
from kg.sources import InputFile, read_source
from kg.store import OxigraphStore, StoreError, bulk, open_store
from kg.vocab import DEFAULT_BASE
from tests.conftest import DATA, SEEDS
from tests.issues.test_issue_12_derived import KILLED, failing, quads, run_kg

DEVCORPUS = DATA / "devcorpus"


def _graphs(store: OxigraphStore) -> dict[str, frozenset[tuple[str, ...]]]:
    """Each named graph's triples, timestamps aside (as scripts/fault_sweep.py compares them)."""
    found: dict[str, set[tuple[str, ...]]] = {}
    for *triple, graph in quads(store):
        found.setdefault(graph, set()).add(tuple(triple))
    return {g: frozenset(t) for g, t in found.items()}


def test_the_bulk_loader_and_a_transaction_store_the_same_quads(tmp_path: Path) -> None:
    """Real pages ingested twice, once through the bulk loader and once through `extend`
    transactions: the same named graphs, the same default graph, the merge whole."""
    stored = {}
    for name, most in (("bulk", OxigraphStore.bulk_quads), ("extend", 0)):
        with open_store(tmp_path / name) as store:
            assert isinstance(store, OxigraphStore)
            store.bulk_quads = most  # 0: every write of new graphs is one transaction
            report = ingest(store, [DEVCORPUS], link=True)
            assert not report.failures, report.failures
            assert store.merge_faults() == (0, 0)
            default = {r for r in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows
                       if "dateTime" not in repr(r[2])}
            stored[name] = (_graphs(store), default, report.count("stored"))
    assert stored["bulk"][2] > 30  # most of the pages are documents
    assert stored["bulk"] == stored["extend"]


def test_kg_ingest_into_a_new_store_uses_the_bulk_loader(tmp_path: Path) -> None:
    """The writes of a first ingest are bulk writes, each between its marks."""
    counter = tmp_path / "writes"
    result = run_kg(tmp_path / "store", "ingest", "-q", *map(str, SEEDS),
                    KG_FAULT_COUNT_FILE=str(counter))
    assert result.returncode == 0, result.stderr
    writes = counter.read_text().split()
    assert writes.count("bulk-extend") >= len(SEEDS)
    assert "extend" not in writes
    assert not bulk.marker_path(tmp_path / "store").exists()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """An empty store, and the writes `kg ingest` of the seeds makes into it (their kinds)."""
    folder = tmp_path_factory.mktemp("bulk-clean")
    empty = folder / "empty"
    open_store(empty).close()
    shutil.copytree(empty, folder / "clean")
    counter = folder / "writes"
    result = run_kg(folder / "clean", "ingest", "-q", *map(str, SEEDS),
                    KG_FAULT_COUNT_FILE=str(counter))
    assert result.returncode == 0, result.stderr
    return folder, counter.read_text().split()


@pytest.mark.parametrize("kind", ["bulk-begin", "bulk-extend"])
def test_a_kill_inside_a_bulk_write_leaves_no_part_of_its_documents(
    clean: tuple[Path, list[str]], tmp_path: Path, kind: str
) -> None:
    """Killed after a bulk write's marker, or after the loader but before the marker goes:
    the next open drops the graphs the marker names, each document is whole or absent, the
    default graph is their merge, and `kg ingest` again gives a clean run's store."""
    folder, writes = clean
    with open_store(folder / "clean") as done:
        expected = _graphs(done)  # type: ignore[arg-type]
    points = [n for n, k in enumerate(writes, 1) if k == kind]
    assert len(points) >= len(SEEDS)
    for point in points:
        store = tmp_path / f"killed-{point}"
        shutil.copytree(folder / "empty", store)
        killed = run_kg(store, "ingest", "-q", *map(str, SEEDS), KG_FAULT_AFTER=str(point))
        assert killed.returncode == KILLED, (point, killed.stderr)
        marked = bulk.interrupted(store)
        assert marked, point  # the kill came before the write was marked complete
        with open_store(store) as opened:
            assert isinstance(opened, OxigraphStore)
            assert opened.merge_faults() == (0, 0), point
            after = _graphs(opened)
            assert not set(marked) & set(after), point  # the unfinished write is undone
            for graph, triples in after.items():
                assert expected.get(graph) == triples, (point, graph)
        assert not bulk.marker_path(store).exists()
        again = run_kg(store, "ingest", "-q", *map(str, SEEDS))
        assert again.returncode == 0, again.stderr
        with open_store(store) as opened:
            assert _graphs(opened) == expected, point  # type: ignore[arg-type]
            assert not failing(opened), point


def test_a_torn_bulk_write_is_undone_when_the_store_next_opens(tmp_path: Path) -> None:
    """What a loader killed halfway can leave: part of a new graph, some of its triples only
    in the default graph. The next open takes all of it out, and leaves the rest as it was,
    a triple the torn graph shared with a stored one included."""
    path = tmp_path / "store"
    with open_store(path) as store:
        assert not ingest(store, [SEEDS[0]], link=False).failures
        before = _graphs(store)  # type: ignore[arg-type]
        before_default = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    read = read_document(read_source(InputFile(SEEDS[1])), None, gazetteer=load_gazetteer(),
                         base=DEFAULT_BASE, with_triples=True)
    assert isinstance(read, ReadDocument) and read.triples
    assert read.graph_iri not in before
    triples = [tuple(to_oxigraph(t) for t in triple) for triple in read.triples]
    half = len(triples) // 2
    raw = ox.Store(str(path))
    graph = ox.NamedNode(read.graph_iri)
    raw.bulk_extend([ox.Quad(*t, graph) for t in triples[:half]])  # type: ignore[misc]
    raw.bulk_extend([ox.Quad(*t, ox.DefaultGraph()) for t in triples[half // 2:]])  # type: ignore[misc]
    del raw
    bulk.begin(path, [read.graph_iri])
    with open_store(path) as store:
        assert isinstance(store, OxigraphStore)
        assert store.merge_faults() == (0, 0)
        assert _graphs(store) == before
        assert store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == before_default
    assert bulk.interrupted(path) is None


def test_a_marker_not_written_by_a_bulk_write_stops_the_open(tmp_path: Path) -> None:
    """A marker that is not one (edited by hand, say) is not guessed at: the store says so."""
    path = tmp_path / "store"
    open_store(path).close()
    bulk.marker_path(path).write_text("not json", encoding="utf-8")
    with pytest.raises(StoreError, match="not the marker of a bulk write"):
        open_store(path)
