"""Full-text search: an SQLite FTS5 index over the events, articles and named things of a store.

- ``things``: what an entry holds, read from the store (names, text, tags, kind, date);
- ``index``: the index itself (:class:`TextIndex`): ranked search with snippets, and the
  lookup that binds a named query's words to the things they name;
- ``sync``: which index a store has (:func:`index_for`, :func:`use_index`), and keeping it
  derived from the documents (:class:`IndexWriter` in ingest, :func:`reindex`).
"""

from kg.search.index import (
    MAX_LIMIT,
    MAX_QUERY,
    Hit,
    IndexUnavailable,
    SearchError,
    TextIndex,
    fts_query,
)
from kg.search.sync import (
    INDEX_FILE,
    IndexReport,
    IndexWriter,
    check_index,
    ensure_current,
    index_for,
    reindex,
    require_index,
    search,
    use_index,
)
from kg.search.things import KINDS, NAMED_KINDS

__all__ = [
    "INDEX_FILE",
    "KINDS",
    "MAX_LIMIT",
    "MAX_QUERY",
    "NAMED_KINDS",
    "Hit",
    "IndexReport",
    "IndexUnavailable",
    "IndexWriter",
    "SearchError",
    "TextIndex",
    "check_index",
    "ensure_current",
    "fts_query",
    "index_for",
    "reindex",
    "require_index",
    "search",
    "use_index",
]
