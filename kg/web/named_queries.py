"""The named queries of queries/ at /queries: listed, and run with safely bound parameters."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from kg.queries import NamedQuery, QueryParamError, bind_params, query_text
from kg.web.http import fail
from kg.web.sparql import answer_query
from kg.web.state import get_state

bp = Blueprint("named_queries", __name__)

#: Request parameters that are not query parameters.
RESERVED = frozenset({"format", "download"})


def describe(query: NamedQuery) -> dict[str, object]:
    """A named query as JSON: name, title, description, parameters, URL, text."""
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "params": [
            {"name": p.name, "type": p.type, "description": p.description, "default": p.default,
             "within": list(p.within) if p.within else None}
            for p in query.params
        ],
        "url": url_for("named_queries.run", name=query.name),
        "query": query.text,
    }


@bp.get("/queries")
def listing() -> Response:
    """Every named query with its parameters."""
    return jsonify({"queries": [describe(q) for q in get_state().queries.values()]})


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    """Run a named query; each parameter is bound as an RDF term, never pasted into the text."""
    query = get_state().queries.get(name)
    if query is None:
        fail(404, f"no named query {name!r}; see /queries")
    values = {k: v for k, v in request.args.items() if k not in RESERVED}
    try:
        bindings = bind_params(query, values, store=get_state().store)
    except QueryParamError as exc:
        fail(400, str(exc))
    return answer_query(query_text(query, get_state().store), request.args, bindings=bindings)
