"""Issue 12, derived data that repairs itself: points 1 and 3, the spool files of point 6.

The commands are killed at their writes: a subprocess runs the real command with
``KG_FAULT_AFTER=N`` (kg.store.fault: a hard exit just after the Nth write to the store), and
smaller chunks than usual, so that a small corpus takes every write path (a transaction per
chunk, two bulk loads per spool file, a removal per chunk, a write per article's links).
Then the command runs again, and the store must pass `kg check` and hold the quads a clean
run gives (timestamps aside). scripts/fault_sweep.py tries every write; these tests a sample
and every bulk load.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from kg.cli import cli
from kg.iri import INFERRED_GRAPH, INFERRED_STATE_GRAPH, LINK_GRAPH_BASE, LINKS_STATE_GRAPH
from kg.pipeline import check_store, infer, ingest, repair_store
from kg.store import Store, open_store
from kg.store.tempfiles import TEMP_FOLDER, temp_folder
from kg.vocab import DIP, SEM
from tests.conftest import EXAMPLES, SEEDS

ROOT = Path(__file__).resolve().parents[2]
SWEEP = ROOT / "scripts" / "fault_sweep.py"


def _load_sweep() -> ModuleType:
    """scripts/fault_sweep.py, which holds the driver (the real `kg` command, with chunks small
    enough for a few documents to need several) and the comparison of quads."""
    spec = importlib.util.spec_from_file_location("fault_sweep", SWEEP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_sweep = _load_sweep()
DRIVER: str = _sweep.DRIVER
quads: Callable[[Store], set[tuple[str, ...]]] = _sweep.quads
KILLED = 137
# The most kill points tried per command, spread over the run (the first and last among
# them), besides every bulk load: the one write that is not a transaction.
MAX_POINTS = 6
MORE = next(EXAMPLES.glob("2007-07-2_*.md"))


def run_kg(store: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The kg command in a process of its own, with these environment variables."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    return subprocess.run([sys.executable, "-c", DRIVER, "--store", str(store), *args],
                          env={**environ, **env}, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def rerun(store: Path, *args: str) -> None:
    """The kg command again, in this process, as a user runs it after a crash."""
    result = CliRunner().invoke(cli, ["--store", str(store), *args])
    assert result.exit_code == 0, result.output


def failing(store: Store) -> list[str]:
    return [f.to_text() for f in check_store(store) if not f.ok]


def kill_points(writes: list[str]) -> list[int]:
    """Up to MAX_POINTS write numbers spread evenly over a run's writes, and its bulk loads."""
    count = len(writes)
    if count <= MAX_POINTS:
        return list(range(1, count + 1))
    spread = {round(1 + i * (count - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)}
    return sorted(spread | {n for n, kind in enumerate(writes, 1) if kind == "bulk-load"})


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store folder holding the three seed documents, their links current, not inferred."""
    path = tmp_path_factory.mktemp("seeded") / "store"
    with open_store(path) as store:
        assert not ingest(store, SEEDS).failures
    return path


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory, seeded: Path) -> Path:
    """The seeds inferred, then one document dropped and another stored: the next `kg infer`
    removes what the dropped one entailed, and adds what the new one entails."""
    path = tmp_path_factory.mktemp("changed") / "store"
    shutil.copytree(seeded, path)
    with open_store(path) as store:
        infer(store)
        article_graph = next(g for g in store.named_graphs() if "/graph/doc/" in g
                             and store.query(f"ASK {{ GRAPH <{g}> {{ ?a <{DIP.mentions}> ?x }} }}"
                                             ).boolean)
        store.drop_graphs([article_graph])
        assert not ingest(store, [MORE]).failures
    return path


def copy(source: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(source, target)
    return target


def clean_run(source: Path, tmp_path: Path, *args: str) -> tuple[list[str], set[tuple[str, ...]]]:
    """The writes a clean run of the command makes (their kinds), and the quads it leaves."""
    store, counter = copy(source, tmp_path, "clean"), tmp_path / "writes"
    result = run_kg(store, *args, KG_FAULT_COUNT_FILE=str(counter))
    assert result.returncode == 0, result.stderr
    with open_store(store) as opened:
        assert not failing(opened)
        return counter.read_text().split(), quads(opened)


def crash_and_rerun(source: Path, tmp_path: Path, *args: str) -> Iterator[tuple[int, Store]]:
    """For each kill point: the command killed there, run again; yields the reopened store."""
    writes, _ = clean_run(source, tmp_path, *args)
    assert len(writes) > 1
    for point in kill_points(writes):
        store = copy(source, tmp_path, f"killed-{point}")
        killed = run_kg(store, *args, KG_FAULT_AFTER=str(point))
        assert killed.returncode == KILLED, (point, killed.stderr)
        rerun(store, *args)
        with open_store(store) as opened:
            yield point, opened


# -- point 1: an interrupted `kg infer` -------------------------------------------------------


def test_a_killed_infer_leaves_no_orphan_and_the_next_infer_is_a_clean_one(
    changed: Path, tmp_path: Path
) -> None:
    """Killed at each write (its record, a removal chunk, each of the two bulk loads of a spool
    file), then run again: no orphan, and exactly the quads of a clean run."""
    writes, expected = clean_run(changed, tmp_path / "c", "infer")
    assert writes.count("bulk-load") >= 4  # two spool files, each loaded twice
    for point, store in crash_and_rerun(changed, tmp_path, "infer"):
        assert store.merge_faults() == (0, 0), point
        assert not failing(store), point
        assert quads(store) == expected, point


def test_an_orphan_in_the_default_graph_is_not_read_as_asserted(
    seeded: Path, tmp_path: Path
) -> None:
    """The rules read the asserted graphs, not "the default graph minus the inferred one": a
    fact no graph holds entails nothing, and `kg check --repair` takes it out."""
    path = copy(seeded, tmp_path, "store")
    orphan = URIRef("https://example.org/orphan-event")
    with open_store(path) as store:
        store._update(f"INSERT DATA {{ <{orphan}> <{DIP.participant}> "
                      "<https://example.org/someone> }")
        assert store.merge_faults() == (1, 0)
        infer(store)
        inferred = store.graph_triples(INFERRED_GRAPH)
        assert not [t for t in inferred if t[0] == orphan]
        assert (orphan, URIRef(str(SEM.hasActor)), URIRef("https://example.org/someone")) \
            not in inferred
        assert [f.name for f in check_store(store) if not f.ok] == ["merge"]
        repair_store(store, software="urn:test")
        assert not failing(store)


def test_a_triple_a_document_asserts_leaves_the_inferred_graph_in_one_run(
    seeded: Path, tmp_path: Path
) -> None:
    """What a document asserts leaves the inferred graph in one run (it took a second round
    when "asserted" was the default graph minus the inferred graph) and stays in the merge."""
    path = copy(seeded, tmp_path, "store")
    with open_store(path) as store:
        infer(store)
        s, p, o = next(t for t in store.graph_triples(INFERRED_GRAPH) if t[1] == SEM.hasActor)
        store.replace_graphs({"https://example.org/graph/asserts": [(s, p, o)]})
        report = infer(store)
        assert report.removed == 1
        assert (s, p, o) not in store.graph_triples(INFERRED_GRAPH)
        assert store.query(f"ASK {{ <{s}> <{p}> <{o}> }}").boolean
        assert not failing(store)


# -- point 3: article-event links after a crashed ingest --------------------------------------


def test_a_killed_ingest_gets_every_link_back_on_the_next_ingest(tmp_path: Path) -> None:
    """Killed at each write of `kg ingest` (the ontology, the record, each document, each
    article's links, the end of the record), then ingested again: links as a clean run's,
    though the documents written before the crash are unchanged the second time."""
    empty = tmp_path / "empty"
    open_store(empty).close()
    args = ("ingest", "-q", *map(str, SEEDS))
    _, expected = clean_run(empty, tmp_path / "c", *args)
    assert any(q[3].startswith(LINK_GRAPH_BASE) for q in expected)
    for point, store in crash_and_rerun(empty, tmp_path, *args):
        assert not failing(store), point
        assert quads(store) == expected, point


def test_a_killed_link_run_is_finished_by_the_next_one(seeded: Path, tmp_path: Path) -> None:
    _, expected = clean_run(seeded, tmp_path / "c", "link")
    for point, store in crash_and_rerun(seeded, tmp_path, "link"):
        assert not failing(store), point
        assert quads(store) == expected, point


def test_an_ingest_after_an_interrupted_infer_finishes_it(changed: Path, tmp_path: Path) -> None:
    _, expected = clean_run(changed, tmp_path / "c", "infer")
    path = copy(changed, tmp_path, "killed")
    assert run_kg(path, "infer", KG_FAULT_AFTER="2").returncode == KILLED
    rerun(path, "ingest", "-q", str(MORE))  # unchanged: nothing to store, the infer to finish
    with open_store(path) as store:
        assert not failing(store)
        assert quads(store) == expected


def test_the_records_say_what_is_current(seeded: Path, tmp_path: Path) -> None:
    path = copy(seeded, tmp_path, "store")
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(path), "check"])
    assert result.exit_code == 0, result.output
    assert "ok    inferred: never computed" in result.output
    assert "ok    links: current (2 link graphs" in result.output
    with open_store(path) as store:
        infer(store)
        assert LINKS_STATE_GRAPH in store.named_graphs()
        assert INFERRED_STATE_GRAPH in store.named_graphs()
        assert not ingest(store, [MORE]).failures  # the inferred graph is stale now
    result = runner.invoke(cli, ["--store", str(path), "check"])
    assert result.exit_code == 1, result.output
    assert "FAIL  inferred: stale" in result.output
    result = runner.invoke(cli, ["--store", str(path), "check", "--repair"])
    assert result.exit_code == 0, result.output
    assert "repaired: kg infer --engine fast" in result.output
    assert "ok    inferred: current" in result.output.strip().split("repaired:")[-1]


def test_a_graph_named_as_derived_that_does_not_say_so_is_found_and_dropped(
    seeded: Path, tmp_path: Path
) -> None:
    """The rules tell a link graph by the type it gives itself: one under the links' IRIs
    without it would read as asserted, so `kg check` fails and `--repair` (kg link) drops it."""
    path = copy(seeded, tmp_path, "store")
    stray = LINK_GRAPH_BASE + "stray"
    with open_store(path) as store:
        store.replace_graphs({stray: [(URIRef("urn:x:a"), DIP.reports, URIRef("urn:x:e"))]})
        assert [f.name for f in check_store(store) if not f.ok] == ["links"]
        repair_store(store, software="urn:test")
        assert stray not in store.named_graphs()
        assert not failing(store)


# -- point 6: the spool files of `kg infer` ---------------------------------------------------


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_spool_files_live_in_the_store_folder_and_a_dead_one_goes_at_open(
    changed: Path, tmp_path: Path
) -> None:
    writes, _ = clean_run(changed, tmp_path / "c", "infer")
    path = copy(changed, tmp_path, "store")
    # Killed at its last bulk load (the writes after it: the counts, the record of the end),
    # its files still there.
    last_load = max(i for i, kind in enumerate(writes, 1) if kind == "bulk-load")
    killed = run_kg(path, "infer", KG_FAULT_AFTER=str(last_load))
    assert killed.returncode == KILLED
    left = list((path / TEMP_FOLDER).glob("kg-inferred-*.nt"))
    assert left, "the spool files were not in the store's folder"
    assert not list(Path(tempfile.gettempdir()).glob(f"kg-inferred-{left[0].name.split('-')[2]}-*"))
    stranger = path / TEMP_FOLDER / f"kg-inferred-{os.getpid()}-alive.nt"
    stranger.write_text("")  # a live process's file stays
    with open_store(path) as store:
        assert temp_folder(store) == path / TEMP_FOLDER
        assert not any(p.exists() for p in left)
        assert stranger.exists()
    stranger.unlink()


@pytest.mark.server
def test_kg_check_reports_and_removes_the_files_of_dead_processes(oxigraph_server: str) -> None:
    """A remote store's spool files are in the system's temporary folder, named by pid."""
    url = f"{oxigraph_server}/query"
    with open_store(url) as store:
        store.clear()
        folder = temp_folder(store)
    dead = folder / f"kg-inferred-{dead_pid()}-test.nt"
    dead.write_text("<urn:a> <urn:b> <urn:c> .\n")
    runner = CliRunner()
    try:
        result = runner.invoke(cli, ["--store", url, "check"])
        assert result.exit_code == 1
        assert "FAIL  leftovers:" in result.output  # this one, and any other dead run's
        result = runner.invoke(cli, ["--store", url, "check", "--repair"])
        assert result.exit_code == 0, result.output
        assert not dead.exists()
    finally:
        dead.unlink(missing_ok=True)


# -- `kg check` through a SPARQL server -------------------------------------------------------


@pytest.mark.server
def test_kg_check_and_repair_through_a_sparql_server(oxigraph_server: str) -> None:
    url = f"{oxigraph_server}/query"
    with open_store(url) as store:
        store.clear()
        assert not ingest(store, SEEDS).failures
        infer(store)
        assert not failing(store)
        store._update("INSERT DATA { <urn:x:orphan> <urn:x:p> <urn:x:o> }")
        store._update(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}"
                      " FILTER (isIRI(?o)) }")
        assert store.merge_faults()[0] == 1 and store.merge_faults()[1] > 0
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", url, "check"])
    assert result.exit_code == 1 and "FAIL  merge" in result.output, result.output
    result = runner.invoke(cli, ["--store", url, "check", "--repair"])
    assert result.exit_code == 0, result.output
    with open_store(url) as store:
        assert store.merge_faults() == (0, 0)
        store.clear()
