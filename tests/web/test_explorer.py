"""The explorer (/explore): its named queries on the examples, and its pages over HTTP."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.pipeline import ingest
from kg.queries import bind_params, load_queries
from kg.store import OxigraphStore, Store, open_store
from kg.store.bindings import _with_values
from kg.vocab import DIP
from kg.web.explorer import headline_segments
from kg.web.state import close_app
from tests.conftest import DATA
from tests.web.conftest import copy_store, make_app

QUERIES = load_queries()
ID = "https://w3id.org/diplomacy-kg/id/"
PUTIN = ID + "person/vladimir-putin"
BUSH = ID + "person/george-w-bush"
RUSSIA = ID + "state/russia"
MEETING = ID + ("event/2007-06-07/president-of-the-united-states-george-w-bush-and-president"
                "-4770f9d9")
HEADLINE = ("President of the United States George W. Bush and President of Russia Vladimir "
            "Putin meet to discuss missile defense.")
#: The named queries the explorer's pages run, with the parameters a page gives them.
EXPLORER_QUERIES = {
    "actor_card": {"actor": PUTIN},
    "actor_posts": {"actor": PUTIN},
    "actor_timeline": {"actor": PUTIN},
    "actor_network": {"actor": PUTIN},
    "events_with_actor": {"actor": PUTIN},
    "busiest_actors": {},
    "event_card": {"event": MEETING},
    "evidence": {"record": MEETING},
    "event_participants": {"event": MEETING},
    "event_posts": {"event": MEETING},
    "event_articles": {"event": MEETING},
    "event_documents": {"event": MEETING},
    "related_events": {"event": MEETING},
    "event_network": {"event": MEETING},
}


def run(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    """A named query's rows on a store, each a variable's value by name."""
    query = QUERIES[name]
    result = store.query(query.text, bindings=bind_params(query, params, store=store))
    return [{var: str(value) for var, value in zip(result.variables, row, strict=True)
             if value is not None} for row in result.rows]


# -- the queries --------------------------------------------------------------------------------

def test_the_timeline_counts_the_events_the_actor_page_lists(examples_store: Store) -> None:
    months = run(examples_store, "actor_timeline", actor=PUTIN)
    events = run(examples_store, "events_with_actor", actor=PUTIN)
    assert [m["month"] for m in months] == sorted({e["date"][:7] for e in events})
    assert sum(int(m["events"]) for m in months) == len(events) == 6
    assert {"month": "2007-06", "events": "1"} in months


def test_the_network_weighs_each_pair_by_the_events_it_shares(examples_store: Store) -> None:
    edges = {(e["source"], e["target"]): int(e["events"])
             for e in run(examples_store, "actor_network", actor=PUTIN)}
    two = run(examples_store, "events_with_two_actors", actor1=BUSH, actor2=PUTIN)
    assert edges[(BUSH, PUTIN)] == len(two) == 4
    assert edges[(PUTIN, RUSSIA)] == 2
    assert all(source < target for source, target in edges)  # each pair once
    # Every pair lies within Putin's events: none weighs more than he has.
    assert max(edges.values()) <= 6


def test_an_actor_is_asked_by_name_as_by_iri(examples_store: Store) -> None:
    for name in ("actor_card", "actor_timeline", "actor_network", "actor_posts"):
        assert run(examples_store, name, actor="vladimir PUTIN") == run(examples_store, name,
                                                                         actor=PUTIN)


def test_the_card_gives_the_kind_and_wikidata_item(examples_store: Store) -> None:
    [card] = run(examples_store, "actor_card", actor=PUTIN)
    assert card["name"] == "Vladimir Putin" and card["kind"] == "person"
    assert card["wikidata"] == "http://www.wikidata.org/entity/Q7747"
    assert run(examples_store, "actor_card", actor=MEETING) == []  # an event is no actor


def test_posts_go_both_ways(examples_store: Store) -> None:
    held = run(examples_store, "actor_posts", actor=PUTIN)
    assert [(p["postName"], p["ofName"]) for p in held] == [("President of Russia", "Russia")]
    of_russia = {p["postName"]: p.get("holderName") for p in run(examples_store, "actor_posts",
                                                                 actor=RUSSIA)}
    assert of_russia["President of Russia"] == "Vladimir Putin"


def test_participants_and_the_posts_the_event_names_them_by(examples_store: Store) -> None:
    roles = {r["name"]: r["role"] for r in run(examples_store, "event_participants",
                                                event=MEETING)}
    assert roles == {"George W. Bush": "participant", "Vladimir Putin": "participant",
                     "Russia": "through a post", "United States": "through a post"}
    posts = {(r["postName"], r["words"], r.get("holder"))
             for r in run(examples_store, "event_posts", event=MEETING)}
    assert ("President of Russia", "President of Russia", PUTIN) in posts
    assert ("President of the United States", "President of the United States", BUSH) in posts


def test_the_event_page_gives_each_participant_the_post_it_held(client: FlaskClient) -> None:
    html = client.get("/explore/event", query_string={"iri": MEETING}).get_data(as_text=True)
    table = html.split('<section id="participants">', 1)[1].split("</table>", 1)[0]
    rows = {row.split("</a>", 1)[0].rsplit(">", 1)[-1]: row for row in table.split("<tr>")[2:]}
    assert ">President of Russia</a>" in rows["Vladimir Putin"]
    assert ">President of the United States</a>" in rows["George W. Bush"]
    assert "President" not in rows["Russia"]


def test_articles_are_those_cited_and_those_the_linker_found(examples_store: Store) -> None:
    rows = run(examples_store, "event_articles", event=MEETING)
    how = {r["title"]: r["how"] for r in rows}
    assert how["Spiegel"] == "cited by the source"
    linked = next(r for r in rows if r["how"] == "found by the linker")
    assert linked["title"] == "Putin offers Bush new missile plan"
    assert float(linked["score"]) > 0 and "shared actors" in linked["reasons"]


def test_documents_are_named_by_their_path_never_an_absolute_one(examples_store: Store) -> None:
    paths = {r["path"] for r in run(examples_store, "event_documents", event=MEETING)}
    assert len(paths) == 4 and any(p.endswith("2007-06-7_index.md") for p in paths)
    assert not any(p.startswith("/") for p in paths)


def test_the_event_picture_holds_participants_posts_type_and_related(
        examples_store: Store) -> None:
    rows = run(examples_store, "event_network", event=MEETING)
    by_relation: dict[str, set[str]] = {}
    for row in rows:
        by_relation.setdefault(row["relation"], set()).add(row["name"])
    assert by_relation["participant"] == {"George W. Bush", "Vladimir Putin"}
    assert by_relation["involved"] == {"Russia", "United States"}
    assert by_relation["post"] == {"President of Russia", "President of the United States"}
    assert by_relation["type"] == {"Consult, not specified below"}
    assert len(by_relation["related"]) == 5


@pytest.fixture(scope="module")
def same_event_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store of two sources that write down the same events (tests/data/same-event)."""
    store = open_store(tmp_path_factory.mktemp("same-event") / "store")
    report = ingest(store, [DATA / "same-event"])
    assert not report.failures, report.failures
    yield store
    store.close()


