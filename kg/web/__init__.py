"""The SPARQL endpoint: a Flask app factory and one blueprint per concern.

Configuration comes from :data:`SETTINGS` (the defaults), then ``config.py`` in the instance
folder, then ``KG_*`` environment variables, then the mapping given to :func:`create_app`
(what ``kg serve`` passes from its options).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from typing import Any

from flask import Flask

from kg.terms import is_iri
from kg.vocab import DEFAULT_BASE

#: Every setting: its default and what it does. README.md documents each as ``KG_<NAME>``.
SETTINGS: dict[str, tuple[Any, str]] = {
    "STORE": ("kg-store", "The store: a folder, `memory:` (a temporary folder, removed at "
              "exit) or a SPARQL endpoint URL."),
    "BASE": (DEFAULT_BASE, "The IRI base of the data; IRIs under it dereference at `/id/…`."),
    "HOST": ("127.0.0.1", "The address `kg serve` binds."),
    "PORT": (8000, "The port `kg serve` listens on."),
    "PUBLIC_URL": (None, "The base URL people and programs use to reach the server (default: "
                   "`http://HOST:PORT/`). New graph IRIs, the service description and the "
                   "origins allowed to write are taken from it, never from the `Host` header."),
    "THREADS": (24, "Request threads of the waitress server. A quarter of them (at least 2) "
                "never wait on queries, so `/health` and pages answer under any load; the rest "
                "is how many queries are held at once, running or waiting for a worker."),
    "CONNECTION_LIMIT": (1000, "Open connections the server keeps at once; slow or idle ones "
                         "use no thread, only a slot."),
    "CHANNEL_TIMEOUT": (30, "Seconds a connection may stay silent before it is closed."),
    "ALLOW_UPDATE": (False, "Accept SPARQL updates, Graph Store writes and `/ingest`."),
    "UPDATE_TOKEN": (None, "The bearer token that writes must carry."),
    "NO_UPDATE_TOKEN": (False, "Accept writes without a token; refused unless the host is a "
                        "loopback address."),
    "SHACL_GATE": (True, "Check writes that touch the ontology's classes against the SHACL "
                   "shapes, as ingest does."),
    "QUERY_TIMEOUT": (30.0, "Seconds a query may run; then its worker is killed and the "
                      "client gets 503."),
    "MAX_ROWS": (10_000, "The most rows (or triples) one answer holds; a cut answer says so in "
                 "`X-Result-Truncated`."),
    "MAX_BODY": (16 * 1024 * 1024, "The largest request body in bytes; larger ones get 413."),
    "QUERY_WORKERS": (max(4, os.cpu_count() or 2), "Query worker processes; 0 runs queries "
                      "in the server process with a best-effort timeout."),
    "FAST_BUDGET": (1.0, "Seconds a query runs in the fast lane; one still running then "
                    "moves to the slow lane, at a lower CPU priority, or is stopped with 503 "
                    "and `Retry-After` if the slow lane (or the client's share of it) is full. "
                    "Sent again, it waits for a slow place."),
    "SLOW_WORKERS": (0, "Workers that slow queries may hold at once, always fewer than "
                     "`QUERY_WORKERS`; 0: half of them."),
    "SLOW_PER_CLIENT": (0, "Places of the slow lane that one client (remote address) may "
                        "hold, running or waiting; 0: half of them, at least one."),
    "SNAPSHOT_DIR": (None, "Where the workers' checkpoints go (default: beside the store)."),
    "ALLOW_SERVICE": (False, "Let queries use `SERVICE`, which makes the server fetch other "
                      "endpoints."),
    "ALLOW_LOAD": (False, "Let updates use `LOAD`, which makes the server fetch a URL."),
    "CORS_ORIGIN": ("*", "The `Access-Control-Allow-Origin` answer; empty turns CORS off."),
    "GZIP_MIN_SIZE": (1024, "Responses at least this large are gzipped for clients that "
                      "accept it."),
    "ACCESS_LOG": ("-", "Where the JSON access log goes: `-` for stderr, a file, or empty "
                   "for none."),
    "QUERIES_DIR": (None, "A folder of named queries to serve instead of the shipped ones."),
    "INDEX": (None, "The text index of a remote store (an SQLite file made by `kg reindex`), "
              "for `/search` and the named queries' word parameters; an embedded store keeps "
              "its own in its folder."),
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the endpoint app: settings, store, query engine and blueprints."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping({name: default for name, (default, _) in SETTINGS.items()})
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KG")
    if config is not None:
        app.config.from_mapping(config)
    settle_config(app.config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY"]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from kg.web import admin, graph_store, http, named_queries, pages, search, sparql, state
    from kg.web.explorer import bp as explorer_bp

    state.init_app(app)
    http.init_app(app)
    search.init_app(app)
    for module in (sparql, graph_store, named_queries, admin, pages, search):
        app.register_blueprint(module.bp)
    app.register_blueprint(explorer_bp)
    return app


def settle_config(config: dict[str, Any]) -> None:
    """Give every setting its default's type (environment variables arrive as text or JSON)."""
    for name, (default, _) in SETTINGS.items():
        value = config.get(name)
        if value is None or default is None:
            if name in _TEXT_OR_NONE and value is not None:
                config[name] = str(value) or None
            continue
        try:
            if isinstance(default, bool):
                config[name] = _truth(value)
            elif isinstance(default, int):
                config[name] = int(value)
            elif isinstance(default, float):
                config[name] = float(value)
            else:
                config[name] = str(value)
        except ValueError:
            raise ValueError(f"setting {name} (KG_{name}) = {value!r} is not valid") from None


    public = config.get("PUBLIC_URL")
    if public:
        parts = urllib.parse.urlsplit(str(public))
        if parts.scheme not in ("http", "https") or not parts.hostname or not is_iri(str(public)):
            raise ValueError(f"setting PUBLIC_URL (KG_PUBLIC_URL) = {public!r} is not an "
                             "http(s) URL")


_TEXT_OR_NONE = ("UPDATE_TOKEN", "SNAPSHOT_DIR", "QUERIES_DIR", "PUBLIC_URL", "INDEX")


def _truth(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)
