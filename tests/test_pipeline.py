"""Ingest as a whole: idempotence, replacement without stale triples, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.pipeline import ingest
from kg.sources import UPLOAD_URN, Source, upload_name, upload_source
from kg.store import Store, open_store

from .conftest import DATA, EXAMPLES, SEEDS

SEED_PAGE = EXAMPLES / "000_30323f190908bd9a.txt"
KENNEBUNKPORT = next(EXAMPLES.glob("2007-07-2_*.md"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "store") as opened:
        yield opened  # type: ignore[misc]


def graph_count(store: Store) -> int:
    return len([g for g in store.named_graphs() if "/graph/doc/" in g])


def test_a_second_ingest_adds_nothing(store: Store) -> None:
    first = ingest(store, [EXAMPLES])
    quads = store.quad_count()
    second = ingest(store, [EXAMPLES])
    assert first.count("stored") > 0
    assert second.count("stored") == 0
    assert second.count("unchanged") == first.count("stored") + first.count("unchanged")
    assert second.triples_added == 0
    assert store.quad_count() == quads


def test_the_same_text_in_two_places_is_one_document(store: Store, tmp_path: Path) -> None:
    copy = tmp_path / "copy" / SEED_PAGE.name
    copy.parent.mkdir()
    shutil.copy(SEED_PAGE, copy)
    ingest(store, [SEED_PAGE])
    triples = store.triple_count()
    report = ingest(store, [copy])
    assert report.count("unchanged") == 1
    assert graph_count(store) == 1
    assert store.triple_count() == triples


def test_an_edited_file_replaces_its_graph_without_stale_triples(
    store: Store, tmp_path: Path
) -> None:
    page = tmp_path / "page.md"
    page.write_text(KENNEBUNKPORT.read_text(encoding="utf-8"), encoding="utf-8")
    ingest(store, [page])
    ask = (
        "ASK { ?a <https://w3id.org/diplomacy-kg/ontology#url> ?u "
        'FILTER CONTAINS(STR(?u), "nytimes") }'
    )
    assert store.query(ask).boolean
    edited = page.read_text(encoding="utf-8").replace(
        "http://www.nytimes.com/aponline/us/AP-Bush-Putin.html", "http://example.org/moved.html"
    )
    edited = edited.replace(
        "1. [AP via NYT](http://www.nytimes.com", "1. [AP via NYT](http://example.org"
    )
    page.write_text(edited, encoding="utf-8")
    report = ingest(store, [page])
    assert report.count("stored") == 1
    assert graph_count(store) == 1
    assert not store.query(ask).boolean


def test_a_changed_headline_drops_the_old_event(store: Store, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    text = KENNEBUNKPORT.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    ingest(store, [page])
    page.write_text(text.replace("holds talks with", "meets"), encoding="utf-8")
    ingest(store, [page])
    count = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?e <https://w3id.org/diplomacy-kg/ontology#date> "
        '"2007-07-02"^^<http://www.w3.org/2001/XMLSchema#date> }'
    ).rows[0][0]
    assert int(str(count)) == 1
    assert graph_count(store) == 1


def test_bad_files_are_reported_and_the_good_ones_stored(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("   \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(
        "Title\n\nPutin met Bush in Sochi\n\xe9t\xe9".encode("latin-1")
    )
    no_date = tmp_path / "no-date.md"
    no_date.write_text(
        "# A headline without a date\n\n### Source:\n\n1. [CNN](http://cnn.com/x)\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.md"
    shutil.copy(KENNEBUNKPORT, good)
    report = ingest(
        store,
        [tmp_path / "empty.md", tmp_path / "latin1.txt", no_date, tmp_path / "missing.md", good],
    )
    messages = {Path(r.path).name: r.message for r in report.failures}
    assert set(messages) == {"empty.md", "latin1.txt", "no-date.md", "missing.md"}
    assert "empty file" in messages["empty.md"]
    assert "latin1.txt:4" in messages["latin1.txt"] and "UTF-8" in messages["latin1.txt"]
    assert "no-date.md" in messages["no-date.md"] and "date" in messages["no-date.md"]
    assert "no such file" in messages["missing.md"]
    assert report.count("stored") == 1
    assert graph_count(store) == 1


def test_a_folder_walk_passes_over_files_that_are_not_documents(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "README.md").write_text("# Notes\n\nThese are my pages.\n", encoding="utf-8")
    (folder / "codes.txt").write_text("01\tSTATEMENT\n02\tAPPEAL\n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    (folder / ".hidden.md").write_text("ignored", encoding="utf-8")
    shutil.copy(KENNEBUNKPORT, folder / "page.md")
    report = ingest(store, [folder])
    assert report.count("skipped") == 3
    assert report.count("stored") == 1
    assert not report.failures


def test_every_development_page_ingests_and_a_second_ingest_adds_nothing(store: Store) -> None:
    paths = [*SEEDS, DATA / "thecontext", DATA / "devcorpus", DATA / "wikitimes"]
    first = ingest(store, paths)
    assert not first.failures, [f.message for f in first.failures]
    assert first.count("stored") >= 44  # 3 seeds, 3 + 37 thecontext pages, 1 WikiTimes month
    second = ingest(store, paths)
    assert second.count("stored") == 0
    assert second.triples_added == 0


PROVENANCE = (
    "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    "SELECT ?path ?from ?used WHERE { GRAPH ?g { ?g dip:sourcePath ?path ;"
    " prov:wasDerivedFrom ?from ; prov:wasGeneratedBy ?a . ?a prov:used ?used } }"
)


def provenance(store: Store) -> set[tuple[str, str, str]]:
    return {(str(p), str(f), str(u)) for p, f, u in store.query(PROVENANCE).rows}


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("page.md", "page.md"),
        ("../../etc/page.md", "page.md"),
        ("C:\\Users\\me\\page.md", "page.md"),
        ("pa\x00ge\x1b[0m\u202e.md", "page[0m.md"),
        ("  Sommet à Genève.md ", "Sommet à Genève.md"),
        ("", "document.txt"),
        ("dir/..", "document.txt"),
        ("\x07", "document.txt"),
    ],
)
def test_an_upload_name_has_no_directory_part_and_no_control_characters(
    raw: str, shown: str
) -> None:
    assert upload_name(raw) == shown


def test_an_upload_is_recorded_by_its_name_and_passes_the_shapes(store: Store) -> None:
    source = upload_source("/srv/kg/Sommet à Genève.md", KENNEBUNKPORT.read_bytes())
    assert source.name == "Sommet à Genève.md"
    report = ingest(store, [source])
    assert [(r.path, r.status) for r in report.results] == [("Sommet à Genève.md", "stored")]
    location = UPLOAD_URN + "Sommet%20%C3%A0%20Gen%C3%A8ve.md"
    assert provenance(store) == {("Sommet à Genève.md", location, location)}


def test_a_file_is_recorded_by_its_name_and_its_text_uploaded_again_is_unchanged(
    store: Store,
) -> None:
    ingest(store, [SEED_PAGE])
    # Issue 15: by its name (relative to the folder ingested), never its place on this machine.
    named = f"{SEED_PAGE.parent.name}/{SEED_PAGE.name}"
    location = "urn:diplomacy-kg:file:" + named
    recorded = {(named, location, location)}
    assert provenance(store) == recorded
    report = ingest(store, [upload_source("seed.txt", SEED_PAGE.read_bytes())])
    assert [r.status for r in report.results] == ["unchanged"]
    assert report.triples_added == 0
    assert provenance(store) == recorded


def test_an_edited_upload_replaces_the_graph_its_name_gave(store: Store) -> None:
    text = KENNEBUNKPORT.read_bytes()
    ingest(store, [upload_source("page.md", text)])
    edited = text.replace(b"holds talks with", b"meets")
    report = ingest(store, [upload_source("page.md", edited)])
    assert report.count("stored") == 1
    assert graph_count(store) == 1


def test_sources_in_memory_report_bad_input_by_name(store: Store) -> None:
    sources = [
        Source("latin1.txt", "Title\n\n\xe9t\xe9".encode("latin-1"), "urn:test:latin1"),
        Source("empty.md", b" \n", "urn:test:empty"),
        Source("skipped.png", b"\x89PNG\r\n\x1a\n\xff", "urn:test:png", named=False),
    ]
    report = ingest(store, sources)
    assert [(r.path, r.status) for r in report.results] == [
        ("latin1.txt", "failed"),
        ("empty.md", "failed"),
        ("skipped.png", "skipped"),
    ]
    assert report.results[0].message.startswith("latin1.txt:3: not UTF-8 text")
    assert graph_count(store) == 0
