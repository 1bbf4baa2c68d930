"""kg eval without a checkout's tests/eval: the labels are shipped, or the error says how."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.resources
from kg.cli import cli
from kg.pipeline.evaluate import shipped_labels


def test_eval_runs_outside_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no tests/eval here
    result = CliRunner().invoke(cli, ["eval"])
    assert result.exit_code == 0, result.output
    assert "label files" in result.output and "F1" in result.output


def test_the_shipped_labels_are_the_checkouts() -> None:
    shipped = shipped_labels()
    checkout = Path(__file__).parent / "eval"
    assert sorted(p.name for p in shipped.glob("*.json")) == sorted(
        p.name for p in checkout.glob("*.json"))


def test_without_shipped_labels_the_error_names_the_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installation whose resources hold no labels.
    monkeypatch.setattr(kg.resources, "SEARCH_PATH", (tmp_path,))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["eval"])
    assert result.exit_code == 1
    assert "error: no labelled pages are shipped" in result.output
    assert "kg eval FOLDER" in result.output
    assert "Traceback" not in result.output
