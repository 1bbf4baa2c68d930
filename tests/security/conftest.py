"""Fixtures for the attack suite: a listener that records every connection made to it.

Each test points its attack at the listener (an internal URL an attacker would like the
server to call) and asserts that nobody connected. The listener answers a connection with a
valid SPARQL result, as a real internal service would, so that a leak also shows in the
response the attacker gets back.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.web.state import close_app
from tests.web.conftest import (  # noqa: F401  (fixtures shared with tests/web)
    TOKEN,
    copy_store,
    example_store,
    make_app,
    writable_app,
    writer,
)

_ANSWER = (b'{"head":{"vars":["leak"]},"results":{"bindings":[{"leak":'
           b'{"type":"literal","value":"INTERNAL-SECRET"}}]}}')


class Listener:
    """A TCP server on 127.0.0.1 that counts connections, answers each, and closes it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="listener", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    request = conn.recv(4096)
                except OSError:
                    request = b""
                self.connections.append(request)
                header = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json"
                          b"\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(_ANSWER))
                with contextlib.suppress(OSError):
                    conn.sendall(header + _ANSWER)

    def assert_untouched(self) -> None:
        """Nobody connected to the listener."""
        assert not self.connections, f"the listener was reached: {self.connections[:2]!r}"

    def close(self) -> None:
        """Stop accepting and close the socket."""
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A fresh listener; the test must leave it untouched."""
    recorder = Listener()
    try:
        yield recorder
    finally:
        recorder.close()


@pytest.fixture(scope="module")
def secure_app(example_store: Path,  # noqa: F811
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app that takes writes with the token, query workers in processes (sandboxed)."""
    folder = copy_store(example_store, tmp_path_factory.mktemp("secure") / "store")
    application = make_app(folder, ALLOW_UPDATE=True, UPDATE_TOKEN=TOKEN)
    yield application
    close_app(application)


@pytest.fixture(scope="module")
def inline_app(example_store: Path,  # noqa: F811
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app that runs queries in its own process (KG_QUERY_WORKERS=0), writes with a token."""
    folder = copy_store(example_store, tmp_path_factory.mktemp("inline") / "store")
    application = make_app(folder, ALLOW_UPDATE=True, UPDATE_TOKEN=TOKEN, QUERY_WORKERS=0)
    yield application
    close_app(application)
