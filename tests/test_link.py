"""The link scoring of kg.link.score, on the headlines and articles of the seed data."""

from __future__ import annotations

from datetime import date

import pytest

from kg.link.score import (
    MAX_LINKS,
    THRESHOLD,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    ArticleFeatures,
    EventFeatures,
    best_links,
    date_closeness,
    describe_distance,
    name_words,
    named_in,
    normalize_word,
    score_link,
    text_words,
    topic_words,
)

ID = "https://w3id.org/diplomacy-kg/id/"
BUSH, PUTIN = ID + "person/george-w-bush", ID + "person/vladimir-putin"
IRAN, RUSSIA, USA = ID + "state/iran", ID + "state/russia", ID + "state/united-states"
KENNEBUNKPORT, SOCHI = ID + "place/kennebunkport", ID + "place/sochi"
HOWARD, RUDD = ID + "person/john-howard", ID + "person/kevin-rudd"
NAMES = {BUSH: "George W. Bush", PUTIN: "Vladimir Putin", IRAN: "Iran", RUSSIA: "Russia",
         USA: "United States", KENNEBUNKPORT: "Kennebunkport", SOCHI: "Sochi",
         HOWARD: "John Howard", RUDD: "Kevin Rudd"}

KENNEBUNKPORT_HEADLINE = (
    "U.S. President George W. Bush holds talks with the President of Russia Vladimir Putin "
    "in Kennebunkport, Maine discussing missile defense and Iran."
)
G8_HEADLINE = (
    "President of the United States George W. Bush and President of Russia Vladimir Putin "
    "meet to discuss missile defense."
)
SOCHI_HEADLINE = (
    "President of the United States George W. Bush and President of Russia Vladimir Putin "
    "hold their final talks in their current positions."
)
# From the Al Jazeera seed article (examples/002_1bdb0463f316e372.txt), which has no date.
AL_JAZEERA = (
    "Putin offers Bush new missile plan",
    "The Russian president renewed his opposition to the US missile defence plan. He said he "
    "was not convinced by US insistence that the shield, with components based in Poland and "
    "the Czech Republic, was meant to defend against \"rogue states\" like Iran. Both sides "
    "had advised against expecting breakthroughs at the end of the two-day informal summit.",
)


def event(iri: str, day: date, headline: str, actors: dict[str, str],
          places: frozenset[str] = frozenset(), topics: tuple[str, ...] = ()) -> EventFeatures:
    names = [NAMES[a] for a in actors] + [NAMES[p] for p in places] + ["Maine"]
    return EventFeatures(iri, day, actors, topic_words([headline, *topics], names=names), places)


def article(published: date | None, texts: tuple[str, ...], actors: dict[str, str],
            places: frozenset[str] = frozenset()) -> ArticleFeatures:
    """As kg.link.find reads an article: ``texts`` are its title and body."""
    return ArticleFeatures(
        ID + "article/a", published, actors, text_words(*texts), places,
        names=name_words(NAMES[a] for a, kind in actors.items() if kind != "organization"),
        title_words=text_words(texts[0]),
        headline_actors=named_in(texts[0], {a: (NAMES[a], kind) for a, kind in actors.items()}),
    )


KENNEBUNKPORT_TALKS = event(ID + "event/k", date(2007, 7, 2), KENNEBUNKPORT_HEADLINE,
                            {BUSH: "person", PUTIN: "person", IRAN: "state"},
                            frozenset({KENNEBUNKPORT}), ("missile defense shield",))
G8_MEETING = event(ID + "event/g8", date(2007, 6, 7), G8_HEADLINE,
                   {BUSH: "person", PUTIN: "person"}, topics=("33rd G8 summit",))
SOCHI_TALKS = event(ID + "event/s", date(2008, 4, 6), SOCHI_HEADLINE,
                    {BUSH: "person", PUTIN: "person"})
AL_JAZEERA_ARTICLE = article(None, AL_JAZEERA, {BUSH: "person", PUTIN: "person",
                                                 IRAN: "state", RUSSIA: "state", USA: "state"})
