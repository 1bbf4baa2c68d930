"""Link graphs of one kind written anew, all of them: the new ones written, the rest dropped."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from rdflib import URIRef

from kg.store import Store

R = TypeVar("R")


def link_graphs(store: Store, base: str, *, kind: URIRef | None = None) -> set[str]:
    """The named graphs whose IRI starts with ``base``, and those that type themselves ``kind``."""
    found = {g for g in store.named_graphs() if g.startswith(base)}
    if kind is not None:
        rows = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a ?kind } }",
                           bindings={"kind": kind}).rows
        found.update(str(g) for (g,) in rows if g is not None)
    return found


def rewrite_link_graphs(
    store: Store,
    base: str,
    wanted: Iterable[str],
    write: Callable[[], R],
    *,
    kind: URIRef | None = None,
) -> R:
    """Run ``write``, which writes the graphs ``wanted``; then drop the other graphs of the kind.

    Those are the graphs :func:`link_graphs` listed before ``write`` ran. Returns what
    ``write`` returns.
    """
    existing = link_graphs(store, base, kind=kind)
    result = write()
    stale = existing - set(wanted)
    if stale:
        store.drop_graphs(sorted(stale))
    return result
