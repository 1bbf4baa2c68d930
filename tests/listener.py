"""A real HTTP server on loopback that records every request it gets.

For the tests that check what a client sent, or that nothing was fetched at all: a GET is
answered with a JSON-LD context (what a document would fetch), a POST with a SPARQL ASK
answer ``true`` (what a store would ask). ``tests/conftest.py`` gives it as the ``recorder``
fixture.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message

#: What a GET is answered with.
CONTEXT = {"@context": {"name": "http://schema.org/name"}}
#: What a POST is answered with.
ASK_TRUE = {"head": {}, "boolean": True}


@dataclass(frozen=True)
class Request:
    """One request as the server read it."""

    method: str
    path: str
    headers: Message  # looked up without regard to case, as HTTP reads them
    body: str


class _Server(http.server.ThreadingHTTPServer):
    requests: list[Request]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._answer(CONTEXT, "application/ld+json")

    def do_POST(self) -> None:
        self._answer(ASK_TRUE, "application/sparql-results+json")

    def _answer(self, data: object, media_type: str) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode() if length else ""
        self.server.requests.append(Request(self.command, self.path, self.headers, body))
        answer = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Recorder:
    """The server's base URL (``http://127.0.0.1:PORT``) and the requests it has had."""

    url: str
    requests: list[Request]


@contextmanager
def recording_server() -> Iterator[Recorder]:
    """Run a recording server for the block; it is stopped (and its thread joined) after."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, name="recorder", daemon=True)
    thread.start()
    try:
        yield Recorder(f"http://127.0.0.1:{server.server_address[1]}", server.requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
