"""The SPARQL 1.1 Graph Store HTTP Protocol at /store: whole graphs by GET, PUT, POST, DELETE.

Graphs are named by ``?graph=IRI`` (indirect), by the request URL under /store/ (direct), or
``?default``. The default graph is the merge of the named graphs: reading it gives the merge,
and writes to it go to the named graph :data:`kg.iri.DEFAULT_GRAPH_IRI`.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, current_app, request
from rdflib import Graph

from kg.iri import DEFAULT_GRAPH_IRI, new_store_graph_iri, store_graph_iri
from kg.model import ParseError
from kg.rdffile import parse_rdf
from kg.rdfio import BY_MEDIA_TYPE
from kg.store import StoreError
from kg.store.worker import QueryJob
from kg.terms import is_iri
from kg.validate.writes import (
    GateRejected,
    Triple,
    drop_graph,
    graph_exists,
    graph_write,
)
from kg.web import formats
from kg.web.http import fail, public_url, require_write_access, write_failed
from kg.web.sparql import choose_format, gate_response, result_response, run_job
from kg.web.state import get_state

bp = Blueprint("graph_store", __name__)

#: Media types of request bodies, and the RDF format each is parsed as.
BODY_FORMATS: dict[str, str] = BY_MEDIA_TYPE
_METHODS = ["GET", "PUT", "POST", "DELETE"]


@bp.route("/store", methods=_METHODS)
def indirect() -> Response:
    """A graph named by ``?graph=`` or ``?default``; POST with neither creates a new graph."""
    has_graph, has_default = "graph" in request.args, "default" in request.args
    if has_graph and has_default:
        fail(400, "give ?graph=IRI or ?default, not both")
    if has_graph:
        graph = request.args["graph"]
        if not is_iri(graph):
            fail(400, f"{graph!r} is not an absolute IRI")
        return handle(graph)
    if has_default:
        return handle(None)
    if request.method == "POST":
        graph = new_store_graph_iri(public_url(), uuid.uuid4().hex)
        response = handle(graph, created_status=201)
        response.headers["Location"] = graph
        return response
    fail(400, "name the graph: ?graph=IRI, or ?default for the default graph")


@bp.route("/store/<path:_rest>", methods=_METHODS)
def direct(_rest: str) -> Response:
    """A graph named by this very URL (direct graph identification), at the public URL."""
    graph = store_graph_iri(public_url(), request.path)
    if not is_iri(graph):
        fail(400, f"{graph!r} is not an IRI a graph can have")
    return handle(graph)


def handle(graph: str | None, *, created_status: int = 201) -> Response:
    """Run the request's method on one graph (None: the default graph)."""
    if request.method in ("GET", "HEAD"):
        return read(graph)
    require_write_access()
    config = current_app.config
    state = get_state()
    target = graph or DEFAULT_GRAPH_IRI
    try:
        with state.writing() as store:
            if request.method == "DELETE":
                if graph is not None and not graph_exists(store, target):
                    fail(404, f"there is no graph <{graph}>")
                drop_graph(store, target)
                return Response(status=204)
            triples = body_triples(target)
            created = graph_write(store, target, triples, merge=request.method == "POST",
                                  gate=config["SHACL_GATE"])
    except GateRejected as exc:
        return gate_response(exc)
    except StoreError as exc:
        write_failed(get_state().store, exc)
    return Response(status=created_status if created else 204)


def read(graph: str | None) -> Response:
    """The graph's triples in the negotiated format; 404 if there is no such graph.

    It runs as any query does: under the query timeout and the row cap (a cut answer says so
    in ``X-Result-Truncated``; ``/export`` streams a whole graph of any size). A large answer
    is streamed from a file the worker wrote, never held whole in the server.
    """
    chosen = choose_format(request.args.get("format"), graph=True)
    state = get_state()
    if graph is not None:
        with state.engine.reading() as store:
            if not graph_exists(store, graph):
                fail(404, f"there is no graph <{graph}>")
    max_rows = current_app.config["MAX_ROWS"]
    result = run_job(QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=chosen,
                              default_graphs=None if graph is None else (graph,),
                              max_rows=max_rows, stream=True))
    response = result_response(result, formats.media_type(chosen, graph=True))
    response.vary.add("Accept")
    response.headers["X-Result-Rows"] = str(result.rows)
    if result.truncated:
        response.headers["X-Result-Truncated"] = f"max-rows={max_rows}"
    return response


def body_triples(graph: str) -> list[Triple]:
    """The triples of the request body: one RDF document, or several as multipart/form-data."""
    parts: list[tuple[bytes, str, str]] = []
    if request.mimetype == "multipart/form-data":
        for name, upload in request.files.items(multi=True):
            parts.append((upload.read(), upload.mimetype, upload.filename or name))
        if not parts:
            fail(400, "the multipart body has no files")
    else:
        parts.append((request.get_data(), request.mimetype, "the request body"))
    merged = Graph()
    for data, media_type, name in parts:
        fmt = BODY_FORMATS.get(media_type)
        if fmt is None:
            fail(415, f"{name}: cannot read {media_type or 'a body without Content-Type'}; "
                      f"send one of {', '.join(BODY_FORMATS)}")
        try:
            merged += parse_rdf(data, fmt, name=name, base=graph)
        except ParseError as exc:
            fail(400, str(exc))
    return list(merged)
