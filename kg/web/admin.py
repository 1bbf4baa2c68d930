"""Health, validation, export and ingest: /health, /validate, /export, /ingest."""

from __future__ import annotations

import contextlib
import io
import queue
import threading
from collections.abc import Callable, Iterator
from typing import IO

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context
from werkzeug.formparser import FormDataParser

from kg import __version__, pipeline
from kg.model import ParseError
from kg.pipeline import Source, upload_source
from kg.rdffile import parse_rdf
from kg.store import DUMP_FORMATS, StoreError
from kg.store.admission import EngineBusy
from kg.validate import validate
from kg.web import formats
from kg.web.graph_store import BODY_FORMATS
from kg.web.http import fail, require_write_access, write_failed
from kg.web.state import State, get_state

bp = Blueprint("admin", __name__)

_CHUNK = 64 * 1024
#: The input formats of ``kg ingest --format``.
INPUT_FORMATS = ("event-page", "day-index", "article", "wikitimes")


@bp.get("/health")
def health() -> Response:
    """Whether the store answers, how much it holds, and the state of the query engine."""
    state = get_state()
    body: dict[str, object] = {"status": "ok", "version": __version__, "store": state.store.url}
    try:
        # Counted once per checkpoint: /health stays fast however large the store.
        body["triples"], body["quads"] = state.engine.counts()
    except StoreError as exc:
        body.update(status="unavailable", error=str(exc))
    if body["status"] == "ok" and state.store.write_failure is not None:
        # Reads still work; writes fail until the cause (a full disk) is gone: the next write
        # reopens the store and tries again.
        body.update(status="degraded", error=state.store.write_failure)
    body["checks"] = {f.name: "ok" if f.ok else f"FAIL: {f.detail}" for f in state.checks}
    body["updates"] = bool(current_app.config["ALLOW_UPDATE"])
    body.update(state.engine.status())
    response = jsonify(body)
    response.status_code = 503 if body["status"] == "unavailable" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/validate")
def validate_body() -> Response:
    """The SHACL report for the RDF in the body, as JSON (default), Turtle or text."""
    fmt = BODY_FORMATS.get(request.mimetype)
    if fmt is None:
        fail(415, f"send RDF as one of {', '.join(BODY_FORMATS)}, not "
                  f"{request.mimetype or 'a body without Content-Type'}")
    try:
        graph = parse_rdf(request.get_data(), fmt, name="the request body")
    except ParseError as exc:
        fail(400, str(exc))
    report = validate(graph, source="the request body")
    best = request.accept_mimetypes.best_match(["application/json", "text/turtle", "text/plain"])
    if best == "text/turtle":
        return Response(report.to_turtle(), content_type="text/turtle; charset=utf-8")
    if best == "text/plain":
        return Response(report.to_text(), content_type="text/plain; charset=utf-8")
    return Response(report.to_json(), content_type="application/json")


@bp.get("/export")
def export() -> Response:
    """Stream the whole dataset, or one graph (``graph=``), as a download."""
    chosen = request.args.get("format", "nquads")
    try:
        name = formats.choose(request.accept_mimetypes, chosen, graph=True)
    except formats.UnknownFormat as exc:
        fail(406, str(exc))
    if name is None or name not in DUMP_FORMATS:
        fail(406, f"cannot export as {chosen}; use one of {', '.join(DUMP_FORMATS)}")
    graph = request.args.get("graph") or None
    state = get_state()
    # A whole-store read is slow work: it takes a place in the slow lane, as a slow query
    # does, or is refused at once, so that exports cannot starve cheap queries.
    try:
        release = state.hold_slow_place(request.remote_addr or "-")
    except EngineBusy as exc:
        fail(503, str(exc), {"Retry-After": str(exc.retry_after)})
    try:
        response = _export(state, name, graph, release)
    except BaseException:
        release()
        raise
    response.call_on_close(release)  # also if the client went away before the first byte
    return response


