"""Every page of the development data parses without error.

The pages are the seeds (among the examples) and copies kept in
``tests/data/{thecontext,devcorpus,wikitimes}``, so these cases run from a clean checkout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.parse import parse_document

from ..conftest import DATA, SEEDS

FOLDERS = ("thecontext", "devcorpus", "wikitimes")
NOT_PAGES = frozenset({"README.md", "MANIFEST.json"})


def _pages(folder: Path) -> list[Path]:
    return [path for path in sorted(folder.iterdir())
            if path.is_file() and path.name not in NOT_PAGES and not path.name.startswith(".")]


CORPUS = {"seeds": list(SEEDS), **{folder: _pages(DATA / folder) for folder in FOLDERS}}
FILES = [path for paths in CORPUS.values() for path in paths]


def test_the_corpus_is_all_there() -> None:
    """A folder lost or emptied fails here rather than shrinking the cases below unseen."""
    counts = {folder: len(paths) for folder, paths in CORPUS.items()}
    assert counts == {"seeds": 3, "thecontext": 3, "devcorpus": 37, "wikitimes": 1}
    assert all(path.is_file() for path in SEEDS)


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
    manifest = DATA / "devcorpus" / "MANIFEST.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    assert len(entries) == 37
    for entry in entries:
        path = manifest.parent / entry["file"]
        document = parse_document(path.read_text(encoding="utf-8"), str(path))
        expected = "day-index" if entry["kind"] == "day-index" else "event-page"
        assert document.format == expected, entry["file"]
