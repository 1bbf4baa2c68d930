"""The notebook API (kg.open_store(...).query(...).to_dataframe()) and the Parquet tables."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.notebook import Answer
from kg.pipeline import ingest
from kg.pipeline.tables import TABLES
from kg.store import open_store

from .conftest import EXAMPLES

pandas = pytest.importorskip("pandas")
pyarrow_parquet = pytest.importorskip("pyarrow.parquet")

BUSH_PUTIN_MEETING = ("https://w3id.org/diplomacy-kg/id/event/2007-06-07/"
                      "president-of-the-united-states-george-w-bush-and-president-4770f9d9")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A closed store folder holding the examples."""
    path = tmp_path_factory.mktemp("notebook") / "store"
    store = open_store(path)
    try:
        assert not ingest(store, [EXAMPLES]).failures
    finally:
        store.close()
    yield path


def test_open_store_query_to_dataframe(folder: Path) -> None:
    with kg.open_store(folder) as graph:
        frame = graph.query("events_with_two_actors", actor1="George W. Bush",
                            actor2="Vladimir Putin").to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["event", "date", "headline"]
    assert len(frame) == 4
    assert frame["event"].iloc[0] == BUSH_PUTIN_MEETING
    assert frame["date"].iloc[0] == datetime.date(2007, 6, 7)


def test_sparql_text_with_a_bound_parameter(folder: Path) -> None:
    with kg.open_store(str(folder)) as graph:
        answer = graph.query("SELECT ?h WHERE { ?e <https://w3id.org/diplomacy-kg/ontology#headline>"
                             " ?h } ORDER BY ?h", e=BUSH_PUTIN_MEETING)
        asked = graph.query("ASK { ?s ?p ?o }")
    assert [row["h"] for row in answer] == [
        "President of the United States George W. Bush and President of Russia Vladimir Putin "
        "meet to discuss missile defense."]
    assert asked.kind == "ask" and bool(asked)


def test_to_dataframe_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)  # as if not installed
    with pytest.raises(ImportError, match=r"diplomacy-kg\[notebook\]"):
        Answer("select", ("x",), ((1,),)).to_dataframe()


def test_export_parquet_writes_the_three_tables(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = CliRunner().invoke(cli, ["--store", str(folder), "export", "-f", "parquet",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    events = pyarrow_parquet.read_table(out / "events.parquet").to_pandas()
    with kg.open_store(folder) as graph:
        expected = graph.table("events").to_dataframe()
        event_count = graph.query(
            "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE "
            "{ ?e a <https://w3id.org/diplomacy-kg/ontology#Event> }").rows[0][0]
    assert len(events) == len(expected) == event_count == 49
    assert events["date"].iloc[0] == datetime.date(2007, 5, 18)
    participants = pyarrow_parquet.read_table(out / "participants.parquet").to_pandas()
    putin = participants[participants["label"] == "Vladimir Putin"]
    assert len(putin) >= 4 and set(putin["kind"]) == {"Person"}
    sources = pyarrow_parquet.read_table(out / "sources.parquet").to_pandas()
    assert {"event", "date", "article", "url", "publisher", "agency"} == set(sources.columns)
    assert "The Guardian" in set(sources["publisher"])


def test_export_parquet_needs_a_folder(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(folder), "export", "-f", "parquet"])
    assert result.exit_code == 1
    assert "-o" in result.output
