"""Serving the app with waitress: the listening server, its limits, and the process's sandbox.

``kg serve`` is a few lines over this: :func:`start` creates the app and binds its port,
:func:`run` serves until SIGINT or SIGTERM and releases everything.
"""

from __future__ import annotations

import contextlib
import resource
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import waitress
from flask import Flask
from waitress.server import BaseWSGIServer, MultiSocketServer

from kg import SERVER_SOFTWARE, __version__
from kg.sandbox import forbid_network
from kg.store import StoreError, redact_url
from kg.web import create_app
from kg.web.state import close_app, get_state


class ServeError(Exception):
    """The server cannot start: a bad setting, a store that cannot be opened, a busy port."""


@dataclass
class Serving:
    """A server listening with its app: where it is, and what it says about itself."""

    app: Flask
    server: BaseWSGIServer | MultiSocketServer
    url: str
    notes: tuple[str, ...]  # for the operator: what holds and what does not

    def banner(self) -> str:
        """The line that says what is served where."""
        settings = self.app.config
        writes = "updates on" if settings["ALLOW_UPDATE"] else "read-only"
        return (f"Serving {redact_url(str(settings['STORE']))} at {self.url} "
                f"(SPARQL endpoint: {self.url}sparql; {writes})")


def start(config: Mapping[str, Any]) -> Serving:
    """Create the app and bind its port; the process then takes no new outbound connection.

    Raises:
        ServeError: for settings, a store or an address that cannot be used.
    """
    try:
        app = create_app(config)
    except (StoreError, ValueError) as exc:
        raise ServeError(str(exc)) from None
    settings = app.config
    _raise_open_files_limit(settings["CONNECTION_LIMIT"])
    try:
        server = waitress.create_server(
            app,
            host=settings["HOST"],
            port=settings["PORT"],
            threads=settings["THREADS"],
            max_request_body_size=settings["MAX_BODY"],
            # A streamed answer (a large one, /export) waits for the client past 1 MiB
            # unsent, where waitress would keep 16 MiB per connection in memory.
            outbuf_high_watermark=1024 * 1024,
            # Slow and idle connections hold a slot each, never a thread: with many slots and
            # a short silence allowed, they cannot starve the clients that send requests.
            connection_limit=settings["CONNECTION_LIMIT"],
            channel_timeout=settings["CHANNEL_TIMEOUT"],
            cleanup_interval=max(1, min(30, settings["CHANNEL_TIMEOUT"] // 2)),
            asyncore_use_poll=True,  # select() stops at 1024 descriptors
            ident=f"{SERVER_SOFTWARE}/{__version__}",
            clear_untrusted_proxy_headers=True,
        )
    except OSError as exc:
        close_app(app)
        raise ServeError(f"cannot listen on {settings['HOST']}:{settings['PORT']}: "
                         f"{exc.strerror or exc}") from None
    host = settings["HOST"] if ":" not in settings["HOST"] else f"[{settings['HOST']}]"
    url = f"http://{host}:{server.effective_port}/"
    if not settings.get("PUBLIC_URL"):
        settings["PUBLIC_URL"] = url  # the port the system picked, for IRIs and origins
    return Serving(app, server, url, _forbid_network(app))


def _forbid_network(app: Flask) -> tuple[str, ...]:
    """The server listens already; from now on its process needs no new connection, unless
    the store is another server. Belt and braces beside the SPARQL analysis."""
    with app.app_context():
        remote = get_state().remote
    if remote:
        return ("the store is a remote server, so outbound connections stay possible in this "
                "process; SERVICE and LOAD are still refused",)
    reason = forbid_network()
    return () if reason is None else (f"outbound connections are not blocked: {reason}",)


def run(serving: Serving) -> None:
    """Serve until SIGINT or SIGTERM, then close the server, the store and the workers."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        serving.server.run()
    except KeyboardInterrupt:
        pass
    finally:
        serving.server.close()
        close_app(serving.app)


def _raise_open_files_limit(connections: int) -> None:
    """Let the process hold a descriptor per connection beside the store's files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 1024
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
