"""The validation gate of kg.pipeline.Ingester: what breaks the shapes stays out."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.iri import article_iri
from kg.pipeline import Ingester, ingest
from kg.store import Store, open_store
from kg.vocab import DIP, RDF, RDFS, XSD

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EVENT_PAGE = EXAMPLES / "000_30323f190908bd9a.txt"
ARTICLE_WITHOUT_URL = EXAMPLES / "002_1bdb0463f316e372.txt"
GUARDIAN_URL = "http://www.guardian.co.uk/russia/article/0,,2098256,00.html"  # a source of 000


@pytest.fixture
def store() -> Iterator[Store]:
    with open_store("memory:") as store:
        yield store


def future_page(folder: Path, name: str = "future.txt") -> Path:
    text = EVENT_PAGE.read_text(encoding="utf-8")
    path = folder / name
    path.write_text(text.replace("2007-06-7", "2999-06-7").replace("/2007/06/7/", "/2999/06/7/"),
                    encoding="utf-8")
    return path


def stored_paths(store: Store) -> set[str]:
    rows = store.query(f"SELECT ?p WHERE {{ ?g <{DIP.sourcePath}> ?p }}").rows
    return {str(row[0]) for row in rows}


@pytest.mark.parametrize("batch_size", [1, 100])
def test_violations_keep_a_document_out_and_the_others_go_in(
    store: Store, tmp_path: Path, batch_size: int
) -> None:
    bad = future_page(tmp_path)
    files = [EVENT_PAGE, bad, ARTICLE_WITHOUT_URL]
    results = {r.path: r for r in Ingester(store, batch_size=batch_size).ingest(files)}
    assert results[str(bad)].status == "failed"
    assert results[str(bad)].triples == 0
    message = results[str(bad)].message
    assert message.startswith(f"{bad}: not stored, it breaks the shapes:\n{bad}: Violation: ")
    assert "dip:date" in message and "[EventShape]" in message
    assert results[str(EVENT_PAGE)].status == "stored"
    assert results[str(EVENT_PAGE)].warnings == ()
    article = results[str(ARTICLE_WITHOUT_URL)]
    assert article.status == "stored"
    (warning,) = article.warnings
    assert warning.startswith(f"{ARTICLE_WITHOUT_URL}: Warning: ")
    assert "dip:url" in warning
    # Recorded by name (issue 15: never the path on the ingesting machine).
    assert stored_paths(store) == {EVENT_PAGE.name, ARTICLE_WITHOUT_URL.name}
    # Nothing of it in the merge either: the batch's quads, made before the gate, are made
    # again without it (issue 14).
    future = store.query(f"ASK {{ ?event <{DIP.date}> ?day FILTER (YEAR(?day) = 2999) }}")
    assert future.boolean is False


def test_a_rejected_document_is_not_remembered_as_stored(store: Store, tmp_path: Path) -> None:
    first = future_page(tmp_path, "a.txt")
    second = future_page(tmp_path, "b.txt")  # the same text again
    statuses = [r.status for r in Ingester(store).ingest([first, second])]
    assert statuses == ["failed", "failed"]  # not "unchanged": nothing was stored
    assert stored_paths(store) == set()


def test_validation_can_be_turned_off(store: Store, tmp_path: Path) -> None:
    bad = future_page(tmp_path)
    report = ingest(store, [bad], validate=False)
    assert [r.status for r in report.results] == ["stored"]


def test_the_gate_sees_stored_facts_the_document_links_to(store: Store) -> None:
    """A stored article published days before an event page says it reports that event."""
    article = URIRef(article_iri(GUARDIAN_URL))
    store.replace_graphs({"https://w3id.org/diplomacy-kg/graph/doc/stored-article": [
        (article, RDF.type, DIP.Article),
        (article, RDFS.label, Literal("The Guardian")),
        (article, DIP.url, Literal(GUARDIAN_URL, datatype=XSD.anyURI)),
        (article, DIP.published, Literal("2007-06-01", datatype=XSD.date)),
    ]})
    (result,) = Ingester(store).ingest([EVENT_PAGE])
    assert result.status == "failed", result
    assert f"<{article}> dip:published" in result.message
    assert "reports an event dated 2007-06-07" in result.message


def test_a_folder_with_a_bad_document_stores_the_rest(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    future_page(folder)
    for path in EXAMPLES.iterdir():
        shutil.copy(path, folder)
    report = ingest(store, [folder])
    assert [r.path for r in report.failures] == [str(folder / "future.txt")]
    assert report.count("stored") == len(list(EXAMPLES.iterdir()))
