"""Same-event links: the scoring rules (pure) and the graphs in a real store, kept current."""

from __future__ import annotations

import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.iri import SAME_EVENT_GRAPH_BASE, same_event_graph_iri
from kg.link.same_event import (
    COMMON_WORD,
    THRESHOLD,
    EventCard,
    candidate_pairs,
    event_card,
    same_events,
    score_pair,
)
from kg.link.same_event_store import find_same_events, link_same_events_all
from kg.pipeline import SOFTWARE_IRI, ingest, validate_store
from kg.store import Store, open_store
from kg.vocab import DIP
from tests.conftest import DATA

SAME_EVENT = DATA / "same-event"
DAY = date(2015, 9, 2)
SENATE = ("President Barack Obama has sufficient support in the United States Senate to uphold "
          "a veto of the proposed congressional vote of disapproval of the nuclear deal with Iran.")
OBAMA = "https://w3id.org/diplomacy-kg/id/person/barack-obama"


def card(iri: str, headline: str, day: date = DAY, **facts: list[str]) -> EventCard:
    return event_card(f"urn:x:{iri}", day, [headline], **facts)


def test_a_story_heading_before_the_same_words_is_the_same_event() -> None:
    link = score_pair(card("a", "Upcoming congressional votes " + SENATE), card("b", SENATE))
    assert link is not None and link.score >= THRESHOLD
    assert link.word_share == 1.0 and link.days_apart == 0
    assert link.reasons()[-1] == "same date"


def test_shared_participants_and_sources_add_to_the_score() -> None:
    bare = score_pair(card("a", "Upcoming votes " + SENATE), card("b", SENATE))
    full = score_pair(card("a", "Upcoming votes " + SENATE, actors=[OBAMA], sources=["urn:x:s"]),
                      card("b", SENATE, actors=[OBAMA], sources=["urn:x:s"]))
    assert bare is not None and full is not None and full.score > bare.score
    assert full.shared_actors == (OBAMA,) and full.shared_sources == ("urn:x:s",)
    assert "reported by the same article (1)" in full.reasons()


@pytest.mark.parametrize(("second", "why"), [
    (card("b", SENATE, day=DAY + timedelta(days=2)), "two days apart"),
    (card("b", SENATE, documents=["urn:x:doc"]), "one document names both"),
    (card("b", SENATE, related=["urn:x:a"]), "a source relates them"),
    (card("b", "Obama meets Putin in Beijing."), "fewer than three words in common"),
])
def test_what_rules_a_link_out(second: EventCard, why: str) -> None:
    first = card("a", SENATE, documents=["urn:x:doc"])
    assert score_pair(first, second) is None, why


def test_numbers_that_disagree_make_two_events() -> None:
    talks = "Iran and six world powers open a new round of nuclear talks in Vienna, round {}."
    assert score_pair(card("a", talks.format(12)), card("b", talks.format(13))) is None
    linked = score_pair(card("a", talks.format(12)), card("b", "Talks: " + talks.format(12)))
    assert linked is not None and linked.score >= THRESHOLD


def test_a_day_apart_scores_less_than_the_same_day() -> None:
    same = score_pair(card("a", "Upcoming votes " + SENATE), card("b", SENATE))
    later = score_pair(card("a", "Upcoming votes " + SENATE),
                       card("b", SENATE, day=DAY + timedelta(days=1)))
    assert same is not None and later is not None and later.score < same.score
    assert later.reasons()[-1] == "dates 1 day apart" and later.day == DAY


def test_candidates_are_pairs_that_share_a_rare_word_never_every_pair_of_a_day() -> None:
    # A busy day: many events that share only their common words, and one true pair.
    crowd = [card(f"c{i}", f"Iran nuclear deal news number {i} from Tehran") for i in
             range(COMMON_WORD + 10)]
    pair = [card("a", "Upcoming votes " + SENATE), card("b", SENATE)]
    found = list(candidate_pairs(crowd + pair))
    assert len(found) < len(crowd) * (len(crowd) - 1) // 2
    assert {(a.iri, b.iri) for a, b in found} >= {("urn:x:a", "urn:x:b")}
    assert [(x.first, x.second) for x in same_events(crowd + pair)] == [("urn:x:a", "urn:x:b")]


