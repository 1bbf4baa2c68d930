"""The explorer at /explore, for people who do not write SPARQL: a search box, a page for each
actor (its posts, a timeline of its events, who it meets) and for each event (the words that
named each participant, its articles, related and same events).

Every table and picture is a named query of ``queries/`` run with its parameter bound, never
pasted into the text; each is linked as data (``/queries/<name>`` as JSON and CSV) and as the
SPARQL behind it, opened on the query page.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for

from kg.pipeline import IndexUnavailable, SearchError, search
from kg.queries import NamedQuery, QueryParamError, bind_params, query_text
from kg.store import Binding
from kg.store.bindings import _with_values
from kg.store.worker import QueryJob
from kg.terms import is_iri
from kg.vocab import PREFIXES
from kg.web.http import fail
from kg.web.pages import link
from kg.web.sparql import run_job
from kg.web.state import get_state

bp = Blueprint("explorer", __name__, url_prefix="/explore")

#: The most rows a table of the explorer shows; its data links give them all.
MAX_ROWS = 500
#: How many search results the home page shows.
SEARCH_LIMIT = 50
HEADLINE = PREFIXES["dip"] + "headline"


@dataclass(frozen=True)
class Data:
    """Where the rows of a table or picture are: its named query as JSON, CSV and SPARQL."""

    name: str
    title: str
    json: str
    csv: str
    sparql: str


@dataclass(frozen=True)
class Segment:
    """A piece of a headline: plain words, or the words that named ``target``."""

    text: str
    target: str | None = None
    name: str | None = None
    kind: str | None = None
    href: str | None = None


def run_named(name: str, **values: str) -> tuple[list[dict[str, str]], Data]:
    """The rows of a named query (each a variable's value by name) and its data links."""
    query, bindings, data = _prepare(name, values)
    result = run_job(QueryJob(query_text(query, get_state().store), results_format="json",
                              bindings=tuple(bindings.items()), max_rows=MAX_ROWS))
    rows = [{var: term["value"] for var, term in row.items()}
            for row in json.loads(result.body)["results"]["bindings"]]
    return rows, data


def data_of(name: str, **values: str) -> Data:
    """The data links of a named query, without running it (a picture's script fetches them)."""
    return _prepare(name, values)[2]


def _prepare(name: str, values: dict[str, str]) -> tuple[NamedQuery, dict[str, Binding], Data]:
    query = get_state().queries.get(name)
    if query is None:
        fail(404, f"the explorer needs the named query {name!r}, which this server does not "
                  "have (see KG_QUERIES_DIR)")
    try:
        bindings = bind_params(query, values, store=get_state().store)
    except QueryParamError as exc:
        fail(400, str(exc))
    # The query page shows the text with the values as a VALUES block, which kg.store writes
    # (through kg.terms) where the SPARQL grammar says the WHERE group starts.
    text = _with_values(query.text, bindings) if bindings else query.text
    data = Data(
        name=name,
        title=query.title,
        json=url_for("named_queries.run", name=name, **_as_any({**values, "format": "json"})),
        csv=url_for("named_queries.run", name=name, **_as_any({**values, "format": "csv"})),
        sparql=url_for("pages.index") + "?" + urllib.parse.urlencode(
            {"query": text, "tabTitle": query.title}),
    )
    return query, bindings, data


def _as_any(values: dict[str, str]) -> dict[str, Any]:
    # url_for's own keywords (_external and the like) are typed; query values are any text.
    return values


def required_iri() -> str:
    """The ``iri`` parameter of the request: 400 if it is missing or not an absolute IRI."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        fail(400, "give the IRI to show as ?iri=")
    if not is_iri(iri):
        fail(400, f"{iri[:200]!r} is not an absolute IRI")
    return iri


@bp.app_template_global()
def explore_link(iri: str, kind: str) -> str:
    """The explorer's page of a thing of this kind, or its linked-data page."""
    if kind in ("actor", "person", "state", "organization"):
        return url_for("explorer.actor", iri=iri)
    if kind == "event":
        return url_for("explorer.event", iri=iri)
    return link(iri)


@bp.app_template_filter()
def web_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) URL a page may link to, else None: a URL from the graph
    could say ``javascript:``, which escaping does not disarm."""
    if not value:
        return None
    scheme = urllib.parse.urlsplit(value.strip()).scheme.lower()
    return value if scheme in ("http", "https") and is_iri(value) else None


@bp.get("")
def home() -> str | tuple[str, int]:
    """The search box, its results, and the busiest actors to start from."""
    text = request.args.get("q", "").strip()
    hits: list[dict[str, Any]] = []
    problem = None
    status = 200
    if text:
        try:
            hits = [hit.to_json() for hit in search(get_state().store, text,
                                                    limit=SEARCH_LIMIT)]
        except IndexUnavailable as exc:
            problem, status = str(exc), 503
        except SearchError as exc:
            problem, status = str(exc), 400
    busiest, busiest_data = run_named("busiest_actors")
    page = render_template("explorer/home.html", q=text, hits=hits, problem=problem,
                           busiest=busiest, busiest_data=busiest_data,
                           search_json=url_for("search.run", q=text) if text else None)
    return page if status == 200 else (page, status)


@bp.get("/actor")
def actor() -> str:
    """An actor's page: its card, posts, timeline, co-participant network and events."""
    iri = required_iri()
    card, card_data = run_named("actor_card", actor=iri)
    if not card:
        fail(404, f"the graph knows no actor <{iri}>")
    posts, posts_data = run_named("actor_posts", actor=iri)
    events, events_data = run_named("events_with_actor", actor=iri)
    timeline_data = data_of("actor_timeline", actor=iri)
    network_data = data_of("actor_network", actor=iri)
    return render_template(
        "explorer/actor.html",
        iri=iri,
        name=card[0]["name"],
        kind=card[0]["kind"],
        wikidata=sorted({row["wikidata"] for row in card if "wikidata" in row}),
        wikipedia=sorted({row["wikipedia"] for row in card if "wikipedia" in row}),
        card_data=card_data,
        posts=posts, posts_data=posts_data,
        events=events, events_data=events_data,
        timeline_data=timeline_data, network_data=network_data,
        page=link(iri),
    )