GLOBAL_RESEARCH_ARTICLE = article(
    date(2008, 4, 5),
    ("Putin, Bush to debate missile defence plans",
     "President George W. Bush was to arrive in the Russian Black Sea resort of Sochi on "
     "Saturday for talks with President Vladimir Putin."),
    {BUSH: "person", PUTIN: "person", RUSSIA: "state"},
    frozenset({SOCHI}),
)


@pytest.mark.parametrize(
    ("a", "b"),
    [("defence", "defense"), ("talks", "talk"), ("meeting", "meet"), ("sanctions", "sanction"),
     ("normalising", "normalizing"), ("programmes", "program"), ("agreed", "agree")],
)
def test_spellings_and_forms_of_a_word_meet(a: str, b: str) -> None:
    assert normalize_word(a) == normalize_word(b)


def test_topic_words_leave_out_names_titles_and_the_kind_of_event() -> None:
    words = KENNEBUNKPORT_TALKS.words
    # Not Maine or Iran (its place and an actor), not "President" or "holds talks". "Russia"
    # stays: it is not among the participants; an article that names it as an actor
    # leaves it out when scoring.
    assert sorted(words.values()) == ["defense", "missile", "russia", "shield"]


def test_russian_is_a_name_word_when_russia_is_an_actor() -> None:
    words = topic_words(["The Russian president renewed his opposition"], names=["Russia"])
    assert sorted(words.values()) == ["opposition", "renewed"]


def test_the_global_research_article_reports_the_sochi_talks_the_next_day() -> None:
    link = score_link(GLOBAL_RESEARCH_ARTICLE, SOCHI_TALKS)
    assert link is not None
    assert link.shared_actors == (BUSH, PUTIN)
    assert link.date_distance == 1
    assert link.score >= THRESHOLD
    assert link.reasons(NAMES) == [
        "shared actors: George W. Bush, Vladimir Putin",
        "event 1 day after the article",
    ]


def test_the_undated_al_jazeera_article_reports_the_kennebunkport_talks_best() -> None:
    links = best_links(AL_JAZEERA_ARTICLE, [G8_MEETING, KENNEBUNKPORT_TALKS, SOCHI_TALKS])
    assert links[0].event == KENNEBUNKPORT_TALKS.iri
    best = links[0]
    assert best.shared_actors == (BUSH, PUTIN, IRAN)
    assert best.shared_words == ("defense", "missile", "shield")
    assert best.date_distance is None
    assert "article undated: no date evidence" in best.reasons(NAMES)
    # ... and lower than the dated article's link to the Sochi talks.
    dated = score_link(GLOBAL_RESEARCH_ARTICLE, SOCHI_TALKS)
    assert dated is not None and best.score < dated.score


def test_an_undated_article_scores_lower_than_the_same_article_dated() -> None:
    dated = ArticleFeatures(AL_JAZEERA_ARTICLE.iri, date(2007, 7, 2), AL_JAZEERA_ARTICLE.actors,
                            AL_JAZEERA_ARTICLE.words, names=AL_JAZEERA_ARTICLE.names)
    undated_link = score_link(AL_JAZEERA_ARTICLE, KENNEBUNKPORT_TALKS)
    dated_link = score_link(dated, KENNEBUNKPORT_TALKS)
    assert undated_link is not None and dated_link is not None
    assert undated_link.score < dated_link.score
    assert undated_link.score <= 0.7  # no date evidence at all


def test_no_link_without_a_shared_actor() -> None:
    other = article(date(2008, 4, 5), ("missile defense",), {IRAN: "state"})
    assert score_link(other, SOCHI_TALKS) is None


@pytest.mark.parametrize(
    ("published", "linked"),
    [
        (date(2008, 4, 6), True),  # the same day
        (date(2008, 4, 5), True),  # the event the day after: within the slack
        (date(2008, 4, 4), False),  # two days before the event: it had not happened
        (date(2008, 4, 20), True),  # two weeks after
        (date(2008, 4, 21), False),  # more than two weeks after
    ],
)
def test_the_date_window(published: date, linked: bool) -> None:
    a = article(published, ("final talks",), {BUSH: "person", PUTIN: "person"})
    assert (score_link(a, SOCHI_TALKS) is not None) is linked


