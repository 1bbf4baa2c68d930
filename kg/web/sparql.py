"""The SPARQL 1.1 Protocol at /sparql: queries, updates, and the service description."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import BinaryIO

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from kg import jsonld
from kg.rdfio import write_rdf
from kg.sparql.analysis import RDFLIB_DEFAULT_GRAPH, SparqlRefused, read_query
from kg.sparql.parse import SparqlSyntaxError
from kg.store import Binding, QuerySyntaxError, RawResult, StoreError
from kg.store.pool import EngineBusy, QueryTimeout
from kg.store.worker import QueryJob, SpooledResult
from kg.terms import is_iri, sparql_iri
from kg.validate.writes import GateRejected, UpdateRefused, apply_update
from kg.web import formats
from kg.web.http import fail, public_url, require_write_access, write_failed
from kg.web.state import get_state

bp = Blueprint("sparql", __name__)

#: rdflib's SPARQLStore names the default graph so; it means the store's default graph.
_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
#: The service description's prefixes, in the formats that declare them.
_SD_PREFIXES = {"sd": "http://www.w3.org/ns/sparql-service-description#",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "dcterms": "http://purl.org/dc/terms/"}


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Query by GET or POST, update by POST; without either, the service description."""
    # HEAD is a GET without the body (Flask routes it here): it must not be read as a POST.
    if request.method in ("GET", "HEAD"):
        if "update" in request.args:
            fail(400, "an update cannot be sent by GET: POST it as update= (form-encoded) or "
                      f"as {_UPDATE}")
        queries = request.args.getlist("query")
        if not queries:
            return service_description()
        if len(queries) > 1:
            fail(400, "the request has more than one query parameter")
        return answer_query(queries[0], request.args)
    content_type = request.mimetype
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        fail(415, f"the body must be UTF-8, not {charset}")
    if content_type == _FORM:
        form = request.form
        queries, updates = form.getlist("query"), form.getlist("update")
        params = MultiDict([*request.args.items(multi=True), *form.items(multi=True)])
        if queries and updates:
            fail(400, "the request has both a query and an update")
        if len(queries) > 1 or len(updates) > 1:
            fail(400, "the request has more than one query or update parameter")
        if queries:
            return answer_query(queries[0], params)
        if updates:
            return answer_update(updates[0], params)
        fail(400, "the form has neither a query= nor an update= field")
    if content_type in (_QUERY, _UPDATE):
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            fail(400, "the body is not valid UTF-8")
        if content_type == _QUERY:
            return answer_query(text, request.args)
        return answer_update(text, request.args)
    fail(415, f"send a query as {_FORM} or {_QUERY}, an update as {_FORM} or {_UPDATE}"
              + (f", not {content_type}" if content_type else " (the request has no "
                                                             "Content-Type)"))


def dataset(params: MultiDict[str, str], default_key: str, named_key: str
            ) -> tuple[tuple[str | None, ...] | None, tuple[str, ...] | None]:
    """The protocol's dataset: default graphs (None: the store's) and named graphs."""
    defaults = [None if g == RDFLIB_DEFAULT_GRAPH else g for g in params.getlist(default_key)]
    named = list(params.getlist(named_key))
    for graph in [*defaults, *named]:
        if graph is not None and not is_iri(graph):
            fail(400, f"{graph!r} is not an absolute IRI")
    if not defaults and not named:
        return None, None
    if not named and all(g is None for g in defaults):
        return None, None  # the store's default graph, as if nothing were said
    return tuple(defaults), tuple(named)


