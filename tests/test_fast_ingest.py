"""Ingest with worker processes (issue 14): the same results, in the same order, and the same store.

The synthetic corpus of bench/corpus.py is written into the test's folder, with real pages
(tests/data), a page that breaks the shapes, a twin of it and of a good page, and a file that
is not a document; small batches make many of them pass through the pipeline at once.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.ingest_report import FileResult
from kg.pipeline import Ingester, ingest
from kg.sources import collect_files
from kg.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
EVENT_PAGE = REPO / "examples" / "000_30323f190908bd9a.txt"
DEVCORPUS = REPO / "tests" / "data" / "devcorpus"

# Times of ingestion and of the derivation records: the only quads two runs may differ in.
_TIMES = re.compile(r'"[0-9T:.+-]+Z?"\^\^<http://www\.w3\.org/2001/XMLSchema#dateTime>')


def _write_corpus(folder: Path, events: int) -> None:
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = corpus  # its dataclasses look their module up
    spec.loader.exec_module(corpus)
    corpus.write_corpus(folder, events)


def _future_page(path: Path) -> Path:
    """A copy of an event page dated in the future: it breaks the shapes."""
    text = EVENT_PAGE.read_text(encoding="utf-8")
    path.write_text(text.replace("2007-06-7", "2999-06-7").replace("/2007/06/7/", "/2999/06/7/"),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    _write_corpus(folder / "synthetic", 120)
    shutil.copytree(DEVCORPUS, folder / "real")
    _future_page(folder / "real" / "0-future.txt")
    _future_page(folder / "synthetic" / "zz-future-twin.txt")
    shutil.copy(EVENT_PAGE, folder / "synthetic" / "zz-page-twin.txt")
    shutil.copy(EVENT_PAGE, folder / "real" / "000.txt")
    (folder / "real" / "README.md").write_text("Not a page: notes about this folder.\n")
    return folder


def _dump(store: Store) -> list[str]:
    """The store's N-Quads, sorted, each time of ingestion or derivation masked."""
    path = Path(str(store.url)).parent / "dump.nq"
    with path.open("wb") as out:
        store.dump(out, "nquads")
    return sorted(_TIMES.sub('"TIME"', line) for line in path.read_text().splitlines())


def _run(folder: Path, where: Path, workers: int, **options: object) -> tuple[
        list[tuple[object, ...]], list[str]]:
    where.mkdir()
    with open_store(where / "store") as store:
        files, _ = collect_files([folder])
        ingester = Ingester(store, batch_size=10, workers=workers, **options)  # type: ignore[arg-type]
        results = [_fields(r) for r in ingester.ingest(files)]
        return results, _dump(store)


def _fields(result: FileResult) -> tuple[object, ...]:
    return (result.path, result.status, result.triples, result.events, result.articles,
            result.message, result.warnings)


def test_workers_give_the_same_results_in_the_same_order_and_the_same_store(
    corpus: Path, tmp_path: Path
) -> None:
    one = _run(corpus, tmp_path / "one", 1)
    two = _run(corpus, tmp_path / "two", 2)
    statuses = {status for _, status, *_ in one[0]}
    assert statuses == {"stored", "failed", "skipped", "unchanged"}, statuses
    assert two[0] == one[0]
    assert two[1] == one[1]


def test_ingesting_again_with_workers_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        first = ingest(store, [corpus], workers=2)
        assert first.count("stored") > 100 and first.error is None
        before = _dump(store)
        again = ingest(store, [corpus], workers=2)
        assert again.count("stored") == 0
        assert again.count("unchanged") == first.count("stored") + first.count("unchanged")
        assert _dump(store) == before


def test_a_twin_in_a_batch_not_yet_written_shares_the_sequential_fate(tmp_path: Path) -> None:
    """A twin of a document still waiting for the gate is decided once that one is written.

    Admitted before its twin was rejected, it was taken for "unchanged" and never stored.
    """
    folder = tmp_path / "in"
    folder.mkdir()
    _future_page(folder / "a.txt")
    _future_page(folder / "b.txt")
    shutil.copy(EVENT_PAGE, folder / "c.txt")
    shutil.copy(EVENT_PAGE, folder / "d.txt")
    outcomes = []
    for workers in (1, 2):
        with open_store(tmp_path / f"store{workers}") as store:
            files, _ = collect_files([folder])
            outcomes.append([(r.path, r.status, r.message) for r in
                             Ingester(store, batch_size=1, workers=workers).ingest(files)])
    assert [status for _, status, _ in outcomes[0]] == ["failed", "failed", "stored", "unchanged"]
    assert outcomes[1] == outcomes[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_store_failure_stops_the_run_at_once(
    corpus: Path, tmp_path: Path, workers: int
) -> None:
    with open_store(tmp_path / "store") as store:
        seen: list[FileResult] = []

        def close(result: FileResult) -> None:
            seen.append(result)
            store.close()

        report = ingest(store, [corpus], workers=workers, on_result=close)
        assert report.error is not None and "closed" in report.error
        assert len(report.results) == len(seen) < 150


def test_kg_ingest_workers_option_gives_the_same_summary(tmp_path: Path) -> None:
    outputs = []
    for workers in ("1", "2"):
        result = CliRunner().invoke(cli, ["--store", str(tmp_path / f"store{workers}"), "ingest",
                                          "-q", "--workers", workers, str(REPO / "examples")])
        assert result.exit_code == 0, result.output
        outputs.append(result.output.splitlines()[-2:])
    assert "documents stored" in outputs[0][0]
    assert outputs[1] == outputs[0]


def test_a_killed_ingest_leaves_no_worker_behind(tmp_path: Path) -> None:
    """Killed after its second write, `kg ingest` ends, and so do its workers.

    They waited for tasks for ever and held the killed run's output open, so that whoever
    read it to the end (scripts/fault_sweep.py) waited with them.
    """
    command = [sys.executable, "-c", "from kg.cli import main; main()",
               "--store", str(tmp_path / "store"), "ingest", "-q", "--workers", "2",
               str(REPO / "examples")]
    done = subprocess.run(command, env={**os.environ, "KG_FAULT_AFTER": "2"},
                          capture_output=True, timeout=120)
    assert done.returncode == 137, done.stderr


def test_a_batch_gated_on_facts_that_were_not_stored_is_gated_again(tmp_path: Path) -> None:
    """The second batch is gated as if the first were stored; the first is rejected, so the
    second's verdict is taken again on what the store holds, and matches one process's."""
    folder = tmp_path / "in"
    folder.mkdir()
    _future_page(folder / "a.txt")  # cites the same articles as the page below
    shutil.copy(EVENT_PAGE, folder / "b.txt")
    outcomes, again = [], []
    for workers in (1, 2):
        with open_store(tmp_path / f"store{workers}") as store:
            files, _ = collect_files([folder])
            ingester = Ingester(store, batch_size=1, workers=workers)
            outcomes.append([_fields(r) for r in ingester.ingest(files)])
            again.append(ingester.gated_again)
    assert [status for _, status, *_ in outcomes[0]] == ["failed", "stored"]
    assert outcomes[1] == outcomes[0]
    assert again == [0, 1]
