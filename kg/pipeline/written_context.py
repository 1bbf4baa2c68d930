"""The gate's context during an ingest into a store that held none: the facts it reads, of
the graphs the ingest wrote, kept in memory and asked instead of the store.

The gate asks the store, for each batch, the stored dates and reports of the batch's events
and articles (:func:`kg.validate.gate.batch_context`). Into a store that held none of those
facts, they can only come from the graphs the ingest itself wrote, so a store in memory that
holds just those facts gives the same answer. It stays small (the dates and reports alone)
and quick, while the store grows, and reads of a store the bulk loader has just written were
slow: the same query took 18 ms at the first batch of 2,000 events and 75 ms at the last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kg.store import MEMORY_URL, OxigraphStore, Store, open_store
from kg.terms import Triple
from kg.validate.gate import holds_context, linking_graphs


class WrittenContext:
    """The context facts of the graphs one ingest wrote, in a store in memory."""

    def __init__(self) -> None:
        self.store: Store = open_store(MEMORY_URL)

    def wrote(self, graphs: Mapping[str, Iterable[Triple]]) -> None:
        """Follow a write of whole graphs (``[]``: dropped) to the ingest's store."""
        self.store.replace_graphs(linking_graphs(graphs))

    def close(self) -> None:
        """Let the facts go."""
        self.store.close()


def written_context(store: Store) -> WrittenContext | None:
    """A WrittenContext for an ingest into ``store`` if it may stand for it: an embedded
    store (no other process writes it meanwhile) that holds no context fact yet."""
    if isinstance(store, OxigraphStore) and not holds_context(store):
        return WrittenContext()
    return None