def answer_query(text: str, params: MultiDict[str, str],
                 bindings: Mapping[str, Binding] | None = None) -> Response:
    """Run a query and answer it in the negotiated format."""
    config = current_app.config
    base_iri = public_url() + "sparql"
    try:
        form = read_query(text, base_iri=base_iri, allow_service=config["ALLOW_SERVICE"]).form
    except (SparqlSyntaxError, SparqlRefused) as exc:
        fail(400, str(exc))
    if "using-graph-uri" in params or "using-named-graph-uri" in params:
        fail(400, "using-graph-uri and using-named-graph-uri are for updates; a query takes "
                  "default-graph-uri and named-graph-uri")
    default_graphs, named_graphs = dataset(params, "default-graph-uri", "named-graph-uri")
    graph = formats.is_graph_form(form)
    chosen = choose_format(params.getlist("format"), graph=graph)
    job = QueryJob(
        text,
        results_format=chosen if not graph else "json",
        graph_format=chosen if graph else "turtle",
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        bindings=tuple((bindings or {}).items()),
        max_rows=config["MAX_ROWS"],
        base_iri=base_iri,
        stream=True,
    )
    result = run_job(job)
    response = result_response(result, formats.media_type(chosen, graph=result.kind == "graph"))
    response.vary.add("Accept")
    if result.kind != "ask":
        response.headers["X-Result-Rows"] = str(result.rows)
    if result.truncated:
        response.headers["X-Result-Truncated"] = f"max-rows={config['MAX_ROWS']}"
    if params.get("download"):
        extension = formats.EXTENSIONS.get(chosen, "txt")
        response.headers["Content-Disposition"] = f'attachment; filename="results.{extension}"'
    return response


def with_served_context(result: RawResult) -> RawResult:
    """A JSON-LD answer naming the context at this server's ``/context.jsonld``, which its
    clients can fetch (the stable URL an export names is not served by anyone yet)."""
    if isinstance(result, SpooledResult):
        with open(result.path, "rb") as file:
            body = file.read()
        os.unlink(result.path)
    else:
        body = result.body
    document = json.loads(body)
    if isinstance(document, dict) and document.get("@context") == jsonld.CONTEXT_URL:
        document["@context"] = public_url() + jsonld.CONTEXT_PATH.lstrip("/")
        body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    return RawResult(result.kind, result.media_type, body, result.rows, result.truncated)


