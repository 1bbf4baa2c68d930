"""New named graphs written with the store's bulk loader, all or nothing as seen after a crash.

Oxigraph's bulk loader writes several times faster than a transaction but is not one: a
process killed halfway may leave part of what it was given. So the graphs of a bulk write are
named first in a marker file in the store's folder (:data:`MARKER_FILE`, written whole and
synced before the loader starts), and the marker goes only once the loader has finished. The
next open for writing finds a marker left by a write that did not finish, and undoes it: the
graphs it names are dropped, with what only they held in the default graph, and the default
graph is made the merge again (the loader may have written a triple to the default graph and
not yet to its named graph). Only graphs that did not exist are written this way, so dropping
them is going back to the store as it was before the write.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from kg.store.errors import StoreError
from kg.store.fault import wrote

#: The marker of a bulk write in progress, in the store's folder (RocksDB leaves it alone).
MARKER_FILE = "kg-bulk-write.json"


def marker_path(folder: Path) -> Path:
    """Where the marker of a bulk write into the store at ``folder`` is kept."""
    return folder / MARKER_FILE


def begin(folder: Path, graphs: Sequence[str]) -> None:
    """Name the graphs of a bulk write about to start, durably, before any quad is written."""
    marker = marker_path(folder)
    partial = marker.with_name(marker.name + ".part")
    try:
        with partial.open("w", encoding="utf-8") as out:
            json.dump({"graphs": list(graphs)}, out)
            out.flush()
            os.fsync(out.fileno())
        # A rename is atomic: a marker is either whole or absent, never half written.
        partial.replace(marker)
        _sync_folder(folder)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot begin a bulk write in {folder}, nothing was written: "
                         f"{exc}") from None


def write(folder: Path, graphs: Sequence[str], load: Callable[[], None],
          undo: Callable[[], None]) -> None:
    """Run ``load``, the bulk loader writing the new ``graphs``, between the marks; ``undo``
    drops what it wrote if it fails (StoreError either way)."""
    begin(folder, graphs)
    wrote("bulk-begin")
    try:
        load()
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        # The loader may have written part of the graphs: they go now, or failing that (a
        # full disk) at the next use of the store, which reopens it.
        with contextlib.suppress(StoreError):
            undo()
        raise StoreError(f"the store failed to write, nothing was kept: {exc}") from None
    wrote("bulk-extend")
    try:
        complete(folder)
    except OSError as exc:
        # Kept, the marker would have the next open drop graphs reported stored.
        raise StoreError(f"cannot mark a bulk write complete ({exc}): its graphs "
                         "go when the store is next opened") from None


def complete(folder: Path) -> None:
    """Mark the bulk write finished: its graphs stay."""
    marker_path(folder).unlink(missing_ok=True)
    _sync_folder(folder)


def interrupted(folder: Path) -> list[str] | None:
    """The graphs of a bulk write that did not finish, or None if none was left."""
    marker = marker_path(folder)
    marker.with_name(marker.name + ".part").unlink(missing_ok=True)  # never begun
    try:
        text = marker.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read the marker of an interrupted bulk write {marker}: "
                         f"{exc}") from None
    try:
        graphs = json.loads(text)["graphs"]
    except (ValueError, KeyError, TypeError) as exc:
        # begin() renames a whole file into place: this one was not written by it.
        raise StoreError(f"{marker} is not the marker of a bulk write ({exc}): remove it "
                         "and run `kg check --repair`") from None
    if not isinstance(graphs, list) or not all(isinstance(g, str) for g in graphs):
        raise StoreError(f"{marker} is not the marker of a bulk write: remove it and run "
                         "`kg check --repair`")
    return graphs


def _sync_folder(folder: Path) -> None:
    """Make a rename or removal in ``folder`` durable (a crash of the machine, not only of
    the process, would otherwise lose it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
