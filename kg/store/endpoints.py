"""A remote store's URL read: its query, update and Graph Store endpoints, their credentials,
its timeout, and the URL as it may be shown (passwords hidden)."""

from __future__ import annotations

import base64
import urllib.parse
from dataclasses import dataclass

from kg.store.errors import StoreError

_DEFAULT_TIMEOUT = 60.0
_OWN_PARAMS = ("update", "store", "timeout", "dialect")

#: An endpoint URL without ``user:pass@``, and the Basic ``Authorization`` header they make.
Endpoint = tuple[str, str | None]


@dataclass(frozen=True)
class Endpoints:
    """Where a remote store answers queries, updates and Graph Store requests, and how long
    a request may take."""

    query: Endpoint
    update: Endpoint
    store: tuple[str | None, str | None]
    timeout: float
    #: The ``dialect=`` parameter (:mod:`kg.store.dialects`); None: ask the server.
    dialect: str | None = None


def endpoints_of(url: str, *, timeout: float | None = None) -> Endpoints:
    """The endpoints a query endpoint URL names, with the overrides of its own parameters.

    Raises:
        StoreError: for a URL that is not http(s), or a timeout that is not a positive number.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{redact_url(url)!r} is not an http(s) SPARQL endpoint URL")
    params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    own = {key: value for key, value in params if key in _OWN_PARAMS}
    rest = [(key, value) for key, value in params if key not in _OWN_PARAMS]
    query_url = urllib.parse.urlunsplit(
        parts._replace(query=urllib.parse.urlencode(rest), fragment="")
    )
    query_endpoint, query_auth = _split_credentials(query_url)
    update_url, store_url = _derived_endpoints(query_url)
    update_endpoint, update_auth = _split_credentials(own.get("update", update_url))
    store_url = own.get("store", store_url) or None
    store_endpoint: str | None = None
    store_auth: str | None = None
    if store_url is not None:
        store_endpoint, store_auth = _split_credentials(store_url)
    if timeout is None:
        try:
            timeout = float(own.get("timeout", _DEFAULT_TIMEOUT))
        except ValueError:
            raise StoreError(f"timeout={own['timeout']!r} is not a number of seconds") from None
    if timeout <= 0:
        raise StoreError("the timeout must be a positive number of seconds")
    # An override without its own credentials uses the query endpoint's.
    return Endpoints((query_endpoint, query_auth), (update_endpoint, update_auth or query_auth),
                     (store_endpoint, store_auth or query_auth), timeout,
                     own.get("dialect") or None)


def _split_credentials(url: str) -> tuple[str, str | None]:
    """``url`` without ``user:pass@``, and the Basic ``Authorization`` header they make."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


def redact_url(url: str) -> str:
    """``url`` with every password hidden: its own and those of URLs in its parameters
    (``update=``, ``store=``), so that it can be shown at /health, in ``kg stats`` or a log."""
    try:
        parts = urllib.parse.urlsplit(url)
        params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return "<a URL that cannot be shown>"
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, host = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:***@{host}"
    if any(key in _OWN_PARAMS and "@" in value for key, value in params):
        shown = [(key, redact_url(value) if key in _OWN_PARAMS else value)
                 for key, value in params]
        query = urllib.parse.urlencode(shown, safe=":/*@")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=query))
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _derived_endpoints(query_url: str) -> tuple[str, str | None]:
    """The update and Graph Store endpoints that usually go with a query endpoint."""
    parts = urllib.parse.urlsplit(query_url)
    path = parts.path

    def at(new_path: str) -> str:
        return urllib.parse.urlunsplit(parts._replace(path=new_path, query=""))

    segments = [s for s in path.split("/") if s]
    if path.rstrip("/") == "/query":  # Oxigraph server
        return at("/update"), at("/store")
    if len(segments) == 2 and segments[1] in ("query", "sparql"):  # Fuseki: /ds/query
        return at(f"/{segments[0]}/update"), at(f"/{segments[0]}/data")
    if len(segments) == 2 and segments[0] == "repositories":  # RDF4J, GraphDB
        return at(f"{path.rstrip('/')}/statements"), at(f"{path.rstrip('/')}/rdf-graphs/service")
    # Virtuoso, Blazegraph and the like take updates at the query endpoint.
    return query_url, None
