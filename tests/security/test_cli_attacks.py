"""Attacks and accidents through the kg command: the sandbox of `kg query`, whole exports,
oversized inputs.

The defects of issue 10 met through `kg` (SERVICE, deep nesting, missing stores, failed
exports) are tested in tests/issues/test_issue_10.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from tests.security.conftest import Listener, copy_store


def test_kg_query_cannot_connect_even_past_the_analysis(example_store: Path, tmp_path: Path,
                                                        listener: Listener) -> None:
    # A .rq file goes through the same analysis; the process itself cannot connect either,
    # which a query with a valid SERVICE shows when run through the store directly.
    store = copy_store(example_store, tmp_path / "store")
    script = (
        "import kg.cli, sys\n"
        "from kg.sandbox import forbid_network\n"
        "from kg.store import open_store\n"
        "assert forbid_network() is None\n"
        f"s = open_store({str(store)!r})\n"
        "try:\n"
        f"    s.query('SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?a ?b ?c }} }}')\n"
        "except Exception as exc:\n"
        "    print('refused:', exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert "refused:" in done.stdout, done.stderr
    listener.assert_untouched()


def test_an_export_replaces_the_file_whole(example_store: Path, tmp_path: Path) -> None:
    store = copy_store(example_store, tmp_path / "store")
    out = tmp_path / "graph.nt"
    out.write_text("old content\n")
    result = CliRunner().invoke(cli, ["--store", str(store), "export", "-f", "ntriples",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "old content" not in out.read_text() and out.read_text().count("\n") > 1000


def test_an_oversized_document_is_refused_by_name_and_the_rest_stored(tmp_path: Path) -> None:
    from kg.sources import MAX_DOCUMENT_BYTES

    folder = tmp_path / "in"
    folder.mkdir()
    huge = folder / "huge.md"
    with huge.open("wb") as handle:  # sparse: no disk is used
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    examples = Path(__file__).resolve().parents[2] / "examples"
    page = next(examples.glob("2007-07-2_*.md"))
    (folder / page.name).write_bytes(page.read_bytes())
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest", "-q",
                                      "--no-validate", str(huge), str(folder / page.name)])
    assert result.exit_code == 1, result.output
    assert "huge.md" in result.output and "limit for one document" in result.output
    assert "1 documents stored" in result.output


def test_an_oversized_gazetteer_is_refused(tmp_path: Path) -> None:
    from kg.extract.gazetteer import MAX_GAZETTEER_BYTES

    huge = tmp_path / "mine.json"
    with huge.open("wb") as handle:
        handle.truncate(MAX_GAZETTEER_BYTES + 1)
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest",
                                      "--gazetteer", str(huge), str(tmp_path)])
    assert result.exit_code != 0
    assert "at most" in result.output and "Traceback" not in result.output
