"""The store: one interface (:mod:`kg.store.base`) and its backends, chosen by URL scheme.

``open_store`` takes a folder (or ``oxigraph:PATH``, or a ``file:`` URL) for an embedded
Oxigraph store on disk, ``memory:`` for one in memory, or the ``http(s)://`` query endpoint of a
SPARQL 1.1 server. Every backend speaks rdflib terms and keeps one named graph per document;
the default graph is kept as the merge of the named graphs.

The backends are found in :data:`SCHEMES`, a registry from URL scheme to the function that
opens such a URL (as rdflib finds its stores by plugin name); a text with no scheme is a
folder. :mod:`kg.store.pool` runs queries in worker processes on checkpoints of a store.
"""

from __future__ import annotations

import os
import re
from typing import Protocol

from kg.store.answers import DUMP_FORMATS, RESULTS_FORMATS
from kg.store.base import QueryKind, QueryResult, RawResult, Store
from kg.store.bindings import Binding
from kg.store.bindings import _with_values as _with_values  # for tests of the VALUES block
from kg.store.endpoints import redact_url
from kg.store.errors import NotAStore, QuerySyntaxError, StoreClosed, StoreError
from kg.store.locations import (
    is_memory_url,
    open_file_url,
    open_folder,
    open_memory,
    open_oxigraph_url,
)
from kg.store.oxigraph import MEMORY_URL, OxigraphStore
from kg.store.remote import SparqlStore, open_remote
from kg.terms import Triple

__all__ = [
    "DUMP_FORMATS",
    "MEMORY_URL",
    "RESULTS_FORMATS",
    "SCHEMES",
    "Binding",
    "NotAStore",
    "OxigraphStore",
    "QueryKind",
    "QueryResult",
    "QuerySyntaxError",
    "RawResult",
    "SparqlStore",
    "Store",
    "StoreClosed",
    "StoreError",
    "StoreOpener",
    "Triple",
    "is_memory_url",
    "open_folder",
    "open_store",
    "redact_url",
    "register_scheme",
]


class StoreOpener(Protocol):
    """Opens the store a URL of one scheme names (the URL given whole, stripped)."""

    def __call__(self, url: str, *, create: bool = True) -> Store: ...


#: The backends by URL scheme (lower case, without the colon).
SCHEMES: dict[str, StoreOpener] = {
    "oxigraph": open_oxigraph_url,
    "file": open_file_url,
    "memory": open_memory,
    "http": open_remote,
    "https": open_remote,
}

# A URL scheme of two letters or more, so that a Windows drive letter stays a path.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:")


def register_scheme(scheme: str, opener: StoreOpener) -> None:
    """Make ``open_store`` open URLs of ``scheme`` with ``opener``."""
    SCHEMES[scheme.lower()] = opener


def open_store(url: str | os.PathLike[str], *, create: bool = True) -> Store:
    """Open the store a URL names: a folder, ``oxigraph:PATH``, ``file:``, ``memory:``, ``http(s)://``.

    With ``create=False`` (commands that only read) a folder that holds no store is an error
    rather than a new, empty store: a mistyped name must not look like an empty graph.
    """
    if isinstance(url, os.PathLike):
        return open_folder(url, create=create)
    text = url.strip()
    if not text:
        raise StoreError("no store URL given: use a folder, memory:, or a SPARQL endpoint URL")
    if not _SCHEME.match(text):
        return open_folder(text, create=create)
    scheme = text.partition(":")[0].lower()
    opener = SCHEMES.get(scheme)
    if opener is None:
        raise StoreError(
            f"{text!r}: unknown store URL scheme {scheme!r}; use a folder, oxigraph:PATH, "
            "file:PATH, memory:, or an http(s):// SPARQL endpoint"
        )
    return opener(text, create=create)
