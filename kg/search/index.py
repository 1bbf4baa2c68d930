"""The text index: SQLite FTS5 over the events, articles and named things of a store.

One table holds an entry per thing (:class:`kg.search.things.Thing`), an FTS5 index over it
(external content, kept by triggers) ranks what a search finds, and two small tables record
which document graphs the index was derived from and whether it is complete. The index is
derived data: :func:`kg.search.sync.reindex` makes it again from the store.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.progress import Advance, counted
from kg.search.things import KINDS, NAMED_KINDS, RECORD_KINDS, Thing

#: Bumped when the tables change: an index of another version is made again.
SCHEMA_VERSION = "3"
#: The longest search, in characters.
MAX_QUERY = 256
#: The most results a search returns.
MAX_LIMIT = 100
#: The most things that the words of one named-query parameter may stand for.
MAX_MATCHES = 20_000
#: How long one search or lookup may take before it is stopped.
SEARCH_SECONDS = 2.0
#: The most matches of one search that are ranked. FTS5 ranks every match (BM25, about 1 µs
#: each), and "the", a word of nearly every entry, cost 120 ms at 100k events; a search that
#: matches more ranks the matches indexed last (the highest row ids) and leaves the others out.
RANK_AT_MOST = 30_000
#: How the fields weigh in a result's rank: a name most, tags next, text least.
_WEIGHTS = "bm25(10.0, 1.0, 4.0)"
# Highlights in snippets: plain text, so that no client is tempted to insert it as HTML.
_MARK_OPEN, _MARK_CLOSE, _ELLIPSIS, _SNIPPET_WORDS = "[", "]", "…", 16

# Two FTS5 tables over the one table of entries: the records (events, articles) and the named
# things. A lookup by name then never reads the postings of the records' words: "of" is in
# every headline, and a post's name lookup must not pay for them.
_RECORDS = "(" + ", ".join(f"'{kind}'" for kind in RECORD_KINDS) + ")"
_FTS = ("records", "names")
_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def _keep(table: str, row: str, where: str) -> str:
    """The trigger statement that adds a row of ``things`` to an FTS5 table, if ``where``."""
    return (f"INSERT INTO {table}(rowid, name, body, tags) SELECT {row}.id, {row}.name, "
            f"{row}.body, {row}.tags WHERE {row}.kind {where} {_RECORDS};")


def _drop(table: str, row: str, where: str) -> str:
    """The trigger statement that takes a row of ``things`` out of an FTS5 table, if
    ``where`` (an external-content table is told the old values)."""
    return (f"INSERT INTO {table}({table}, rowid, name, body, tags) SELECT 'delete', "
            f"{row}.id, {row}.name, {row}.body, {row}.tags WHERE {row}.kind {where} {_RECORDS};")


_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE things(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
    " day TEXT, name TEXT NOT NULL, body TEXT NOT NULL, tags TEXT NOT NULL)",
    *(f"CREATE VIRTUAL TABLE {table} USING fts5(name, body, tags, content='things', "
      f"content_rowid='id', {_TOKENIZE})" for table in _FTS),
    "CREATE TRIGGER things_added AFTER INSERT ON things BEGIN "
    f"{_keep('records', 'new', 'IN')} {_keep('names', 'new', 'NOT IN')} END",
    "CREATE TRIGGER things_removed AFTER DELETE ON things BEGIN "
    f"{_drop('records', 'old', 'IN')} {_drop('names', 'old', 'NOT IN')} END",
    # Old values out before new ones in: the statements of a trigger run in order.
    "CREATE TRIGGER things_changed AFTER UPDATE ON things BEGIN "
    f"{_drop('records', 'old', 'IN')} {_drop('names', 'old', 'NOT IN')} "
    f"{_keep('records', 'new', 'IN')} {_keep('names', 'new', 'NOT IN')} END",
    # What a lookup reads of each thing it finds, apart from the texts: a thousand matches
    # of common words cost half as much read from here as from the table's wide rows.
    "CREATE INDEX things_found ON things(id, kind, day, iri)",
    "CREATE TABLE documents(graph TEXT PRIMARY KEY, fingerprint TEXT NOT NULL) WITHOUT ROWID",
    *(f"INSERT INTO {table}({table}, rank) VALUES ('rank', '{_WEIGHTS}')" for table in _FTS),
    f"INSERT INTO meta(key, value) VALUES ('schema', '{SCHEMA_VERSION}')",
)
_TABLES = ("meta", "things", "search", *_FTS, "documents")
# The pieces of a search as a person types it: a "quoted phrase" (closed or not), a bracket,
# or a run of anything else. Each is passed on as FTS5 query syntax (see fts_query).
_PIECE = re.compile(r'"[^"]*"?|[()]|[^\s"()]+')
_OPERATORS = frozenset({"AND", "OR", "NOT"})


class SearchError(ValueError):
    """A search or lookup the index cannot answer: empty, too long, not FTS5 syntax, too
    slow, or an index that is not built."""


class IndexUnavailable(SearchError):
    """The store has no text index, or one that was never built: nothing can be searched."""


@dataclass(frozen=True)
class Hit:
    """One result of a search: the thing, its kind, label and date, and where it matched."""

    iri: str
    kind: str
    label: str
    date: str | None
    snippet: str
    score: float  # FTS5's rank (weighted BM25): lower is better

    def to_json(self) -> dict[str, object]:
        """The hit as JSON for /search."""
        return {"iri": self.iri, "kind": self.kind, "label": self.label, "date": self.date,
                "snippet": self.snippet, "score": round(-self.score, 4)}


def fts_query(text: str) -> str:
    """A person's search as an FTS5 query: each word quoted (so that "U.S." or "el-Sheikh"
    is a word, never syntax), "phrases", brackets, AND, OR, NOT and a final * kept.

    Whether the result is a valid query is for FTS5's own parser to say (SearchError).
    """
    text = text.strip()
    if not text:
        raise SearchError("the search is empty")
    if len(text) > MAX_QUERY:
        raise SearchError(f"the search is {len(text)} characters long; the most is {MAX_QUERY}")
    pieces = []
    for piece in _PIECE.findall(text):
        if piece.startswith('"') or piece in ("(", ")") or piece in _OPERATORS:
            pieces.append(piece)
        elif piece.endswith("*") and piece.strip("*"):
            pieces.append(f'"{piece.rstrip("*")}"*')
        else:
            pieces.append(f'"{piece}"')
    return " ".join(pieces)


def words_query(words: Sequence[str], columns: Sequence[str]) -> str:
    """An FTS5 query for things whose ``columns`` hold every one of ``words``.

    The words are those of :func:`kg.names.name_words` (letters and digits only), so quoting
    them is enough; the columns are the index's own names.
    """
    phrases = " ".join(f'"{word}"' for word in words)
    return f"{{{' '.join(columns)}}} : ({phrases})"


class TextIndex:
    """An FTS5 index in a SQLite file (or in memory), safe to share between threads."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.RLock()
        target = str(path) if path is not None else ":memory:"
        try:
            self._db = sqlite3.connect(target, timeout=30, isolation_level=None,
                                       check_same_thread=False)
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._ensure_schema()
        except sqlite3.Error as exc:
            raise SearchError(f"cannot open the text index {target}: {exc}") from None

    def __repr__(self) -> str:
        return f"TextIndex({str(self.path) if self.path else 'memory'})"

    def _ensure_schema(self) -> None:
        tables = {row[0] for row in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is not None and row[0] == SCHEMA_VERSION:
                return
        with self._transaction():  # another version's tables, or none: made anew, not built
            self._create()

    def _create(self) -> None:
        """Every table made anew, empty (in the caller's transaction)."""
        for table in _TABLES:
            self._db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self._lock)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    # -- its state --------------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                             (key, value))

    @property
    def built(self) -> bool:
        """Whether the index was filled from the whole store once (by a rebuild or a sync)."""
        return self._meta("built") is not None

    @property
    def pending(self) -> bool:
        """Whether a write of documents began and its entries were never written (a killed
        run): the index may miss what it wrote."""
        return self._meta("pending") is not None

    def documents(self) -> dict[str, str]:
        """The document graphs the index was derived from, with their fingerprints."""
        with self._lock:
            return dict(self._db.execute("SELECT graph, fingerprint FROM documents"))

    def document_count(self) -> int:
        """How many document graphs the index was derived from."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def count(self) -> int:
        """How many things the index holds."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM things").fetchone()[0])

    # -- writes -----------------------------------------------------------------------------

    def known_documents(self, graphs: Iterable[str]) -> list[str]:
        """Which of these graphs the index was derived from."""
        wanted = list(graphs)
        with self._lock:
            return [g for (g,) in self._db.execute(
                f"SELECT graph FROM documents WHERE graph IN ({', '.join('?' * len(wanted))})",
                wanted)] if wanted else []

    def begin(self) -> None:
        """Record that documents are being written (cleared by :meth:`update`)."""
        with self._transaction():
            self._set_meta("pending", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def update(self, things: Iterable[Thing], gone: Iterable[str],
               documents: Mapping[str, str | None]) -> None:
        """Write the entries of ``things``, remove those of ``gone``, and record the written
        document graphs (None: dropped), in one transaction that ends a :meth:`begin`."""
        with self._transaction():
            self._write(things, gone)
            for graph, fingerprint in documents.items():
                if fingerprint is None:
                    self._db.execute("DELETE FROM documents WHERE graph = ?", (graph,))
                else:
                    self._db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?)",
                                     (graph, fingerprint))
            self._set_meta("pending", None)

    def rebuild(self, things: Iterable[Thing], documents: Mapping[str, str],
                advance: Advance | None = None) -> None:
        """Replace everything with these entries, derived from these document graphs
        (``advance`` told as entries are written)."""
        with self._transaction():
            self._create()  # faster than deleting every entry, and the same
            # Streamed: the entries of a whole store are read from a spool one at a time.
            self._write(things if advance is None else counted(things, advance), ())
            self._db.executemany("INSERT INTO documents VALUES (?, ?)", documents.items())
            self._set_meta("pending", None)
            self._set_meta("built", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def mark_built(self) -> None:
        """Record that the index holds the whole store (an empty store, for one)."""
        with self._transaction():
            self._set_meta("built", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def _write(self, things: Iterable[Thing], gone: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM things WHERE iri = ?", ((i,) for i in gone))
        self._db.executemany(
            "INSERT INTO things(iri, kind, day, name, body, tags) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(iri) DO UPDATE SET kind = excluded.kind, day = excluded.day, "
            "name = excluded.name, body = excluded.body, tags = excluded.tags "
            "WHERE (kind, day, name, body, tags) IS NOT "
            "(excluded.kind, excluded.day, excluded.name, excluded.body, excluded.tags)",
            ((t.iri, t.kind, t.day, t.name, t.body, t.tags) for t in things))

    # -- reads ------------------------------------------------------------------------------

    def search(self, text: str, *, kinds: Sequence[str] = KINDS, limit: int = 20) -> list[Hit]:
        """The things that match a search, best first, each with a snippet of its words."""
        query = fts_query(text)
        kinds = [k for k in kinds if k in KINDS] or list(KINDS)
        limit = max(1, min(limit, MAX_LIMIT))
        hits: list[Hit] = []
        for table, wanted in _tables(kinds):
            # The best of each table, then the best of both (their ranks are alike: BM25).
            where = f" AND t.kind IN ({', '.join('?' * len(wanted))})" if wanted else ""
            matches = (f"FROM {table} JOIN things t ON t.id = {table}.rowid "
                       f"WHERE {table} MATCH ?{where}")
            # The row id of the RANK_AT_MOST-th match from the last, of any kind, read in
            # FTS5's own order (no rank computed, no entry read: joined to the entries to
            # test their kinds, it cost ten times as much); only matches from it are ranked.
            last = self._read(f"SELECT rowid FROM {table} WHERE {table} MATCH ? "
                              "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                              [query, RANK_AT_MOST - 1], text)
            sql = (
                "SELECT t.iri, t.kind, t.name, t.day, "
                f"snippet({table}, -1, '{_MARK_OPEN}', '{_MARK_CLOSE}', '{_ELLIPSIS}', "
                f"{_SNIPPET_WORDS}), {table}.rank "
                f"{matches} AND {table}.rowid >= ? ORDER BY {table}.rank LIMIT ?"
            )
            rows = self._read(sql, [query, *wanted, last[0][0] if last else 0, limit], text)
            hits += [Hit(str(iri), str(kind), str(name).split("\n", 1)[0],
                         None if day is None else str(day), str(snippet), float(str(rank)))
                     for iri, kind, name, day, snippet, rank in rows]
        return sorted(hits, key=lambda hit: (hit.score, hit.iri))[:limit]

    def lookup(self, words: Sequence[str], kinds: Sequence[str],
               columns: Sequence[str] = ("name",), *,
               days: tuple[str, str] | None = None) -> list[str]:
        """The IRIs of the things of these kinds whose ``columns`` hold every word (dated
        within ``days``, first and last, when given).

        SearchError if there are more than :data:`MAX_MATCHES`: the words say too little.
        """
        if not words:
            return []
        found: list[str] = []
        for table, wanted in _tables(kinds):
            where = f" AND t.kind IN ({', '.join('?' * len(wanted))})" if wanted else ""
            parameters: list[object] = [words_query(words, columns), *wanted]
            if days is not None:
                where += " AND t.day BETWEEN ? AND ?"
                parameters += days
            sql = (f"SELECT t.iri FROM {table} JOIN things t INDEXED BY things_found "
                   f"ON t.id = {table}.rowid WHERE {table} MATCH ?{where} LIMIT ?")
            found += (str(row[0]) for row in self._read(sql, [*parameters, MAX_MATCHES + 1],
                                                        " ".join(words)))
        if len(found) > MAX_MATCHES:
            raise SearchError(f"{' '.join(words)!r} matches more than {MAX_MATCHES} things: "
                              "give more words, or an IRI")
        return sorted(found)

    def _read(self, sql: str, parameters: Sequence[object], text: str) -> list[tuple[object, ...]]:
        deadline = time.monotonic() + SEARCH_SECONDS
        with self._lock:
            # A search that would run too long (a prefix matching half the index, say) is
            # stopped: the handler runs every few thousand steps of SQLite's machine.
            self._db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
            try:
                return list(self._db.execute(sql, parameters))
            except sqlite3.OperationalError as exc:
                if "interrupt" in str(exc):
                    raise SearchError(f"the search {text!r} took longer than "
                                      f"{SEARCH_SECONDS:g} s: give more words") from None
                raise SearchError(f"cannot read the search {text!r} ({exc}): give words, "
                                  '"a phrase", OR, NOT, brackets, or a prefix*') from None
            finally:
                self._db.set_progress_handler(None, 0)


def _tables(kinds: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The FTS5 tables that hold these kinds, each with the kinds to keep of it (none: all)."""
    found = []
    for table, group in (("records", RECORD_KINDS), ("names", NAMED_KINDS)):
        wanted = [k for k in kinds if k in group]
        if wanted:
            found.append((table, [] if len(wanted) == len(group) else wanted))
    return found


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT under the index's lock; ROLLBACK on an error."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db, self._lock = db, lock

    def __enter__(self) -> None:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        try:
            self._db.execute("COMMIT" if kind is None else "ROLLBACK")
        except sqlite3.Error as exc:
            raise SearchError(f"cannot write the text index: {exc}") from None
        finally:
            self._lock.release()
        if isinstance(value, sqlite3.Error):  # a full disk, a locked file: the index's error
            raise SearchError(f"cannot write the text index: {value}") from None
