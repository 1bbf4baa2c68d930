"""A client's update previewed on a checkpoint of the embedded store: what some graphs would
hold after it, so that the gate can judge them before the store itself is written."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.store.answers import _ox_triple
from kg.store.bindings import _graph_node
from kg.store.errors import query_errors
from kg.store.tempfiles import PREVIEW_PREFIX, remove_dead_previews
from kg.terms import Triple


def preview_on_copy(backup: Callable[[Path], None], parent: Path, update_text: str,
                    graphs: Sequence[str]) -> dict[str, list[Triple]]:
    """What ``graphs`` hold after ``update_text`` runs on a copy made by ``backup``.

    The copy (a checkpoint: hard links to the store's files) goes in ``parent`` and is
    removed afterwards; a killed process leaves one named with its pid, removed by the next
    preview.
    """
    remove_dead_previews(parent)
    folder = parent / f"{PREVIEW_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
    try:
        backup(folder)
        copy = ox.Store(os.fspath(folder))
        with query_errors("update"):
            copy.update(update_text)
        after = {g: [_ox_triple(q) for q in copy.quads_for_pattern(None, None, None,
                                                                    _graph_node(g))]
                 for g in graphs}
        del copy  # closes the copy, so that its folder can go
        return after
    finally:
        shutil.rmtree(folder, ignore_errors=True)
