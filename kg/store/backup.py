"""Backups of a store as one N-Quads file and a manifest, and their restore into an empty store.

A backup holds every named graph (the default graph is their merge and is rebuilt by the
restore), so it can be restored into any backend: the embedded store, ``memory:`` or a SPARQL
1.1 server. It is read through the store's own export, so it can be taken from a store a
running ``kg serve`` holds, through that server's URL.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.store.base import Store
from kg.store.endpoints import redact_url
from kg.store.errors import StoreError

DATASET = "dataset.nq"
MANIFEST = "backup.json"
_CHUNK = 50_000  # quads per write of a restore


@dataclass(frozen=True)
class Backup:
    """What a backup folder holds, as its manifest says."""

    folder: Path
    quads: int
    graphs: int
    sha256: str
    source: str
    created: str


def backup(store: Store, folder: str | os.PathLike[str]) -> Backup:
    """Write the store's named graphs into ``folder`` (new or empty), with a manifest.

    The data file is written under a temporary name and renamed once complete, and the
    manifest last: a folder with a manifest holds a whole backup.
    """
    target = Path(folder)
    if target.exists() and any(target.iterdir()):
        raise StoreError(f"{target} is not empty: back up into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    partial = target / (DATASET + ".partial")
    try:
        with partial.open("wb") as out:
            store.dump(out, "nquads")
        digest, quads, graphs = _summary(partial)
        partial.replace(target / DATASET)
        made = Backup(target, quads, graphs, digest, redact_url(store.url),
                      datetime.now(UTC).isoformat(timespec="seconds"))
        manifest = {"format": "application/n-quads", "file": DATASET, "quads": quads,
                     "graphs": graphs, "sha256": digest, "source": made.source,
                     "created": made.created, "software": f"diplomacy-kg {__version__}"}
        (target / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"cannot write the backup into {target}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return made


def read_backup(folder: str | os.PathLike[str]) -> Backup:
    """The manifest of a backup folder, checked against its data file."""
    source = Path(folder)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        made = Backup(source, int(manifest["quads"]), int(manifest["graphs"]),
                      str(manifest["sha256"]), str(manifest["source"]), str(manifest["created"]))
        digest, _, _ = _summary(source / DATASET)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{source} is not a whole backup: {exc}") from None
    if digest != made.sha256:
        raise StoreError(f"{source / DATASET} does not match its manifest (sha256 differs)")
    return made


def restore(store: Store, folder: str | os.PathLike[str]) -> Backup:
    """Load a backup into ``store``, which must hold nothing; the default graph is rebuilt."""
    made = read_backup(folder)
    if store.quad_count():
        raise StoreError(f"the store {store.url} is not empty: restore into a new store")
    chunk: dict[str, list[ox.Triple]] = defaultdict(list)
    size = 0
    try:
        with (made.folder / DATASET).open("rb") as data:
            for quad in ox.parse(data, ox.RdfFormat.N_QUADS):
                if not isinstance(quad.graph_name, ox.NamedNode):
                    continue  # the default graph is the merge: it comes back with the graphs
                chunk[quad.graph_name.value].append(
                    ox.Triple(quad.subject, quad.predicate, quad.object))
                size += 1
                if size >= _CHUNK:
                    _write(store, chunk)
                    chunk, size = defaultdict(list), 0
        _write(store, chunk)
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"cannot read {made.folder / DATASET}: {exc}") from None
    if store.quad_count() - store.triple_count() != made.quads:
        raise StoreError(f"the restore holds {store.quad_count() - store.triple_count()} "
                         f"quads in named graphs; the backup has {made.quads}")
    return made


def _write(store: Store, chunk: dict[str, list[ox.Triple]]) -> None:
    for graph, triples in chunk.items():
        store.add_triples(graph, triples)


def _summary(path: Path) -> tuple[str, int, int]:
    """The sha256 of a data file, its quads and its named graphs."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    graphs: set[str] = set()
    quads = 0
    with path.open("rb") as data:
        for quad in ox.parse(data, ox.RdfFormat.N_QUADS):
            quads += 1
            graphs.add(str(quad.graph_name))
    return digest.hexdigest(), quads, len(graphs)
