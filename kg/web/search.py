"""Full-text search at /search: ranked events, articles and named things with snippets."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from kg.pipeline import KINDS, MAX_LIMIT, IndexUnavailable, SearchError, search, use_index
from kg.web.http import fail
from kg.web.state import get_state

bp = Blueprint("search", __name__)


def init_app(app: Flask) -> None:
    """Give a remote store the text index of the ``INDEX`` setting (an embedded store, or one
    in memory, has its own, opened on first use and kept as long as the store)."""
    if app.config["INDEX"]:
        with app.app_context():
            use_index(get_state().store, app.config["INDEX"])


@bp.get("/search")
def run() -> Response:
    """Search: ``q`` (words, "a phrase", OR, NOT, a prefix*), ``kind`` (repeatable) and
    ``limit``; 400 for a search FTS5 cannot read, 503 when there is no index to search."""
    text = request.args.get("q", "")
    kinds = request.args.getlist("kind")
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        fail(400, f"no kind {', '.join(unknown)}: the kinds are {', '.join(KINDS)}")
    try:
        limit = int(request.args.get("limit", "20"))
    except ValueError:
        fail(400, f"limit must be a whole number from 1 to {MAX_LIMIT}")
    if not 1 <= limit <= MAX_LIMIT:
        fail(400, f"limit must be a whole number from 1 to {MAX_LIMIT}")
    try:
        hits = search(get_state().store, text, kinds=kinds or KINDS, limit=limit)
    except IndexUnavailable as exc:
        fail(503, str(exc))
    except SearchError as exc:
        fail(400, str(exc))
    return jsonify({"query": text, "results": [hit.to_json() for hit in hits]})
