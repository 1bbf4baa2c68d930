"""HTTP around the blueprints: error bodies, write access, CORS, headers, gzip, access log."""

from __future__ import annotations

import gzip
import hmac
import json
import sys
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any, NoReturn

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from kg.store import Store, StoreError
from kg.web.state import is_loopback

COMPRESSIBLE = (
    "text/",
    "application/sparql-results",
    "application/json",
    "application/ld+json",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "application/xml",
    "application/javascript",
)
EXPOSED_HEADERS = "X-Result-Rows, X-Result-Truncated, Location"
#: Sent with every response. The pages load only this server's own scripts and styles, and
#: no other site may frame them (clickjacking) or learn which of them was open (referrer).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class Problem(Exception):
    """An error answered with a status and a message for people."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def fail(status: int, message: str, headers: dict[str, str] | None = None) -> NoReturn:
    """Stop handling the request and answer ``status`` with ``message``."""
    raise Problem(status, message, headers)


def write_failed(store: Store, error: StoreError) -> NoReturn:
    """Answer a failed write: 503 while the store cannot write (a full disk), else 400."""
    if store.write_failure is not None:
        fail(503, f"the store cannot write now, nothing was changed: {error}; the next write "
                  "tries again", {"Retry-After": "30"})
    fail(400, f"the write failed and changed nothing: {error}")


def problem_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text error body, one readable message."""
    return Response(message.rstrip("\n") + "\n", status=status,
                    content_type="text/plain; charset=utf-8", headers=headers)


def public_url() -> str:
    """The base URL of this server as its operator published it, ending in ``/``.

    ``PUBLIC_URL`` when set; otherwise the address it listens on. Never the request's
    ``Host`` header, which any client sets as it likes: IRIs minted from it (new graphs, the
    service description) would be the client's choice.
    """
    config = current_app.config
    configured = config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/") + "/"
    host = str(config["HOST"])
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{config['PORT']}/"


def own_origins() -> set[str]:
    """The origins whose pages may write here: the public URL's, and loopback names."""
    parts = urllib.parse.urlsplit(public_url())
    origins = {f"{parts.scheme}://{parts.netloc}".lower()}
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if is_loopback(parts.hostname or ""):
        origins |= {f"http://{name}:{port}" for name in _LOOPBACK_NAMES}
    return origins


def refuse_cross_site_writes() -> None:
    """Refuse a write sent by a page of another site (cross-site request forgery).

    Browsers name the page's origin in ``Origin`` (and ``Sec-Fetch-Site``) on every POST,
    PUT and DELETE; programs such as curl send neither and are let through to the token
    check. A form on any web page can POST here without asking first, so this holds in every
    mode, and it is all that protects a server started with ``--no-update-token``.
    """
    site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if site and site not in ("same-origin", "none"):
        fail(403, f"writes from another site are refused (Sec-Fetch-Site: {site})")
    origin = request.headers.get("Origin")
    if origin is not None and origin.strip().lower().rstrip("/") not in own_origins():
        fail(403, f"writes from pages of another origin are refused (Origin: {origin[:200]}); "
                  "set KG_PUBLIC_URL to the address people use for this server")


