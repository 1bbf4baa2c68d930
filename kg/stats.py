"""What a store holds, counted: triples, quads, and the things of each kind of the ontology."""

from __future__ import annotations

from kg.store import Store

#: The kinds counted, in the order they are shown, with their class.
KINDS = (
    ("documents", "SourceDocument"), ("events", "Event"), ("articles", "Article"),
    ("sources", "Source"), ("agencies", "NewsAgency"), ("people", "Person"),
    ("states", "State"), ("organisations", "Organization"), ("posts", "Post"),
    ("topics", "Topic"), ("places", "Place"),
)
_QUERY = (
    "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
    "SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {\n"
    "  VALUES (?class ?what) { "
    + " ".join(f'(dip:{cls} "{what}")' for what, cls in KINDS)
    + " }\n  ?x a ?class .\n} GROUP BY ?what"
)


def store_stats(store: Store) -> dict[str, str | int]:
    """The store's name, its triples and quads, and how many things of each kind it holds."""
    counts: dict[str, str | int] = {
        "store": store.url,
        "triples": store.triple_count(),
        "quads": store.quad_count(),
    }
    found = {
        str(what): int(str(n))
        for what, n in store.query(_QUERY).rows
        if what is not None and n is not None
    }
    counts.update({what: found.get(what, 0) for what, _ in KINDS})
    return counts
