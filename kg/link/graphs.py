"""Link graphs of one kind written anew, all of them: the new ones written, the rest dropped;
and of those computed again, only the ones that changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from rdflib import Literal, URIRef
from rdflib.namespace import PROV

from kg.store import Store
from kg.terms import Triple

#: What a link graph says of when it was made (kg.link.score.link_graph_provenance): not part
#: of what it says.
_TIMES = frozenset({PROV.generatedAtTime, PROV.endedAtTime})

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


def changed_graphs(
    store: Store, graphs: Mapping[str, Sequence[Triple]]
) -> dict[str, Sequence[Triple]]:
    """The link graphs computed again that differ from the stored ones (the time they were
    made aside): those to write. An empty graph is to write (a drop) only if one is stored.

    Written as it was, a graph had every quad deleted and inserted again: `kg link` rewrote
    20,000 unchanged link graphs at 100k events, which left the store 1.4 GB larger and its
    reads twice as slow until it was compacted. An unchanged graph keeps the time it was made,
    which is when its links were found; the run's own time is in its derivation record.
    """
    if not graphs:
        return {}
    rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                       bindings={"g": tuple(URIRef(g) for g in graphs)}).rows
    stored: dict[str, set[tuple[object, ...]]] = defaultdict(set)
    for g, s, p, o in rows:
        if p not in _TIMES:
            stored[str(g)].add((s, p, _value(o)))
    return {g: triples for g, triples in graphs.items()
            if {(s, p, _value(o)) for s, p, o in triples if p not in _TIMES}
            != stored.get(g, set())}


def _value(term: object) -> object:
    # A store may write a literal in its canonical form: Oxigraph reads "0.480" back as "0.48".
    if isinstance(term, Literal) and term.value is not None:
        return (term.value, term.datatype, term.language)
    return term