def test_same_events_are_listed_both_ways_with_their_score(same_event_store: Store) -> None:
    pairs = same_event_store.query(
        "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#> "
        "SELECT ?a ?b WHERE { ?a dip:sameEventAs ?b }").rows
    assert pairs
    first, second = (str(term) for term in pairs[0])
    for one, other in ((first, second), (second, first)):
        rows = [r for r in run(same_event_store, "event_network", event=one)
                if r["relation"] == "same event"]
        assert other in {r["node"] for r in rows}
        assert all(float(r["score"]) > 0 and r["date"] for r in rows)


@pytest.mark.parametrize("name", sorted(EXPLORER_QUERIES))
def test_the_sparql_shown_for_a_picture_gives_its_rows(name: str, examples_store: Store) -> None:
    """The query page opens a query's text with its values written in as a VALUES block:
    run as text, it answers what the bound query answers."""
    query = QUERIES[name]
    params = EXPLORER_QUERIES[name]
    bindings = bind_params(query, params, store=examples_store)
    bound = examples_store.query(query.text, bindings=bindings).rows
    text = _with_values(query.text, bindings) if bindings else query.text
    assert examples_store.query(text).rows == bound
    assert bound, f"{name} gives no rows for {params}"


def test_the_event_page_lists_the_other_reports_of_it(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = open_store(folder)
    try:
        assert not ingest(store, [DATA / "same-event"]).failures
        first, second = (str(term) for term in store.query(
            "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#> "
            "SELECT ?a ?b WHERE { ?a dip:sameEventAs ?b } LIMIT 1").rows[0])
    finally:
        store.close()
    application = make_app(folder)
    try:
        html = application.test_client().get(
            "/explore/event", query_string={"iri": first}).get_data(as_text=True)
    finally:
        close_app(application)
    same = html.split('<section id="same">', 1)[1].split("</section>", 1)[0]
    assert f'href="/explore/event?iri={second}"' in same
    assert "(score 0." in same or "(score 1" in same


# -- the headline's evidence --------------------------------------------------------------------

def _evidence(words: str, begin: int, end: int, target: str) -> dict[str, str]:
    return {"text": str(DIP.headline), "words": words, "begin": str(begin), "end": str(end),
            "for": target, "name": words}


def test_the_headline_is_cut_at_the_evidence(app: Flask) -> None:
    with app.test_request_context():
        segments = headline_segments(HEADLINE, [
            _evidence("Vladimir Putin", 70, 84, PUTIN),
            _evidence("George W. Bush", 31, 45, BUSH),
        ])
    assert "".join(s.text for s in segments) == HEADLINE
    marked = [(s.text, s.kind, s.href) for s in segments if s.target]
    assert marked == [("George W. Bush", "person", "/explore/actor?iri=" + BUSH),
                      ("Vladimir Putin", "person", "/explore/actor?iri=" + PUTIN)]


def test_evidence_that_does_not_fit_the_headline_is_left_out(app: Flask) -> None:
    with app.test_request_context():
        segments = headline_segments(HEADLINE, [
            _evidence("Vladimir Putin", 71, 85, PUTIN),  # off by one: not these words
            _evidence("George W. Bush", 31, 45, BUSH),
            _evidence("W. Bush and", 40, 51, RUSSIA),  # overlaps the one before
            _evidence("defense", 500, 507, RUSSIA),  # past the end
            {**_evidence("President", 0, 9, RUSSIA), "text": str(DIP.summary)},  # elsewhere
        ])
    assert "".join(s.text for s in segments) == HEADLINE
    assert [s.text for s in segments if s.target] == ["George W. Bush"]


# -- the pages ----------------------------------------------------------------------------------

def _page(client: FlaskClient, path: str, **params: str) -> tuple[int, str]:
    response = client.get(path, query_string=params)
    return response.status_code, response.get_data(as_text=True)


def test_the_home_page_searches_and_links_each_hit_to_its_page(client: FlaskClient) -> None:
    status, html = _page(client, "/explore", q="putin")
    assert status == 200
    assert f'href="/explore/actor?iri={PUTIN}"' in html
    assert f'href="/explore/event?iri={MEETING}"' in html
    assert "<mark>" in html and 'name="q"' in html
    assert "The busiest actors" in html and "United States" in html


def test_a_search_fts_cannot_read_is_400_with_the_reason(client: FlaskClient) -> None:
    status, html = _page(client, "/explore", q='"unclosed')
    assert status == 400
    assert 'id="search-problem"' in html


def test_the_actor_page(client: FlaskClient) -> None:
    status, html = _page(client, "/explore/actor", iri=PUTIN)
    assert status == 200
    assert '<h1 id="name">Vladimir Putin</h1>' in html
    assert 'href="http://www.wikidata.org/entity/Q7747"' in html
    assert "President of Russia" in html
    assert 'data-chart="timeline"' in html and 'data-chart="network"' in html
    assert f'href="/explore/event?iri={MEETING}"' in html


def test_the_event_page(client: FlaskClient) -> None:
    status, html = _page(client, "/explore/event", iri=MEETING)
    assert status == 200
    assert (f'<a class="evidence kind-person" href="/explore/actor?iri={PUTIN}" '
            'title="Vladimir Putin">Vladimir Putin</a>') in html
    assert '<a class="evidence kind-post"' in html
    assert "2007-06-07" in html and "Consult, not specified below" in html
    for section in ("participants", "articles", "related", "same", "sources"):
        assert f'<section id="{section}">' in html
    assert "Putin offers Bush new missile plan" in html
    assert "2007-06-7_index.md</a>" in html


@pytest.mark.parametrize("path", ["/explore/actor", "/explore/event"])
def test_a_missing_or_bad_iri_is_400(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 400
    assert client.get(path, query_string={"iri": ""}).status_code == 400
    assert client.get(path, query_string={"iri": "not an iri"}).status_code == 400
    assert client.get(path, query_string={"iri": "http://x/<script>"}).status_code == 400


@pytest.mark.parametrize(("path", "iri"), [
    ("/explore/actor", ID + "person/nobody-at-all"),
    ("/explore/actor", MEETING),  # an event is not an actor
    ("/explore/event", ID + "event/1999-01-01/nothing-happened"),
    ("/explore/event", PUTIN),  # nor an actor an event
])
def test_an_unknown_iri_is_404(client: FlaskClient, path: str, iri: str) -> None:
    response = client.get(path, query_string={"iri": iri})
    assert response.status_code == 404, response.get_data(as_text=True)


def _links(html: str, kind: str) -> list[str]:
    """The hrefs of a page's data links of one kind (data-json, data-csv, data-sparql)."""
    found = []
    for piece in html.split(f'class="{kind}" href="')[1:]:
        found.append(piece.split('"', 1)[0].replace("&amp;", "&"))
    return found


def test_every_picture_and_table_links_its_data(client: FlaskClient) -> None:
    _, html = _page(client, "/explore/actor", iri=PUTIN)
    for link in _links(html, "data-json"):
        response = client.get(link)
        assert response.status_code == 200, link
        assert "results" in response.get_json()
    timeline = next(link for link in _links(html, "data-csv") if "actor_timeline" in link)
    rows = list(csv.DictReader(io.StringIO(client.get(timeline).get_data(as_text=True))))
    assert sum(int(r["events"]) for r in rows) == 6
    opened = [urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
              for link in _links(html, "data-sparql")]
    assert all(link.startswith("/?") for link in _links(html, "data-sparql"))
    text = next(o["query"][0] for o in opened
                if o["tabTitle"] == [QUERIES["actor_network"].title])
    assert f"VALUES (?actor) {{ (<{PUTIN}>) }}" in text
    answer = client.post("/sparql", data={"query": text},
                         headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert len(answer.get_json()["results"]["bindings"]) == 17


HOSTILE = ID + "person/mallory"
HOSTILE_EVENT = ID + "event/2020-01-01/mallory"


@pytest.fixture
def hostile_client(example_store: Path, tmp_path: Path) -> Iterator[FlaskClient]:
    """An app on a store where an actor's and an event's words are markup and a link is
    ``javascript:``."""
    folder = copy_store(example_store, tmp_path / "store")
    store = OxigraphStore(folder)
    mallory, event = URIRef(HOSTILE), URIRef(HOSTILE_EVENT)
    script = "<script>alert(1)</script>"
    store.replace_graphs({"urn:x-test:hostile": [
        (mallory, RDF.type, DIP.Person),
        (mallory, RDFS.label, Literal(f"Mallory {script}")),
        (mallory, DIP.wikipedia, URIRef("javascript:alert(2)")),
        (event, RDF.type, DIP.Event),
        (event, RDFS.label, Literal(f"Mallory meets {script}")),
        (event, DIP.date, Literal("2020-01-01", datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#date"))),
        (event, DIP.participant, mallory),
        (event, DIP.involves, mallory),
        (event, DIP.reportedBy, URIRef(ID + "article/mallory")),
        (URIRef(ID + "article/mallory"), RDFS.label, Literal(f"News {script}")),
        (URIRef(ID + "article/mallory"), DIP.url, Literal("javascript:alert(3)")),
    ]})
    store.close()
    application = make_app(folder)
    yield application.test_client()
    close_app(application)


def test_words_and_links_from_the_graph_cannot_run_script(hostile_client: FlaskClient) -> None:
    for path, iri in (("/explore/actor", HOSTILE), ("/explore/event", HOSTILE_EVENT)):
        status, html = _page(hostile_client, path, iri=iri)
        assert status == 200, html
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "javascript:" not in html
    # The JSON a picture reads is data, not markup: the script reads it with JSON.parse.
    answer = hostile_client.get("/queries/actor_network", query_string={
        "actor": HOSTILE, "format": "json"})
    assert json.loads(answer.get_data(as_text=True))["results"]["bindings"] == []