@bp.get(jsonld.CONTEXT_PATH)
def context() -> Response:
    """The project's JSON-LD context, which JSON-LD answers and exports name."""
    response = Response(jsonld.shipped_bytes(), content_type=f"{jsonld.MEDIA_TYPE}; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def choose_format(format_param: str | Sequence[str] | None, *, graph: bool) -> str:
    """The negotiated format, or 406."""
    try:
        chosen = formats.choose(request.accept_mimetypes, format_param, graph=graph)
    except formats.UnknownFormat as exc:
        fail(406, str(exc))
    if chosen is None:
        kind = "graphs (CONSTRUCT, DESCRIBE)" if graph else "rows (SELECT, ASK)"
        named = [format_param] if isinstance(format_param, str) else list(format_param or ())
        wanted = ", ".join(named) or request.headers.get("Accept", "")
        fail(406, f"cannot answer {kind} as {wanted}; available: "
                  f"{formats.offered(graph=graph)}")
    return chosen


def run_job(job: QueryJob) -> RawResult:
    """Run a query job for this client with the configured timeout; errors become answers."""
    state = get_state()
    try:
        return state.engine.run(job, current_app.config["QUERY_TIMEOUT"],
                                client=request.remote_addr or "-")
    except QuerySyntaxError as exc:
        fail(400, str(exc))
    except QueryTimeout as exc:
        fail(503, f"{exc}; simplify the query or add a LIMIT", {"Retry-After": "1"})
    except EngineBusy as exc:
        fail(503, str(exc), {"Retry-After": str(exc.retry_after)})
    except StoreError as exc:
        fail(500, f"the query failed: {exc}")


def result_response(result: RawResult, content_type: str) -> Response:
    """A response with the answer: from memory, or streamed from the file of a large one.

    A graph in JSON-LD names the context as this server serves it (:func:`with_served_context`).
    """
    if result.kind == "graph" and content_type.startswith(jsonld.MEDIA_TYPE):
        result = with_served_context(result)
    if not isinstance(result, SpooledResult):
        return Response(result.body, content_type=content_type)
    body = _FileBody(open(result.path, "rb"))  # noqa: SIM115 (closed by the response)
    # Gone from the folder at once: the open file is all that keeps it, whatever happens.
    os.unlink(result.path)
    response = Response(body, content_type=content_type, direct_passthrough=False)
    response.content_length = os.fstat(body.file.fileno()).st_size
    return response


class _FileBody:
    """A response body read from an open file in pieces, closed when the response is."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.file.read(64 * 1024):
            yield chunk

    def close(self) -> None:
        self.file.close()


def answer_update(text: str, params: MultiDict[str, str]) -> Response:
    """Run an update (atomically, merge kept, gate applied) and answer 204."""
    require_write_access()
    if "default-graph-uri" in params or "named-graph-uri" in params:
        fail(400, "default-graph-uri and named-graph-uri are for queries; an update takes "
                  "using-graph-uri and using-named-graph-uri")
    using, using_named = _graph_list(params, "using-graph-uri"), _graph_list(
        params, "using-named-graph-uri")
    config = current_app.config
    state = get_state()
    try:
        with state.writing() as store:
            apply_update(
                store,
                text,
                base_iri=public_url() + "sparql",
                using=using,
                using_named=using_named,
                gate=config["SHACL_GATE"],
                allow_load=config["ALLOW_LOAD"],
                allow_service=config["ALLOW_SERVICE"],
            )
    except UpdateRefused as exc:
        fail(400, str(exc))
    except QuerySyntaxError as exc:
        fail(400, str(exc))
    except GateRejected as exc:
        return gate_response(exc)
    except StoreError as exc:
        write_failed(state.store, exc)
    return Response(status=204)


def _graph_list(params: MultiDict[str, str], key: str) -> Sequence[str]:
    values = params.getlist(key)
    for value in values:
        if not is_iri(value):
            fail(400, f"{value!r} is not an absolute IRI")
    return values


def gate_response(error: GateRejected) -> Response:
    """422 with the SHACL results: JSON, or text for clients that prefer it."""
    lines = [str(error), *(r.to_text() for r in error.results)]
    if request.accept_mimetypes.best_match(["application/json", "text/plain"]) == (
        "application/json"
    ) and request.accept_mimetypes.best != "*/*":
        body = {"error": str(error), "results": [r.to_dict() for r in error.results]}
        return Response(json.dumps(body, ensure_ascii=False), status=422,
                        content_type="application/json")
    return Response("\n".join(lines) + "\n", status=422, mimetype="text/plain")


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (Turtle unless asked otherwise)."""
    accept = request.accept_mimetypes
    if accept and accept.best_match(["text/turtle", "text/html"]) == "text/html" and (
        accept["text/html"] > accept["text/turtle"]
    ):
        return Response(status=303, headers={"Location": "/"})
    chosen = choose_format(request.args.get("format"), graph=True)
    config = current_app.config
    url = public_url() + "sparql"
    formats_ns = "http://www.w3.org/ns/formats/"
    result_formats = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG",
                      "N-Quads"]
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if config["ALLOW_UPDATE"] else [])
    turtle = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

{sparql_iri(url + "#service")} a sd:Service ;
    sd:endpoint {sparql_iri(url)} ;
    rdfs:label "Diplomacy KG SPARQL endpoint" ;
    rdfs:comment "The default graph is the RDF merge of the named graphs, one per source document. Queries time out after {config['QUERY_TIMEOUT']:g} s; answers hold at most {config['MAX_ROWS']} rows. SERVICE and LOAD are {'allowed' if config['ALLOW_SERVICE'] else 'refused'}." ;
    sd:supportedLanguage {', '.join(languages)} ;
    sd:resultFormat {', '.join(f'<{formats_ns}{name}>' for name in result_formats)} ;
    sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery ;
    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;
    sd:defaultDataset [
        a sd:Dataset ;
        dcterms:description "one named graph per source document; the default graph is their merge" ;
        sd:defaultGraph [ a sd:Graph ]
    ] .
"""  # noqa: E501
    if not config["ALLOW_SERVICE"]:
        turtle = turtle.replace(", sd:BasicFederatedQuery", "")
    body = turtle.encode("utf-8")
    if chosen != "turtle":
        triples = [quad.triple for quad in ox.parse(body, ox.RdfFormat.TURTLE)]
        out = io.BytesIO()
        write_rdf(triples, out, chosen, prefixes=_SD_PREFIXES,
                  context_url=public_url() + jsonld.CONTEXT_PATH.lstrip("/"))
        body = out.getvalue()
    response = Response(body, content_type=formats.media_type(chosen, graph=True))
    response.vary.add("Accept")
    return response