def require_write_access() -> None:
    """Let the request write only if updates are on, it comes from no other site, and it
    carries the token (unless the operator turned tokens off on a loopback address)."""
    config = current_app.config
    g.kg_write = True  # no CORS headers on the answer: other sites' scripts may not write
    if not config["ALLOW_UPDATE"]:
        fail(403, "updates are off on this endpoint (the operator can start it with "
                  "--allow-update)")
    refuse_cross_site_writes()
    if config["NO_UPDATE_TOKEN"]:
        # Without a token, a page of any site whose name resolves to 127.0.0.1 (DNS
        # rebinding) would be same-origin: only the server's own names are accepted.
        host = request.host.lower()
        own = {urllib.parse.urlsplit(o).netloc for o in own_origins()}
        if host not in own:
            fail(403, f"tokenless writes are accepted only at this server's own address, not "
                      f"{request.host[:200]}")
        return
    token = config["UPDATE_TOKEN"]
    if not token:
        fail(403, "updates need a token and none is configured (set KG_UPDATE_TOKEN)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="kg"'}
    if scheme.lower() != "bearer" or not given.strip():
        fail(401, "this request writes: send the update token as 'Authorization: Bearer "
                  "<token>'", challenge)
    if not hmac.compare_digest(given.strip().encode(), str(token).encode()):
        fail(401, "the update token is wrong", {**challenge, "WWW-Authenticate":
                                                'Bearer realm="kg", error="invalid_token"'})


def init_app(app: Flask) -> None:
    """Install error handling, CORS, gzip and the JSON access log."""

    @app.errorhandler(Problem)
    def on_problem(error: Problem) -> Response:
        return problem_response(error.status, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException) -> Response:
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        message = error.description or error.name
        if error.code == 413:
            message = (f"the request body is larger than this endpoint accepts "
                       f"({app.config['MAX_BODY']} bytes)")
        return problem_response(error.code or 500, message, headers)

    @app.after_request
    def headers_and_gzip(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        origin = app.config["CORS_ORIGIN"]
        # CORS for reads only: another site's script may query, never write.
        if origin and not g.get("kg_write"):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, POST, HEAD, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
                response.headers["Access-Control-Max-Age"] = "3600"
            if origin != "*":
                response.vary.add("Origin")
        return _gzip(response, app.config["GZIP_MIN_SIZE"])

    target = app.config["ACCESS_LOG"]
    if target:
        log = AccessLog(app.wsgi_app, target)
        app.wsgi_app = log  # type: ignore[method-assign]
        app.extensions["kg-access-log"] = log


def _gzip(response: Response, min_size: int) -> Response:
    if (
        request.method == "HEAD"
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or response.direct_passthrough  # files sent as they are (static assets)
        or request.accept_encodings["gzip"] <= 0
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return response
    response.vary.add("Accept-Encoding")
    if response.is_streamed:
        response.response = _gzip_stream(response.response)
        response.direct_passthrough = False
        response.headers.pop("Content-Length", None)
    else:
        data = response.get_data()
        if len(data) < min_size:
            return response
        response.set_data(gzip.compress(data, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    return response


def _gzip_stream(chunks: Iterable[bytes] | Iterable[str]) -> Iterator[bytes]:
    compressor = zlib.compressobj(5, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
    try:
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            out = compressor.compress(data)
            if out:
                yield out
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


class AccessLog:
    """WSGI middleware: one JSON line per request, written when the response is finished."""

    def __init__(self, app: Callable[..., Any], target: str) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._own = target != "-"
        self.out: IO[str] = open(target, "a", encoding="utf-8") if self._own else sys.stderr  # noqa: SIM115

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.perf_counter()
        seen: dict[str, Any] = {}

        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"] = int(status.split(" ", 1)[0])
            seen["type"] = next((v for k, v in headers if k.lower() == "content-type"), None)
            seen["truncated"] = next(
                (v for k, v in headers if k.lower() == "x-result-truncated"), None)
            return start_response(status, headers, exc_info)

        body = self.app(environ, record)
        return _Counted(body, lambda sent: self._write(environ, seen, sent, started))

    def _write(self, environ: dict[str, Any], seen: dict[str, Any], sent: int,
               started: float) -> None:
        query = environ.get("QUERY_STRING", "")
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "remote": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": query[:500] + ("…" if len(query) > 500 else ""),
            "status": seen.get("status"),
            "bytes": sent,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "type": seen.get("type"),
            "agent": environ.get("HTTP_USER_AGENT"),
        }
        if seen.get("truncated"):
            entry["truncated"] = seen["truncated"]
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            try:
                self.out.write(line + "\n")
                self.out.flush()
            except (OSError, ValueError):
                pass

    def close(self) -> None:
        """Close the log file if this log opened one."""
        if self._own:
            self.out.close()


class _Counted:
    """A response body that counts the bytes sent and reports them when closed."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self.body = body
        self.done = done
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.sent)
