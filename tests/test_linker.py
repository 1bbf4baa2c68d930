"""Article–event links in a real store: computed on ingest, kept current, traceable."""

from __future__ import annotations

import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from kg.cli import cli
from kg.iri import event_iri
from kg.link.find import LINK_GRAPH_BASE, link_all
from kg.pipeline import SOFTWARE_IRI, Ingester, ingest, validate_store
from kg.sources import collect_files
from kg.store import Store, open_store
from kg.vocab import DIP, PREFIXES

from .conftest import EXAMPLES

GLOBAL_RESEARCH = EXAMPLES / "001_ca0084b1917e092f.txt"  # dated 2008-04-05
AL_JAZEERA = EXAMPLES / "002_1bdb0463f316e372.txt"  # undated
KENNEBUNKPORT_PAGE = next(EXAMPLES.glob("2007-07-2_*.md"))
G8_PAGE = EXAMPLES / "000_30323f190908bd9a.txt"  # 2007-06-07, related to the Sochi talks
ID = "https://w3id.org/diplomacy-kg/id/"
GR_ARTICLE = ID + "article/putin-bush-to-debate-missile-defence-plans-aecfb167"
AJ_ARTICLE = ID + "article/putin-offers-bush-new-missile-plan-1e656a98"
SOCHI_TALKS = event_iri(date(2008, 4, 6), "President of the United States George W. Bush and "
                        "President of Russia Vladimir Putin hold their final talks in their "
                        "current positions.")
KENNEBUNKPORT_TALKS = event_iri(date(2007, 7, 2), "U.S. President George W. Bush holds talks "
                                "with the President of Russia Vladimir Putin in Kennebunkport, "
                                "Maine discussing missile defense and Iran.")

LINKS = f"""PREFIX dip: <{PREFIXES["dip"]}>
SELECT ?article ?event ?score WHERE {{
  ?link a dip:ReportLink ; dip:article ?article ; dip:event ?event ; dip:score ?score .
  ?article dip:reports ?event .
}}"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "store") as opened:
        yield opened  # type: ignore[misc]


def links(store: Store) -> dict[tuple[str, str], Decimal]:
    """(article, event) -> score, of every link in the store."""
    found: dict[tuple[str, str], Decimal] = {}
    for article, event, score in store.query(LINKS).rows:
        key = (str(article), str(event))
        assert key not in found, f"two links for {key}"
        found[key] = Decimal(str(score))
    return found


def link_graphs(store: Store) -> dict[str, set[tuple[object, ...]]]:
    return {g: set(store.graph_triples(g)) for g in store.named_graphs()
            if g.startswith(LINK_GRAPH_BASE)}


def reports(store: Store, article: str) -> set[str]:
    rows = store.query(
        f"SELECT ?e WHERE {{ <{article}> <{DIP.reports}> ?e }}"
    ).rows
    return {str(row[0]) for row in rows}


def test_the_seed_articles_report_the_talks_they_describe(examples_store: Store) -> None:
    found = links(examples_store)
    dated = found[(GR_ARTICLE, SOCHI_TALKS)]
    undated = found[(AJ_ARTICLE, KENNEBUNKPORT_TALKS)]
    assert undated < dated
    assert undated > 0 and dated <= 1
    # The undated article's best link is to the Kennebunkport talks.
    best = max((score, event) for (article, event), score in found.items()
               if article == AJ_ARTICLE)
    assert best[1] == KENNEBUNKPORT_TALKS


def test_each_link_says_why_and_where_it_comes_from(examples_store: Store) -> None:
    rows = examples_store.query(f"""PREFIX dip: <{PREFIXES["dip"]}>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?reason ?distance ?actor ?path ?version WHERE {{ GRAPH ?g {{
  ?link dip:article <{GR_ARTICLE}> ; dip:event <{SOCHI_TALKS}> ; dip:reason ?reason ;
        dip:dateDistance ?distance ; dip:sharedActor ?actor ; prov:wasDerivedFrom ?doc .
  ?g a dip:LinkGraph ; dip:linkerVersion ?version ; prov:wasDerivedFrom ?doc . }}
  GRAPH ?doc {{ ?doc dip:sourcePath ?path }} }}""").rows
    assert {str(r[0]) for r in rows} >= {
        "shared actors: George W. Bush, Vladimir Putin", "event 1 day after the article"}
    assert {int(str(r[1])) for r in rows} == {1}
    assert {str(r[2]) for r in rows} == {ID + "person/george-w-bush", ID + "person/vladimir-putin"}
    paths = {Path(str(r[3])).name for r in rows}
    assert GLOBAL_RESEARCH.name in paths  # the article's document
    assert G8_PAGE.name in paths  # a page that describes the Sochi talks
    assert {str(r[4]) for r in rows} == {"1"}
    aj = examples_store.query(f"""PREFIX dip: <{PREFIXES["dip"]}>
