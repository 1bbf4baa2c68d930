"""Where an embedded store lives: a folder, ``oxigraph:PATH``, a ``file:`` URL, or ``memory:``.

The openers :data:`kg.store.SCHEMES` registers for the embedded backend.
"""

from __future__ import annotations

import os
import urllib.parse
import urllib.request
from pathlib import Path

from kg.store.errors import StoreError
from kg.store.oxigraph import MEMORY_URL, OxigraphStore


def is_memory_url(url: str) -> bool:
    """Whether ``url`` names the in-memory store (``memory:``, in any case, a ``/`` allowed)."""
    return url.strip().lower().rstrip("/") == MEMORY_URL


def open_folder(
    path: str | os.PathLike[str], *, create: bool = True, url: str | None = None
) -> OxigraphStore:
    """Open the embedded store in a folder, shown as ``url`` if given.

    With ``create=False`` a folder that holds no store is an error rather than a new store.
    """
    if not create and not (Path(path) / "CURRENT").is_file():
        raise StoreError(
            f"there is no store at {os.fspath(path)} (check --store or KG_STORE; "
            "`kg ingest` creates a store)"
        )
    return OxigraphStore(path, url=url)


def open_memory(url: str, *, create: bool = True) -> OxigraphStore:
    """Open a new, empty store in memory for ``memory:``."""
    if not is_memory_url(url):
        raise StoreError(f"{url!r}: an in-memory store is named just 'memory:'")
    return OxigraphStore(None)


def open_oxigraph_url(url: str, *, create: bool = True) -> OxigraphStore:
    """Open the embedded store that ``oxigraph:PATH`` names."""
    path = url.partition(":")[2]
    if not path:
        raise StoreError(f"{url!r}: give the folder, e.g. oxigraph:./kg-store")
    return open_folder(path, create=create, url=url)


def open_file_url(url: str, *, create: bool = True) -> OxigraphStore:
    """Open the embedded store in the local folder that a ``file:`` URL names."""
    parts = urllib.parse.urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise StoreError(f"{url!r}: a file: URL must name a local folder")
    return open_folder(urllib.request.url2pathname(parts.path), create=create, url=url)