@bp.get("/event")
def event() -> str:
    """An event's page: its headline with the words behind each fact, participants and their
    posts that day, a picture of what it links to, its articles, documents, related and same
    events."""
    iri = required_iri()
    card, card_data = run_named("event_card", event=iri)
    if not card:
        fail(404, f"the graph knows no event <{iri}>")
    evidence, evidence_data = run_named("evidence", record=iri)
    participants, participants_data = run_named("event_participants", event=iri)
    posts, posts_data = run_named("event_posts", event=iri)
    articles, articles_data = run_named("event_articles", event=iri)
    documents, documents_data = run_named("event_documents", event=iri)
    related, related_data = run_named("related_events", event=iri)
    around, network_data = run_named("event_network", event=iri)
    headline = card[0]["headline"]
    types = {row["type"]: row.get("typeName", row["type"]) for row in card if "type" in row}
    return render_template(
        "explorer/event.html",
        iri=iri,
        headline=headline,
        segments=headline_segments(headline, evidence),
        date=card[0]["date"],
        summary=next((row["summary"] for row in card if "summary" in row), None),
        types=sorted(types.items(), key=lambda item: item[1]),
        card_data=card_data,
        evidence=evidence, evidence_data=evidence_data,
        participants=_participants(participants, posts), participants_data=participants_data,
        posts_data=posts_data,
        articles=articles, articles_data=articles_data,
        documents=documents, documents_data=documents_data,
        related=related, related_data=related_data,
        same=[row for row in around if row["relation"] == "same event"],
        network_data=network_data,
        page=link(iri),
    )


def headline_segments(headline: str, evidence: list[dict[str, str]]) -> list[Segment]:
    """The headline cut into plain words and the words that named each thing (evidence).

    Offsets count characters from 0, end exclusive, as SPARQL's SUBSTR and Python count them;
    a span is used only if the headline holds its words there, and the first of two that
    overlap wins, so that a stale or foreign offset can never misplace a highlight.
    """
    spans = []
    for row in evidence:
        if row.get("text") != HEADLINE:
            continue
        try:
            begin, end = int(row["begin"]), int(row["end"])
        except (KeyError, ValueError):
            continue
        if 0 <= begin < end <= len(headline) and headline[begin:end] == row.get("words"):
            spans.append((begin, end, row["for"], row.get("name") or row["for"]))
    segments: list[Segment] = []
    at = 0
    for begin, end, target, name in sorted(spans):
        if begin < at:
            continue
        if begin > at:
            segments.append(Segment(headline[at:begin]))
        kind = _kind_of(target)
        segments.append(Segment(headline[begin:end], target, name, kind,
                                explore_link(target, kind)))
        at = end
    if at < len(headline):
        segments.append(Segment(headline[at:]))
    return segments


def _kind_of(iri: str) -> str:
    # The IRIs the mapper mints say what they name (kg.iri): …/id/person/…, …/id/post/….
    base = current_app.config["BASE"]
    rest = iri[len(base):] if iri.startswith(base) else ""
    return rest.split("/", 1)[0] if "/" in rest else "other"


@dataclass
class _Participant:
    actor: str
    name: str
    kind: str
    role: str
    posts: list[tuple[str, str, str]]


def _participants(rows: list[dict[str, str]],
                  posts: list[dict[str, str]]) -> list[_Participant]:
    """One entry per actor, with the posts the event's words name it by (a post's holder who
    took part held it that day)."""
    found = {row["actor"]: _Participant(row["actor"], row["name"], row["kind"], row["role"], [])
             for row in rows}
    for row in posts:
        entry = found.get(row.get("holder", ""))
        post = (row["post"], row["postName"], row["words"])
        if entry is not None and post not in entry.posts:
            entry.posts.append(post)
    return list(found.values())