SELECT ?reason WHERE {{ ?link dip:article <{AJ_ARTICLE}> ;
  dip:event <{KENNEBUNKPORT_TALKS}> ; dip:reason ?reason }}""").rows
    assert {str(r[0]) for r in aj} == {
        "shared actors: George W. Bush, Iran, Vladimir Putin",
        "shared topic words: defense, missile, shield",
        "article undated: no date evidence",
    }


def test_the_stored_links_conform_to_the_shapes(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        ingest(store, [GLOBAL_RESEARCH, AL_JAZEERA, G8_PAGE, KENNEBUNKPORT_PAGE])
        assert links(store)
        report = validate_store(store)
    assert report.conforms, report.to_text()
    assert not {r.shape for r in report.results} & {
        "ReportLinkShape", "ReportLinkDomainShape", "LinkGraphShape", "LinkingShape"}


def test_a_second_ingest_recomputes_nothing_and_a_forced_one_duplicates_nothing(
    store: Store,
) -> None:
    ingest(store, [EXAMPLES])
    before = link_graphs(store)
    found = links(store)
    assert len(before) == 2 and found
    again = ingest(store, [EXAMPLES])
    assert again.links is None  # nothing was stored, so nothing to relink
    assert link_graphs(store) == before
    files, _ = collect_files([EXAMPLES])
    forced = Ingester(store, force=True)
    assert all(r.status == "stored" for r in forced.ingest(files))
    assert forced.link_report is not None and forced.link_report.articles >= 2
    assert links(store) == found
    after = link_graphs(store)
    assert after.keys() == before.keys()
    for graph, triples in after.items():  # the same but for the time they were made
        assert len(triples) == len(before[graph])


def test_links_computed_again_as_they_were_are_not_written_again(store: Store) -> None:
    """`kg link` rewrote every link graph, unchanged ones too: at 100k events that left the
    store 1.4 GB larger and its reads twice as slow until compacted. An unchanged graph now
    keeps its triples, and the time it was made; a changed one is written whole."""
    ingest(store, [EXAMPLES])
    before = link_graphs(store)
    time.sleep(1.1)  # the times are to the second: a rewrite would show
    link_all(store, software=SOFTWARE_IRI)
    assert link_graphs(store) == before
    graph = sorted(before)[0]
    reason = next(t for t in before[graph] if t[1] == DIP.reason)
    kept = [t for t in before[graph] if t != reason]
    store.replace_graphs({graph: kept})  # a link graph that is not what the linker makes
    link_all(store, software=SOFTWARE_IRI)
    after = link_graphs(store)
    assert reason in after[graph] and after[graph] != before[graph]  # rewritten, newly timed
    assert {g: ts for g, ts in after.items() if g != graph} == {
        g: ts for g, ts in before.items() if g != graph}


def test_articles_stored_first_are_linked_when_their_events_come(store: Store) -> None:
    ingest(store, [GLOBAL_RESEARCH, AL_JAZEERA])
    assert links(store) == {}
    # The Kennebunkport page describes the Kennebunkport talks and, as related events,
    # the Sochi talks: the undated article finds the one, the dated article the other.
    report = ingest(store, [KENNEBUNKPORT_PAGE])
    assert report.links is not None and report.links.articles == 2
    assert KENNEBUNKPORT_TALKS in reports(store, AJ_ARTICLE)
    assert reports(store, GR_ARTICLE) == {SOCHI_TALKS}  # not Kennebunkport: months too early


def test_a_newly_dated_article_loses_the_links_its_date_rules_out(
    store: Store, tmp_path: Path
) -> None:
    article = tmp_path / "article.md"
    body = AL_JAZEERA.read_text(encoding="utf-8").split("\n", 1)[1]
    article.write_text("## Putin offers Bush new missile plan\n\n" + body, encoding="utf-8")
    ingest(store, [article, KENNEBUNKPORT_PAGE])
    assert KENNEBUNKPORT_TALKS in reports(store, AJ_ARTICLE)
    # Dated a month before the talks, the article cannot report them: the stored link
    # would break the article's date shape, but links are derived data, left out of the
    # gate's context, so the new text is stored and its links computed anew.
    article.write_text(
        "## Putin offers Bush new missile plan\n\nAl Jazeera, June 01, 2007\n\n" + body,
        encoding="utf-8",
    )
    report = ingest(store, [article])
    assert report.count("stored") == 1, [r.message for r in report.results]
    assert reports(store, AJ_ARTICLE) == set()
    assert link_graphs(store) == {}


def test_an_article_document_replaced_by_another_takes_its_links_along(
    store: Store, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    shutil.copy(AL_JAZEERA, article)
    ingest(store, [article, KENNEBUNKPORT_PAGE])
    assert KENNEBUNKPORT_TALKS in reports(store, AJ_ARTICLE)
    article.write_text("Weather report\n\nIt rained in Oslo on Tuesday.\n", encoding="utf-8")
    ingest(store, [article])
    assert reports(store, AJ_ARTICLE) == set()
    assert link_graphs(store) == {}
    assert links(store) == {}


def test_kg_link_recomputes_every_link_and_drops_strays(store: Store, tmp_path: Path) -> None:
    ingest(store, [EXAMPLES])
    expected = links(store)
    graphs = sorted(link_graphs(store))
    store.drop_graphs(graphs[:1])
    stray = LINK_GRAPH_BASE + "stray"
    store.replace_graphs({stray: [(URIRef(stray), URIRef(str(DIP.linkerVersion)), URIRef(stray)),
                                  (URIRef(stray), URIRef(
                                      "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                   DIP.LinkGraph)]})
    url = store.url
    store.close()
    result = CliRunner().invoke(cli, ["--store", url, "link"])
    assert result.exit_code == 0, result.output
    assert "3 article-event links computed for 2 articles" in result.output
    with open_store(url) as reopened:
        assert links(reopened) == expected
        assert sorted(link_graphs(reopened)) == graphs


def test_link_all_on_an_empty_store(store: Store) -> None:
    report = link_all(store, software=SOFTWARE_IRI)
    assert (report.articles, report.links) == (0, 0)


@pytest.mark.server
def test_links_through_a_sparql_server_match_the_embedded_store(
    oxigraph_server: str, examples_store: Store
) -> None:
    remote = open_store(f"{oxigraph_server}/query")
    try:
        remote.clear()
        ingest(remote, [GLOBAL_RESEARCH, AL_JAZEERA, G8_PAGE, KENNEBUNKPORT_PAGE])
        found = links(remote)
        assert found[(GR_ARTICLE, SOCHI_TALKS)] == links(examples_store)[(GR_ARTICLE, SOCHI_TALKS)]
        assert found[(AJ_ARTICLE, KENNEBUNKPORT_TALKS)] < found[(GR_ARTICLE, SOCHI_TALKS)]
        first = link_graphs(remote)
        assert ingest(remote, [AL_JAZEERA]).links is None
        assert link_graphs(remote) == first
    finally:
        remote.close()
