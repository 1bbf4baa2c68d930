"""Pages for people: the query editor at /, and linked-data pages for the graph's IRIs.

The ontology's documentation (/ontology) and the validation page (/validate) are blueprints
of their own (kg/web/ontology_page.py, kg/web/validate_page.py), registered on this one.

Every IRI minted under the data base (``BASE``, by default https://w3id.org/diplomacy-kg/id/)
dereferences at ``/id/<rest>``; any other IRI at ``/resource?iri=…``. Browsers get HTML
(label, types, links out and in, the documents each statement comes from); RDF clients get
Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation.
"""

from __future__ import annotations

import json
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import URIRef

from kg.store.worker import QueryJob
from kg.terms import compact, is_iri, sparql_iri
from kg.vocab import PREFIXES
from kg.web import formats, ontology_page, validate_page
from kg.web.http import SECURITY_HEADERS, fail
from kg.web.named_queries import describe
from kg.web.sparql import choose_format, run_job
from kg.web.state import get_state

bp = Blueprint("pages", __name__)
# The documentation and validation pages ride on this blueprint, so the app factory needs
# no change to serve them.
bp.register_blueprint(ontology_page.bp)
bp.register_blueprint(validate_page.bp)

LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    PREFIXES["dip"] + "title",
    PREFIXES["dip"] + "headline",
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PAGE_LIMIT = 2000
# The IRI is bound to ?this, never pasted into the text.
_PAGE_QUERY = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dip: {sparql_iri(PREFIXES['dip'])}
SELECT ?dir ?p ?v ?g ?vlabel ?path WHERE {{
  {{ GRAPH ?g {{ ?this ?p ?v }} BIND ("out" AS ?dir) }}
  UNION {{ GRAPH ?g {{ ?v ?p ?this }} BIND ("in" AS ?dir) }}
  OPTIONAL {{ ?v rdfs:label ?vlabel }}
  OPTIONAL {{ GRAPH ?g {{ ?g dip:sourcePath ?path }} }}
}} LIMIT {PAGE_LIMIT}"""
_RDF_QUERY = ("CONSTRUCT { ?this ?p ?o . ?s ?q ?this } "
              "WHERE { { ?this ?p ?o } UNION { ?s ?q ?this } }")


@bp.app_template_global()
def link(iri: str) -> str:
    """Where an IRI's page is on this server."""
    base = current_app.config["BASE"]
    if iri.startswith(base) and len(iri) > len(base):
        return "/id/" + urllib.parse.quote(iri[len(base):], safe="/:@!$&'()*+,;=-._~")
    return "/resource?iri=" + urllib.parse.quote(iri, safe="")


@bp.app_template_global("compact")
def prefixed(iri: str) -> str:
    """A prefixed name for an IRI where one fits."""
    return compact(URIRef(iri)).strip("<>")


#: The <style> elements YASGUI's column resizer adds (its CSS with the default options), by
#: their sha-256: allowed by hash, so the page needs no 'unsafe-inline'.
#: tests/web/test_query_page.py recomputes them from the vendored file.
YASGUI_STYLE_HASHES = (
    "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=",
    "sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg=",
)


def content_policy(style_hashes: tuple[str, ...] = ()) -> str:
    """The server's Content-Security-Policy, with these inline styles allowed by hash."""
    directives = [d.strip() for d in SECURITY_HEADERS["Content-Security-Policy"].split(";")]
    extra = "".join(f" '{h}'" for h in style_hashes)
    return "; ".join(d + extra if d.split()[0] in ("style-src", "style-src-elem") else d
                     for d in directives if d)


@bp.get("/")
def index() -> Response:
    """The query editor (YASGUI), with the named queries as examples."""
    state = get_state()
    queries = [describe(q) for q in state.queries.values()]
    html = render_template(
        "index.html",
        queries_json=json.dumps(queries, ensure_ascii=False).replace("</", "<\\/"),
        base=current_app.config["BASE"],
        prefixes={**PREFIXES, "id": current_app.config["BASE"]},
        store=state.store.url,
        updates=current_app.config["ALLOW_UPDATE"],
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = content_policy(YASGUI_STYLE_HASHES)
    return response


@bp.get("/id/<path:rest>")
def entity(rest: str) -> Response | str:
    """The page (or RDF) of an IRI minted under the data base."""
    iri = current_app.config["BASE"] + rest
    if not is_iri(iri):
        fail(400, f"{iri!r} is not an IRI of this graph")
    return resource_page(iri)


@bp.get("/resource")
def resource() -> Response | str:
    """The page (or RDF) of any IRI, given as ``?iri=``."""
    iri = request.args.get("iri", "")
    if not is_iri(iri):
        fail(400, f"{iri!r} is not an absolute IRI")
    return resource_page(iri)


@dataclass
class _Value:
    term: dict[str, str]
    label: str | None = None
    graphs: list[str] = field(default_factory=list)


def resource_page(iri: str) -> Response | str:
    """HTML for people, RDF for programs; 404 if the graph says nothing about the IRI."""
    accept = request.accept_mimetypes
    wants_html = "format" not in request.args and (
        not accept or accept.best_match(["text/html", *_graph_media()]) == "text/html"
    )
    if not wants_html:
        return _resource_rdf(iri)
    result = run_job(QueryJob(_PAGE_QUERY, results_format="json",
                              bindings=(("this", URIRef(iri)),)))
    rows = json.loads(result.body)["results"]["bindings"]
    if not rows:
        fail(404, f"the graph says nothing about <{iri}>")
    outgoing: dict[str, dict[str, _Value]] = defaultdict(dict)
    incoming: dict[str, dict[str, _Value]] = defaultdict(dict)
    documents: dict[str, str | None] = {}
    for row in rows:
        table = outgoing if row["dir"]["value"] == "out" else incoming
        prop = row["p"]["value"]
        term = row["v"]
        key = json.dumps(term, sort_keys=True)
        value = table[prop].setdefault(key, _Value(term))
        if "vlabel" in row and value.label is None:
            value.label = row["vlabel"]["value"]
        graph = row["g"]["value"]
        if graph not in value.graphs:
            value.graphs.append(graph)
        documents.setdefault(graph, row.get("path", {}).get("value"))
    label = next(
        (v.term["value"] for p in LABELS for v in outgoing.get(p, {}).values()
         if v.term["type"] == "literal"),
        prefixed(iri),
    )
    types = [v.term["value"] for v in outgoing.get(RDF_TYPE, {}).values()]
    return render_template(
        "resource.html",
        iri=iri,
        label=label,
        types=types,
        outgoing=sorted((p, list(values.values())) for p, values in outgoing.items()),
        incoming=sorted((p, list(values.values())) for p, values in incoming.items()),
        documents=documents,
        truncated=len(rows) >= PAGE_LIMIT,
        here=request.path + ("?" + request.query_string.decode() if request.query_string else ""),
    )


def _graph_media() -> list[str]:
    return [m for media_types in formats.GRAPH_TYPES.values() for m in media_types]


def _resource_rdf(iri: str) -> Response:
    chosen = choose_format(request.args.get("format"), graph=True)
    result = run_job(QueryJob(_RDF_QUERY, graph_format=chosen, bindings=(("this", URIRef(iri)),),
                              max_rows=current_app.config["MAX_ROWS"]))
    if result.rows == 0:
        fail(404, f"the graph says nothing about <{iri}>")
    response = Response(result.body, content_type=formats.media_type(chosen, graph=True))
    response.vary.add("Accept")
    return response