def _export(state: State, name: str, graph: str | None, release: Callable[[], None]
            ) -> Response:
    """The streamed answer of /export; ``release`` is called once the last byte is out."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=16)
    stop = threading.Event()

    class Pipe:
        def write(self, data: bytes) -> int:
            if stop.is_set():
                raise BrokenPipeError("the client went away")
            chunks.put(bytes(data))
            return len(data)

        def flush(self) -> None:
            """Nothing is buffered here."""

    def produce() -> None:
        try:
            with state.engine.reading() as store:
                store.dump(Pipe(), name, graph=graph)  # type: ignore[arg-type]
        except BaseException as exc:
            chunks.put(exc)
        else:
            chunks.put(None)

    # Fail before the first byte for a graph that does not exist.
    if graph is not None:
        with state.engine.reading() as store:
            if graph not in set(store.named_graphs()):
                fail(404, f"there is no graph <{graph}>")

    def stream() -> Iterator[bytes]:
        producer = threading.Thread(target=produce, name="kg-export", daemon=True)
        producer.start()
        try:
            pending = bytearray()
            while True:
                item = chunks.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                pending += item
                if len(pending) >= _CHUNK:
                    yield bytes(pending)
                    pending.clear()
            if pending:
                yield bytes(pending)
        finally:
            stop.set()
            while producer.is_alive():  # let a blocked writer finish
                with contextlib.suppress(queue.Empty):
                    chunks.get(timeout=0.1)
            release()

    extension = formats.EXTENSIONS[name]
    response = Response(stream_with_context(stream()),
                        content_type=formats.media_type(name, graph=True))
    response.headers["Content-Disposition"] = f'attachment; filename="kg-export.{extension}"'
    return response


def _in_memory(total_content_length: int | None, content_type: str | None,
               filename: str | None, content_length: int | None = None) -> IO[bytes]:
    """Where a multipart file goes while it is parsed: memory, whatever its size."""
    return io.BytesIO()


def _uploaded_sources() -> list[Source]:
    """The documents of an /ingest request, held in memory and named by their uploads."""
    # Nothing is written to disk: a file in a shared temporary folder is one that another
    # local user can prepare or link elsewhere. Werkzeug would spill a multipart file over
    # 500 KiB to a temporary file; its parser is given memory instead. Flask has already
    # refused a body over MAX_BODY, so memory is bounded.
    if request.mimetype != "multipart/form-data":
        if not (request.content_length or request.data):
            return []
        return [upload_source(request.args.get("name", ""), request.get_data())]
    parser = FormDataParser(
        stream_factory=_in_memory,
        max_form_memory_size=request.max_form_memory_size,
        max_content_length=request.max_content_length,
        max_form_parts=request.max_form_parts,
        cls=request.parameter_storage_class,
    )
    _, _, files = parser.parse(request.stream, request.mimetype, request.content_length,
                               request.mimetype_params)
    return [upload_source(upload.filename or key, upload.read())
            for key, upload in files.items(multi=True)]


@bp.post("/ingest")
def ingest() -> Response:
    """Ingest uploaded documents (the body, or multipart files) and answer the ingest report."""
    require_write_access()
    fmt = request.args.get("format") or None
    if fmt is not None and fmt not in INPUT_FORMATS:
        fail(400, f"unknown input format {fmt!r}; use one of {', '.join(INPUT_FORMATS)}")
    sources = _uploaded_sources()
    if not sources:
        fail(400, "send a document as the body (with ?name=file.txt), or files as "
                  "multipart/form-data")
    state = get_state()
    # Ingest keeps the derived data's records itself: links recomputed, inference made stale.
    with state.writing() as store:
        try:
            report = pipeline.ingest(store, sources, format=fmt, base=current_app.config["BASE"],
                                    validate=current_app.config["SHACL_GATE"])
        except StoreError as exc:
            write_failed(state.store, exc)
    body = {
        "stored": report.count("stored"),
        "unchanged": report.count("unchanged"),
        "skipped": report.count("skipped"),
        "failed": len(report.failures),
        "triples_added": report.triples_added,
        "triples": report.triples_after,
        "results": [
            {"file": r.path, "status": r.status, "triples": r.triples,
             "events": r.events, "articles": r.articles, "message": r.message,
             "warnings": list(r.warnings)}
            for r in report.results
        ],
    }
    response = jsonify(body)
    response.status_code = 422 if report.failures and not report.count("stored") else 200
    if report.error is not None:
        # Stopped by the store: what was stored stays (the results say which).
        body["error"] = report.error
        response = jsonify(body)
        response.status_code = 503 if state.store.write_failure is not None else 500
        if response.status_code == 503:
            response.headers["Retry-After"] = "30"
    return response
