"""Temporary files of a store's writers: in the store's folder, named by the process that owns
them, and removed once that process is gone.

An embedded store on disk keeps them in ``<store>/.kg-tmp/``; a store in memory or on a server
in the system's temporary folder. Each name is ``kg-<what>-<pid>-<random>``: a file whose
process no longer lives was left by a killed run, and goes when the store is next opened
for writing, when a writer makes its own, and with ``kg check --repair``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import typing
from pathlib import Path

from kg.store.base import Store

#: The folder of temporary files inside an embedded store's folder.
TEMP_FOLDER = ".kg-tmp"

_OWNED = re.compile(r"kg-[a-z]+-(\d+)-")


def temp_folder(store: Store) -> Path:
    """Where the writers of ``store`` keep their temporary files."""
    if store.path is not None and not store.remote:
        return store.path / TEMP_FOLDER
    return Path(tempfile.gettempdir())


def temp_file(store: Store, what: str, suffix: str) -> typing.IO[str]:
    """A new temporary text file for ``store``, named for this process; deleted on close."""
    folder = temp_folder(store)
    folder.mkdir(exist_ok=True)
    return tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", suffix=suffix, prefix=f"kg-{what}-{os.getpid()}-", dir=folder)


def alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_leftovers(folder: Path) -> list[Path]:
    """The temporary files in ``folder`` whose owning process no longer lives."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("kg-*-*-*")):
        match = _OWNED.match(path.name)
        if match and path.is_file() and not alive(int(match.group(1))):
            found.append(path)
    return found


def remove_dead_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files in ``folder`` of processes that no longer live."""
    removed = []
    for path in dead_leftovers(folder):
        try:
            path.unlink()
        except OSError:
            continue  # removed by another process first, or not ours to remove
        removed.append(path)
    return removed


#: What the checkpoints a gated update is previewed on are named by, beside the store.
PREVIEW_PREFIX = ".kg-preview-"


def remove_dead_previews(folder: Path, *, prefix: str = PREVIEW_PREFIX) -> None:
    """Remove the folders named ``prefix`` + pid that dead processes left in ``folder``
    (preview checkpoints beside a store, the stores ``memory:`` was served from)."""
    for path in folder.glob(prefix + "*"):
        pid = path.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
