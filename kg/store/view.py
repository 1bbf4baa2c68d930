"""A store opened only to read: as it is, or a read-only view of a folder another process holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.store.base import Store
from kg.store.errors import StoreError
from kg.store.oxigraph import OxigraphStore


def open_for_reading(url: str, *, on_view: Callable[[str], None] | None = None) -> Store:
    """The store ``url`` names, which must exist; a read-only view if another process holds it.

    A store folder opens for writing in one process at a time, and `kg serve` holds its
    folder while it runs. RocksDB also opens a folder read-only beside its owner: the view is
    the store as it was when opened. pyoxigraph calls reading beside a process that is
    writing undefined, so a read that meets a write in progress may fail (a `kg serve`
    without --allow-update never writes). ``on_view`` is told when a view is opened.
    """
    from kg.store import open_store  # the registry of schemes imports this package

    try:
        return open_store(url, create=False)
    except StoreError as held:
        folder = Path(url.removeprefix("oxigraph:"))
        if not (folder / "CURRENT").is_file():
            raise
        try:
            view = OxigraphStore.read_only(folder)
        except StoreError:
            raise held from None
        if on_view is not None:
            on_view(f"{url} is in use by another process (kg serve?): reading a read-only view "
                    "of it as it is now")
        return view
