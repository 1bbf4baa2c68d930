"""Every page of the shared development data parses without error.

This is the one parse test that reads outside the repository: ``../shared`` next to
the repository root (the seeds and ``data/{thecontext,devcorpus,wikitimes}``). It is
skipped where that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.parse import parse_document

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = (REPO_ROOT / ".." / "shared").resolve()
FOLDERS = ("seeds", "data/thecontext", "data/devcorpus", "data/wikitimes")
NOT_PAGES = frozenset({"README.md", "MANIFEST.json"})


def _corpus_files() -> list[Path]:
    files: list[Path] = []
    for folder in FOLDERS:
        directory = SHARED / folder
        if directory.is_dir():
            files.extend(
                path
                for path in sorted(directory.iterdir())
                if path.is_file() and path.name not in NOT_PAGES and not path.name.startswith(".")
            )
    return files


FILES = _corpus_files()
pytestmark = pytest.mark.skipif(not FILES, reason=f"shared data folder {SHARED} is absent")


@pytest.mark.parametrize("path", FILES, ids=lambda path: f"{path.parent.name}/{path.name[:60]}")
def test_corpus_file_parses(path: Path) -> None:
    document = parse_document(path.read_text(encoding="utf-8"), str(path))
    assert document.events or document.articles
    for event in document.events:
        assert event.headline.strip() == event.headline and event.headline
        assert "&quot;" not in event.headline and "''" not in event.headline
        assert all(source.label.lower() != "cover image" for source in event.sources)
    for article in document.articles:
        assert article.title and article.body


def test_corpus_formats() -> None:
    formats = {parse_document(p.read_text(encoding="utf-8"), str(p)).format for p in FILES}
    assert formats == {"event-page", "day-index", "article", "wikitimes"}


def test_devcorpus_kinds_match_detection() -> None:
    import json

    manifest = SHARED / "data" / "devcorpus" / "MANIFEST.json"
    if not manifest.is_file():
        pytest.skip("no devcorpus manifest")
    for entry in json.loads(manifest.read_text(encoding="utf-8")):
        path = manifest.parent / entry["file"]
        document = parse_document(path.read_text(encoding="utf-8"), str(path))
        expected = "day-index" if entry["kind"] == "day-index" else "event-page"
        assert document.format == expected, entry["file"]