def test_the_pairs_of_a_day_do_not_depend_on_the_days_asked_for() -> None:
    days = [card(f"d{i}-{j}", f"Story {j} headline words alpha{j} beta{j} gamma{j}",
                 day=DAY + timedelta(days=i)) for i in range(4) for j in range(3)]
    whole = {(a.iri, b.iri) for a, b in candidate_pairs(days)}
    part = {(a.iri, b.iri) for a, b in candidate_pairs([c for c in days if c.day <= DAY
                                                         + timedelta(days=2)])}
    assert {p for p in whole if p[0].startswith(("urn:x:d0", "urn:x:d1"))} == {
        p for p in part if p[0].startswith(("urn:x:d0", "urn:x:d1"))}


# -- in a real store ----------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "store")


def same_event_links(store: Store) -> set[tuple[str, str]]:
    rows = store.query(
        "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
        "SELECT ?a ?b WHERE { ?a dip:sameEventAs ?b FILTER (STR(?a) < STR(?b)) }").rows
    return {(str(a), str(b)) for a, b in rows}


def same_event_graphs(store: Store) -> list[str]:
    return [g for g in store.named_graphs() if g.startswith(SAME_EVENT_GRAPH_BASE)]


def test_the_links_are_a_graph_per_day_that_conforms_to_the_shapes(store: Store) -> None:
    ingest(store, [SAME_EVENT])
    assert len(same_event_links(store)) == 1
    assert same_event_graphs(store) == [same_event_graph_iri(date(2015, 9, 17))]
    report = validate_store(store)
    assert report.conforms, report.to_text()
    assert not {r.shape for r in report.results} & {
        "SameEventLinkShape", "SameEventLinkDomainShape", "SameEventShape", "ScoredLinkShape",
        "LinkGraphShape", "LinkingShape"}
    graph = store.graph_triples(same_event_graph_iri(date(2015, 9, 17)))
    derived = {o for s, p, o in graph if p == URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")}
    assert len(derived) == 4  # the four documents that describe the two nodes


def test_relinking_every_day_finds_the_links_ingest_kept(store: Store) -> None:
    ingest(store, [SAME_EVENT])
    kept, graphs = same_event_links(store), same_event_graphs(store)
    stray = SAME_EVENT_GRAPH_BASE + "1999-01-01"
    store.replace_graphs({stray: [(URIRef("urn:x:g"), DIP.linkerVersion, URIRef("urn:x:v"))]})
    day = same_event_graph_iri(date(2015, 9, 17))
    written = set(store.graph_triples(day))
    time.sleep(1.1)  # the times are to the second: a rewrite would show
    report = link_same_events_all(store, software=SOFTWARE_IRI)
    assert report.links == 1 and report.days == 3  # 2014-12-17 (a Related entry), 09-17, 09-18
    assert same_event_links(store) == kept and same_event_graphs(store) == graphs
    assert set(store.graph_triples(day)) == written  # unchanged: not written again
    assert [(x.first, x.second) for x in find_same_events(store, [date(2015, 9, 17)])] == sorted(
        kept)


def test_an_edited_document_takes_its_links_along(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(SAME_EVENT, folder)
    ingest(store, [folder])
    assert same_event_links(store)
    story = folder / "wikitimes_2015-09-17_story.json"
    text = story.read_text(encoding="utf-8")
    # The record is now dated a week later: the link goes, and so does the day's graph.
    story.write_text(text.replace('"2015-09-17"', '"2015-09-24"', 1), encoding="utf-8")
    ingest(store, [folder])
    assert same_event_links(store) == set() and same_event_graphs(store) == []
    story.write_text(text, encoding="utf-8")
    ingest(store, [folder])
    assert len(same_event_links(store)) == 1


def test_a_second_ingest_changes_no_link(store: Store) -> None:
    ingest(store, [SAME_EVENT])
    before = [sorted(map(str, t)) for g in same_event_graphs(store) for t in
              store.graph_triples(g)]
    again = ingest(store, [SAME_EVENT])
    assert again.count("stored") == 0
    after = [sorted(map(str, t)) for g in same_event_graphs(store) for t in
             store.graph_triples(g)]
    assert after == before


@pytest.mark.server
def test_links_through_a_sparql_server_match_the_embedded_store(
    oxigraph_server: str, store: Store
) -> None:
    ingest(store, [SAME_EVENT])
    remote = open_store(f"{oxigraph_server}/query")
    try:
        remote.clear()
        ingest(remote, [SAME_EVENT])
        assert same_event_links(remote) == same_event_links(store)
    finally:
        remote.close()
