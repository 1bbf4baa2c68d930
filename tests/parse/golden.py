"""Golden parse cases: ``tests/golden/parse/<case>/input.*`` and its ``expected.json``.

Regenerate every expected file (then review each diff by hand) with::

    python -m tests.parse.golden            # or: KG_REGEN_GOLDEN=1 pytest tests/parse
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kg.model import Document
from kg.parse import parse_document

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden" / "parse"
# Filled in by extraction, never by a parser: left out of the rendering while empty.
_EXTRACTION_FIELDS = frozenset(
    {"mentions", "publisher", "agency", "agencies", "place", "event_type", "quotes"}
)


def to_jsonable(value: Any) -> Any:
    """Dataclass records as plain JSON values: dicts, lists, ISO dates."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for item in dataclasses.fields(value):
            field_value = getattr(value, item.name)
            if item.name in _EXTRACTION_FIELDS and _is_empty(field_value):
                continue
            out[item.name] = to_jsonable(field_value)
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _is_empty(value: Any) -> bool:
    if value is None or value == ():
        return True
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_is_empty(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def render(document: Document) -> str:
    """The expected.json text for a parsed document."""
    return json.dumps(to_jsonable(document), indent=2, ensure_ascii=False) + "\n"


def case_dirs() -> list[Path]:
    """Every golden case folder, sorted by name."""
    return sorted(path for path in GOLDEN_DIR.iterdir() if path.is_dir())


def input_file(case: Path) -> Path:
    """The one ``input.*`` file of a case."""
    (found,) = sorted(case.glob("input.*"))
    return found


def parse_case(case: Path) -> Document:
    """Parse a case's input as the pipeline would: format detected from the content."""
    source = input_file(case)
    text = source.read_text(encoding="utf-8")
    return parse_document(text, f"{case.name}/{source.name}")


def regenerate(cases: list[Path] | None = None) -> list[Path]:
    """Rewrite expected.json for ``cases`` (default: all); returns the files written."""
    written = []
    for case in cases or case_dirs():
        target = case / "expected.json"
        target.write_text(render(parse_case(case)), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    wanted = {name.rstrip("/").split("/")[-1] for name in sys.argv[1:]}
    chosen = [case for case in case_dirs() if not wanted or case.name in wanted]
    for path in regenerate(chosen):
        print(path)
