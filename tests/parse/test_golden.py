"""Golden cases: each ``tests/golden/parse/<case>/input.*`` parses to its ``expected.json``."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from tests.parse.golden import case_dirs, parse_case, regenerate, render

CASES = case_dirs()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_case(case: Path) -> None:
    if os.environ.get("KG_REGEN_GOLDEN") == "1":
        regenerate([case])
    expected = (case / "expected.json").read_text(encoding="utf-8")
    actual = render(parse_case(case))
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{case.name}/expected.json",
                tofile="parsed",
            )
        )
        pytest.fail(f"parse result differs from the golden file:\n{diff}")


def test_every_case_has_one_input_and_an_expected_file() -> None:
    assert len(CASES) >= 10
    for case in CASES:
        assert len(list(case.glob("input.*"))) == 1, case
        assert (case / "expected.json").is_file(), case


def test_cases_cover_every_format() -> None:
    formats = {parse_case(case).format for case in CASES}
    assert formats == {"event-page", "day-index", "article", "wikitimes"}
