"""bench/scale.py at a tiny size, so that the harness of the 100k benchmark cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCALE = Path(__file__).resolve().parents[1] / "bench" / "scale.py"


@pytest.mark.server
def test_scale_measures_every_step_and_every_named_query(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, str(SCALE), "--events", "30", "--skip-virtuoso", "--repeat", "2",
         "--budget", "1", "--workdir", str(tmp_path / "work"), "--json", str(out)],
        capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    recorded = json.loads(out.read_text())
    assert recorded["command"].startswith("python bench/scale.py --events 30")
    assert recorded["commit"]
    figures = recorded["sizes"]["30"]

    assert figures["corpus"]["files"] == 36
    for step in ("ingest", "export_nquads", "export_turtle", "infer", "validate_all"):
        assert figures[step]["rc"] == 0 and not figures[step]["timed_out"], figures[step]
        assert figures[step]["seconds"] > 0 and figures[step]["peak_mb"] > 20, figures[step]
    assert figures["bulk_load"]["quads"] > 10_000
    assert figures["export_nquads"]["mb"] >= 1

    served = figures["serve"]
    assert served["rss_after_start"]["total_mb"] > 50
    queries = served["queries"]
    from kg.queries import load_queries

    assert set(queries) == set(load_queries())  # every named query, none skipped
    asked_by_iri = 0
    for name, row in queries.items():
        assert "error" not in row["by_name"], (name, row)
        assert row["by_name"]["runs"] >= 2, (name, row)
        if "by_iri" in row:
            asked_by_iri += 1
            assert row["by_iri"]["rows"] == row["by_name"]["rows"], (name, row)
    assert asked_by_iri >= 15
    assert queries["events_with_actor"]["by_name"]["rows"] > 0
    assert all("p50_ms" in got for got in served["searches"].values())
    assert "| events_with_actor |" in done.stdout and "`kg ingest` (gate on)" in done.stdout


def test_reuse_keeps_the_steps_already_measured(tmp_path: Path) -> None:
    work = tmp_path / "work" / "5"
    work.mkdir(parents=True)
    kept = {"corpus": {"events": 5, "files": 6, "seconds": 0.1},
            "ingest": {"seconds": 1.0, "rc": 1, "peak_mb": 1, "timed_out": False,
                       "events_per_s": 5.0}}
    (work / "steps.json").write_text(json.dumps(kept))
    done = subprocess.run(
        [sys.executable, str(SCALE), "--events", "5", "--skip-virtuoso", "--reuse",
         "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=60, check=False)
    # The ingest kept is the failed one: nothing is run again, and it says so.
    assert done.returncode != 0
    assert "corpus: kept from an earlier run" in done.stdout
    assert "kg ingest failed" in done.stderr
    assert json.loads((work / "steps.json").read_text()) == kept


def test_skip_leaves_steps_out(tmp_path: Path) -> None:
    """At 100k a full run takes hours: --skip leaves the steps that are not wanted."""
    done = subprocess.run(
        [sys.executable, str(SCALE), "--events", "5", "--skip-virtuoso", "--workdir",
         str(tmp_path / "work"), "--skip", "bulk_load", "--skip", "serve", "--skip",
         "export_nquads", "--skip", "export_turtle", "--skip", "infer"],
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads((tmp_path / "work" / "5" / "steps.json").read_text())
    assert set(figures) == {"corpus", "ingest", "validate_all"}, figures
    assert "infer: skipped (--skip)" in done.stdout
    assert not (tmp_path / "work" / "5" / "all.nq").exists()
