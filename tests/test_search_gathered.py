"""The text index of a first ingest, gathered from what was written (issue 14): the same
entries as `kg reindex` reads back from the store, and the same when the ingest replaces a
graph it wrote (then the index is read from the store as before)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from rdflib import Literal, URIRef

from kg.pipeline import Ingester, reindex
from kg.search.spool import FactSpool
from kg.search.sync import INDEX_FILE
from kg.sources import InputFile, Source, collect_files
from kg.store import open_store
from kg.store.tempfiles import TEMP_FOLDER
from kg.vocab import DEFAULT_BASE, DIP, RDF, RDFS
from tests.conftest import DATA, EXAMPLES, SEEDS

_ROWS = "SELECT iri, kind, day, name, body, tags FROM things ORDER BY iri"


def _entries(folder: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / INDEX_FILE) as db:
        return db.execute(_ROWS).fetchall()


def _documents(folder: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / INDEX_FILE) as db:
        return db.execute("SELECT * FROM documents ORDER BY 1").fetchall()


def _ingest(folder: Path, entries: list[Source | Path], batch_size: int = 7) -> None:
    with open_store(folder) as store:
        files: list[Source | InputFile | Path] = []
        for entry in entries:
            if isinstance(entry, Source):
                files.append(entry)
            else:
                found, _ = collect_files([entry])
                files += found  # as a folder gives them: a file not a page is skipped
        results = list(Ingester(store, batch_size=batch_size, link=False).ingest(files))
        assert not [r for r in results if r.status == "failed"], results


def _reindexed(folder: Path, copy: Path) -> tuple[list[tuple[object, ...]], ...]:
    # SQLite's -shm file is a shared-memory index that SQLite rebuilds; a connection closed
    # late (by the garbage collector) can remove it halfway through the copy.
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*-shm"))
    with open_store(copy) as store:
        reindex(store)
    return _entries(copy), _documents(copy)


def test_a_first_ingest_gathers_the_entries_kg_reindex_reads(tmp_path: Path) -> None:
    """Real pages and the examples in batches: an event told by several pages, actors named
    in many, topics whose labels make the tags, articles with their text."""
    folder = tmp_path / "store"
    _ingest(folder, [DATA / "devcorpus", EXAMPLES])
    gathered = _entries(folder)
    assert len(gathered) > 500
    assert {row[1] for row in gathered} >= {"event", "article", "actor", "place", "topic"}
    assert (gathered, _documents(folder)) == _reindexed(folder, tmp_path / "reindexed")


def test_an_ingest_that_replaces_a_graph_it_wrote_reads_the_store_instead(
    tmp_path: Path
) -> None:
    """The same file given twice with different texts: its first graph is dropped, and what
    it said is not in the index (the gathered facts are given up for the store's)."""
    folder = tmp_path / "store"
    first, second = (path.read_bytes() for path in SEEDS[:2])
    location = "file:///corpus/page.txt"
    _ingest(folder, [Source("page.txt", first, location), Source("page.txt", second, location),
                     SEEDS[2]], batch_size=1)
    with open_store(folder) as store:
        assert len([g for g in store.named_graphs() if "/graph/doc/" in g]) == 2
    assert (_entries(folder), _documents(folder)) == _reindexed(folder, tmp_path / "reindexed")


def test_the_gathered_facts_wait_on_disk_and_go_when_the_ingest_ends(tmp_path: Path) -> None:
    """Held in memory they grew with the ingest (12 MB per 1,000 events: gigabytes at 100k):
    they wait in a scratch file among the store's temporary files, removed at the end."""
    folder = tmp_path / "store"
    spools: list[list[str]] = []
    with open_store(folder) as store:
        files, _ = collect_files([DATA / "devcorpus"])
        for _result in Ingester(store, batch_size=5, link=False).ingest(files):
            spools.append(sorted(p.name for p in (folder / TEMP_FOLDER).glob("kg-spool-*")))
    assert len(spools) > 10
    assert all(len(names) == 1 for names in spools[5:]), spools
    assert not list((folder / TEMP_FOLDER).glob("kg-spool-*"))


def test_an_ingest_that_fails_removes_its_gathered_facts(tmp_path: Path) -> None:
    """A run stopped by an error (here the caller's) leaves no scratch file behind."""
    folder = tmp_path / "store"
    with open_store(folder) as store:
        files, _ = collect_files([DATA / "devcorpus"])
        run = Ingester(store, batch_size=5, link=False).ingest(files)
        for _ in range(12):
            next(run)
        assert list((folder / TEMP_FOLDER).glob("kg-spool-*"))
        run.close()
    assert not list((folder / TEMP_FOLDER).glob("kg-spool-*"))


def test_kg_reindex_spools_the_store_and_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    _ingest(folder, [EXAMPLES])
    entries = _entries(folder)
    with open_store(folder) as store:
        reindex(store)
    assert _entries(folder) == entries
    assert not list((folder / TEMP_FOLDER).glob("kg-spool-*"))


def test_the_documents_of_a_write_spool_a_fact_they_restate_once(tmp_path: Path) -> None:
    """Each document naming a state restates its type, label and name keys: spooled once per
    document, they were two thirds of the rows (408k for 126k facts at 3,000 documents)."""
    france = URIRef(DEFAULT_BASE + "state/france")
    restated = {(france, RDF.type, DIP.State), (france, RDFS.label, Literal("France")),
                (france, DIP.nameKey, Literal("france")),
                (france, DIP.nameKey, Literal("french republic"))}
    graphs = []
    for i in range(5):
        event = URIRef(f"{DEFAULT_BASE}event/{i}")
        graphs.append(restated | {(event, RDF.type, DIP.Event), (event, DIP.involves, france)})
    with FactSpool(tmp_path, "spool-") as spool:
        spool.add(*graphs)
        things = {thing.iri: thing for thing in spool.things()}
        (scratch,) = tmp_path.glob("spool-*")
        with sqlite3.connect(scratch) as db:
            rows = db.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
    assert rows == len(restated) + 5  # France's four facts, and each event's type
    assert len(things) == 6
    assert things[str(france)].name == "France"
    assert "french republic" in things[str(france)].body
