"""An undated article whose title is an event's headline is linked through the text index
(issue 14: without a date, every event of the title's actors was a candidate, a search that
grew with the store: 37 ms an article at 10k events, and the wrong event half the time)."""

from __future__ import annotations

from pathlib import Path

from kg.iri import event_iri
from kg.pipeline import ingest
from kg.store import open_store

_EVENTS = [
    ("2009-07-06", "Barack Obama and Dmitry Medvedev meet in Moscow to discuss arms control"),
    ("2009-07-08", "Barack Obama and Dmitry Medvedev agree on a framework for arms cuts"),
    ("2010-04-08", "Barack Obama and Dmitry Medvedev sign the New START treaty in Prague"),
    ("2010-06-24", "Barack Obama and Dmitry Medvedev eat hamburgers in Arlington"),
]


def _page(day: str, headline: str) -> str:
    """An event page in the layout of the seed pages."""
    y, m, d = day.split("-")
    return (f"### [{day}](/news/{y}/{m}/{d}/index.md)\n\n# {headline} \n\n### Source:\n\n"
            f"1. [Reuters](https://www.reuters.com/world/{y}{m}{d}.html)\n")


def _article(headline: str) -> str:
    """A plain-text article (title, dateline, paragraphs) with no date, as a wire sends one."""
    said = ("U.S. President Barack Obama said the talks with Russian President Dmitry Medvedev "
            'were "useful", according to officials in Geneva.')
    return f"{headline}\n\nMOSCOW (AFP) — {headline}.\n\n" + "\n\n".join([said] * 5) + "\n"


def test_each_undated_article_goes_to_the_event_its_title_heads(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, (day, headline) in enumerate(_EVENTS):
        (corpus / f"{day}_{i}.md").write_text(_page(day, headline), encoding="utf-8")
        (corpus / f"article_{i}.txt").write_text(_article(headline), encoding="utf-8")
    with open_store(tmp_path / "store") as store:
        report = ingest(store, [corpus])
        assert not report.failures, report.failures
        rows = store.query(
            "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#> "
            "SELECT ?title ?event WHERE { ?a dip:reports ?event ; dip:title ?title }").rows
    from datetime import date

    want = {headline: str(event_iri(date.fromisoformat(day), headline))
            for day, headline in _EVENTS}
    got: dict[str, set[str]] = {}
    for title, event in rows:
        got.setdefault(str(title), set()).add(str(event))
    assert got == {h: {iri} for h, iri in want.items()}, got
