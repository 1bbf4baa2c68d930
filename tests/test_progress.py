"""kg.progress: the library's long phases tell their totals, and reach them, on a real store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.pipeline import (
    INFERRED_GRAPH,
    SOFTWARE_IRI,
    infer,
    ingest,
    link_all,
    link_same_events_all,
    reindex,
)
from kg.pipeline.store_validation import validate_store
from kg.progress import Advance, counted, no_progress, tally
from kg.store import Store, open_store

from .conftest import EXAMPLES


@dataclass
class Phase:
    name: str
    total: int | None
    unit: str
    done: int = 0


class Recorder:
    """A progress hook that keeps every phase it is told of, and how far each went."""

    def __init__(self) -> None:
        self.phases: list[Phase] = []

    def __call__(self, name: str, total: int | None, unit: str) -> Advance:
        phase = Phase(name, total, unit)
        self.phases.append(phase)

        def advance(n: int) -> None:
            phase.done += n

        return advance

    def named(self, name: str) -> list[Phase]:
        return [p for p in self.phases if p.name == name]

    def assert_complete(self) -> None:
        """Every phase with a total did all of it, no more and no less."""
        for phase in self.phases:
            assert phase.total is None or phase.done == phase.total, phase


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real on-disk store with the examples ingested (its own: the tests write to it)."""
    with open_store(tmp_path / "store") as opened:
        report = ingest(opened, [EXAMPLES])
        assert not report.failures, report.failures
        yield opened


def test_ingest_reports_the_phases_after_its_documents(tmp_path: Path) -> None:
    seen = Recorder()
    with open_store(tmp_path / "store") as store:
        report = ingest(store, [EXAMPLES], progress=seen)
    assert not report.failures
    names = [p.name for p in seen.phases]
    # A first ingest writes the index whole, from what it wrote.
    assert names.index("writing the text index") < names.index("linking articles to events")
    assert seen.named("linking the same events")[0].total == seen.named(
        "linking the same events")[0].done > 0
    assert report.links is not None
    assert seen.named("linking articles to events")[0].total == report.links.articles
    seen.assert_complete()


def test_a_later_ingest_indexes_only_what_it_wrote(tmp_path: Path) -> None:
    """Into a store that holds documents already, the index takes what was written alone."""
    pages = sorted((EXAMPLES.parent / "tests" / "eval" / "pages").glob("2017-*.md"))
    with open_store(tmp_path / "store") as store:
        assert not ingest(store, [EXAMPLES]).failures
        seen = Recorder()
        assert not ingest(store, pages, progress=seen).failures
    names = [p.name for p in seen.phases]
    assert "indexing what was written" in names and "writing the text index" not in names
    seen.assert_complete()


@pytest.mark.parametrize(("engine", "same_as"), [("fast", False), ("fast", True),
                                                 ("owlrl", False)])
def test_infer_counts_every_rule_it_runs(store: Store, engine: str, same_as: bool) -> None:
    seen = Recorder()
    infer(store, engine=engine, same_as=same_as, progress=seen)
    assert len(seen.phases) == 1 and (seen.phases[0].total or 0) > 1
    seen.assert_complete()


def test_linking_and_reindex_count_their_items(store: Store) -> None:
    seen = Recorder()
    articles = link_all(store, software=SOFTWARE_IRI, progress=seen).articles
    days = link_same_events_all(store, software=SOFTWARE_IRI, progress=seen).days
    made = reindex(store, progress=seen)
    assert [(p.name, p.total) for p in seen.phases] == [
        ("linking articles to events", articles),
        ("linking the same events", days),
        ("reading the store for the text index", seen.phases[2].total),
        ("writing the text index", made.things),
    ]
    seen.assert_complete()


def test_validate_store_batches_are_counted_through_tally(store: Store) -> None:
    seen = Recorder()
    validate_store(store, batch_size=5, progress=tally(seen, "validating", "graphs"))
    assert len(seen.phases) == 1
    assert seen.phases[0].total == len([g for g in store.named_graphs() if g != INFERRED_GRAPH])
    seen.assert_complete()


def test_without_progress_the_results_are_the_same(tmp_path: Path) -> None:
    with open_store(tmp_path / "a") as one, open_store(tmp_path / "b") as two:
        quiet = ingest(one, [EXAMPLES])
        watched = ingest(two, [EXAMPLES], progress=Recorder())
        assert quiet.links is not None and watched.links is not None
        assert (quiet.links.articles, quiet.links.links) == (watched.links.articles,
                                                             watched.links.links)
        assert one.triple_count() == two.triple_count()


def test_tally_starts_the_phase_at_its_first_call_and_advances_by_the_difference() -> None:
    seen = Recorder()
    told = tally(seen, "batches", "graphs")
    assert seen.phases == []
    told(5, 12)
    told(10, 12)
    told(12, 12)
    assert seen.phases == [Phase("batches", 12, "graphs", 12)]


def test_counted_yields_everything_and_advances_in_groups() -> None:
    steps: list[int] = []
    assert list(counted(range(2500), steps.append, every=1000)) == list(range(2500))
    assert steps == [1000, 1000, 500]
    assert no_progress("x", 3, "items")(2) is None
