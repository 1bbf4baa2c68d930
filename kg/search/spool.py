"""The facts the text index's entries are made of, spooled to a scratch SQLite file.

Making the index of a whole store (``kg reindex``, or the end of a first ingest) merges
every graph's facts about each thing. Held in Python dictionaries, those facts grew with the
store (about 12 MB per 1,000 events, so more than a gigabyte at 100k); spooled to disk and
read back in order of their subject, one thing at a time, they cost the same small memory
at any size.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType

from rdflib import URIRef

from kg.search.things import (
    KIND_OF_CLASS,
    READ_PREDICATES,
    TAG_PREDICATES,
    Thing,
    make_thing,
)
from kg.terms import Triple
from kg.vocab import RDF, RDFS

#: Rows handed to SQLite at once (the most a write holds before it hands them over).
_ROWS = 20_000


class FactSpool:
    """Facts about things (subject, predicate, value) in a scratch file, read back as entries.

    ``folder`` is where the file goes (a store's temporary folder: :mod:`kg.store.tempfiles`
    removes one a killed run left); ``prefix`` names it for its owner.
    """

    def __init__(self, folder: Path, prefix: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._file = _scratch_file(folder, prefix)
        # Scratch data: no journal, no syncs; a crash loses only what the next run spools anew.
        self._db = sqlite3.connect(self._file, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA temp_store=FILE")
        self._db.execute("CREATE TABLE facts(iri TEXT NOT NULL, p TEXT NOT NULL, v TEXT NOT NULL)")
        self._db.execute("CREATE TABLE tagged(topic TEXT NOT NULL, iri TEXT NOT NULL,"
                         " p TEXT NOT NULL)")
        self._db.execute("BEGIN")

    def __enter__(self) -> FactSpool:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Remove the scratch file."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._file.unlink(missing_ok=True)

    def add(self, *graphs: Iterable[Triple]) -> None:
        """Note what the triples of these graphs say that an entry is made of."""
        read, tags = READ_PREDICATES, TAG_PREDICATES
        # The documents of a write restate the same facts (an actor's label and name keys
        # in each that names it): each is spooled once, not once per document.
        facts: dict[tuple[str, str, str], None] = {}
        tagged: dict[tuple[str, str, str], None] = {}
        for triples in graphs:
            for s, p, o in triples:  # every triple ingested: kept lean (sets, not rdflib's ==)
                if not isinstance(s, URIRef) or not isinstance(p, URIRef):
                    continue
                if p in read:
                    facts[str(s), str(p), str(o)] = None
                    if len(facts) >= _ROWS:
                        self._db.executemany("INSERT INTO facts VALUES (?, ?, ?)", facts)
                        facts.clear()
                elif p in tags and isinstance(o, URIRef):
                    tagged[str(o), str(s), str(p)] = None
        self._db.executemany("INSERT INTO facts VALUES (?, ?, ?)", facts)
        self._db.executemany("INSERT INTO tagged VALUES (?, ?, ?)", tagged)

    def add_values(self, predicate: URIRef, rows: Iterable[Sequence[object]]) -> None:
        """Note ``predicate``'s value of each subject (rows of subject and value)."""
        p = str(predicate)
        batch: list[tuple[str, str, str]] = []
        for s, o in rows:  # (subject, value) pairs, as a query's rows give them
            if isinstance(s, URIRef) and o is not None:
                batch.append((str(s), p, str(o)))
                if len(batch) >= _ROWS:
                    self._db.executemany("INSERT INTO facts VALUES (?, ?, ?)", batch)
                    batch.clear()
        self._db.executemany("INSERT INTO facts VALUES (?, ?, ?)", batch)

    def count(self) -> int:
        """How many entries :meth:`things` gives: the subjects typed as an indexed kind."""
        classes = [str(c) for c in KIND_OF_CLASS]
        return int(self._db.execute(
            f"SELECT COUNT(DISTINCT iri) FROM facts WHERE p = ? AND v IN "
            f"({', '.join('?' * len(classes))})", (str(RDF.type), *classes)).fetchone()[0])

    def things(self) -> Iterator[Thing]:
        """The entry of every thing the facts type as one of the indexed kinds, by IRI."""
        # Covering every column: the facts are read in its order alone, not row by row from
        # the table (2,000 events: 1.16 -> 0.78 s). An entry does not depend on the order of
        # a thing's values (make_thing sorts them).
        self._db.execute("CREATE INDEX facts_by_subject ON facts(iri, p, v)")
        # A tag is the label of its topic: each use becomes a fact of the thing tagged. Both
        # sides are made distinct first: every document restates a topic's label and its
        # events' tags, and joined as they are they multiply (a million rows at 1,000 events).
        self._db.execute(
            "INSERT INTO facts SELECT t.iri, t.p, l.v FROM "
            "(SELECT DISTINCT topic, iri, p FROM tagged) AS t JOIN "
            "(SELECT DISTINCT iri AS topic, v FROM facts WHERE p = ?) AS l USING (topic)",
            (str(RDFS.label),))
        self._db.execute("COMMIT")
        current: str | None = None
        facts: dict[URIRef, list[str]] = {}
        terms: dict[str, URIRef] = {}  # a handful of predicates, each made a term once
        for iri, p, v in self._db.execute("SELECT iri, p, v FROM facts ORDER BY iri"):
            if iri != current:
                if current is not None and (thing := make_thing(current, facts)) is not None:
                    yield thing
                current, facts = iri, {}
            term = terms.get(p) or terms.setdefault(p, URIRef(p))
            values = facts.setdefault(term, [])
            if v not in values:  # the same fact restated by many documents
                values.append(v)
        if current is not None and (thing := make_thing(current, facts)) is not None:
            yield thing


def _scratch_file(folder: Path, prefix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".sqlite", dir=folder)
    with open(handle, "wb"):  # SQLite makes its own database in the empty file
        pass
    return Path(name)
