"""Read commands on a store folder that a running `kg serve` holds: a read-only view, no error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli

from .conftest import Server, copy_store, serve

pytestmark = pytest.mark.server

PUTIN = "https://w3id.org/diplomacy-kg/id/person/vladimir-putin"


@pytest.fixture(scope="module")
def held(example_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store folder with a real `kg serve` running on it (so holding its lock)."""
    folder = tmp_path_factory.mktemp("held")
    store = copy_store(example_store, folder / "store")
    with serve(store, log_dir=folder) as running:
        assert isinstance(running, Server)
        yield store


def kg_run(store: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--store", str(store), *args])
    return result.exit_code, result.output


def test_query_reads_a_store_that_kg_serve_holds(held: Path) -> None:
    status, output = kg_run(held, "query", "events_with_two_actors",
                            "-p", "actor1=George W. Bush", "-p", "actor2=Vladimir Putin")
    assert status == 0, output
    assert "(4 rows)" in output
    assert "in use by another process" in output and "read-only view" in output


def test_query_as_json_and_sparql_text(held: Path) -> None:
    status, output = kg_run(held, "query", "-f", "json",
                            f"SELECT ?label WHERE {{ <{PUTIN}> "
                            "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert status == 0, output
    body = output[output.index("{"):]
    labels = {b["label"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert "Vladimir Putin" in labels


def test_export_search_stats_check_and_validate_read_it_too(held: Path, tmp_path: Path) -> None:
    status, output = kg_run(held, "export", "-f", "nquads", "-o", str(tmp_path / "all.nq"))
    assert status == 0, output
    assert (tmp_path / "all.nq").stat().st_size > 100_000
    status, output = kg_run(held, "search", "Kennebunkport")
    assert status == 0 and "Kennebunkport" in output, output
    status, output = kg_run(held, "stats")
    assert status == 0 and "documents      12" in output, output
    status, output = kg_run(held, "check")
    assert status == 0 and "FAIL" not in output, output
    status, output = kg_run(held, "validate", "--all")
    assert status == 0 and "conforms" in output, output


def test_writes_still_say_the_store_is_in_use(held: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("### [2007-06-7](/news/2007/06/7/index.md)\n\n# A test event.\n")
    status, output = kg_run(held, "ingest", str(page))
    assert status == 1
    assert "in use by another process" in output and "/ingest" in output
    status, output = kg_run(held, "check", "--repair")
    assert status == 1 and "in use by another process" in output, output


def test_the_notebook_api_reads_it(held: Path) -> None:
    with kg.open_store(held) as graph:
        frame = graph.query("events_with_actor", actor="Vladimir Putin").to_dataframe()
    assert list(frame.columns) == ["event", "date", "headline", "how"]
    assert len(frame) >= 4