def test_date_closeness_falls_from_one_to_nothing() -> None:
    assert date_closeness(None) == 0.0
    assert date_closeness(0) == date_closeness(1) == date_closeness(-1) == 1.0
    assert 0 < date_closeness(-WINDOW_BEFORE) < date_closeness(-7) < 1.0
    assert date_closeness(WINDOW_AFTER + 1) == 0.0


def test_date_distances_in_words() -> None:
    assert describe_distance(None) == "article undated: no date evidence"
    assert describe_distance(0) == "event on the article's date"
    assert describe_distance(-3) == "event 3 days before the article"


def test_a_shared_place_adds_evidence() -> None:
    without = score_link(article(None, AL_JAZEERA, {BUSH: "person", PUTIN: "person"}),
                         KENNEBUNKPORT_TALKS)
    with_place = score_link(article(None, AL_JAZEERA, {BUSH: "person", PUTIN: "person"},
                                    frozenset({KENNEBUNKPORT})), KENNEBUNKPORT_TALKS)
    assert without is not None and with_place is not None
    assert with_place.shared_places == (KENNEBUNKPORT,)
    assert with_place.score > without.score


def test_best_links_keep_a_few_above_the_threshold_best_first() -> None:
    events = [event(ID + f"event/{n}", date(2007, 7, 2), KENNEBUNKPORT_HEADLINE,
                    {BUSH: "person", PUTIN: "person"}) for n in range(MAX_LINKS + 2)]
    links = best_links(AL_JAZEERA_ARTICLE, [*events, SOCHI_TALKS])
    assert len(links) == MAX_LINKS
    assert all(link.score >= THRESHOLD for link in links)
    assert [link.score for link in links] == sorted((link.score for link in links), reverse=True)
    assert SOCHI_TALKS.iri not in {link.event for link in links}  # undated and no topic word


def test_the_title_names_what_the_article_is_about() -> None:
    assert AL_JAZEERA_ARTICLE.headline_actors == {BUSH, PUTIN}
    assert named_in("Prime Minister of the United Kingdom David Cameron", {
        ID + "state/united-kingdom": ("United Kingdom", "state"),
        ID + "organization/united-nations": ("United Nations", "organization"),
        ID + "person/david-cameron": ("David Cameron", "person"),
    }) == {ID + "state/united-kingdom", ID + "person/david-cameron"}


def test_an_event_of_the_actors_the_title_names_beats_one_of_actors_the_body_names() -> None:
    title_pair = {BUSH: "person", PUTIN: "person"}
    body_pair = {HOWARD: "person", RUDD: "person"}
    a = article(date(2007, 9, 7), ("Bush and Putin sign a uranium deal",
                                   "Bush and Putin met. John Howard and Kevin Rudd watched."),
                {**title_pair, **body_pair})
    ours = score_link(a, event(ID + "event/1", date(2007, 9, 7), "Putin and Bush sign a deal.",
                               title_pair))
    theirs = score_link(a, event(ID + "event/2", date(2007, 9, 7), "Howard and Rudd sign a deal.",
                                 body_pair))
    assert ours is not None and theirs is not None and ours.score > theirs.score


def test_find_links_gives_the_links_link_all_wrote(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """find_links (the links without writing them) had a local name shadowing the candidate
    search: every call raised NameError."""
    from kg.link.find import find_links
    from kg.pipeline import ingest as ingest_paths
    from kg.store import open_store
    from tests.conftest import EXAMPLES

    with open_store(tmp_path / "store") as store:
        ingest_paths(store, [EXAMPLES])
        stored = {(str(a), str(e)) for a, e in store.query(
            "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#> "
            "SELECT ?a ?e WHERE { GRAPH ?g { ?a dip:reports ?e } }").rows}
        assert stored
        found = find_links(store, sorted({a for a, _ in stored}))
        assert {(a, link.event) for a, links in found.items() for link in links} == stored
