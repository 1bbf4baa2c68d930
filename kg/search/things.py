"""What the text index holds, read from the store: events, articles and named things, each
with its names, its text and its tags, as the merge of every graph that describes it says."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.names import name_key
from kg.progress import Progress, no_progress
from kg.store import Store
from kg.terms import Triple, sparql_iri
from kg.vocab import DCTERMS, DIP, PREFIXES, RDF, RDFS

if TYPE_CHECKING:
    from kg.search.spool import FactSpool

#: The kind of a thing by its class, the first class that a thing has deciding.
KIND_OF_CLASS: dict[URIRef, str] = {
    DIP.Event: "event",
    DIP.Article: "article",
    DIP.Person: "actor",
    DIP.State: "actor",
    DIP.Organization: "actor",
    DIP.Post: "post",
    DIP.Place: "place",
    DIP.Topic: "topic",
    DIP.Source: "outlet",
    DIP.NewsAgency: "outlet",
}
#: Every kind the index holds, in the order a list of results groups them.
KINDS = ("event", "article", "actor", "post", "place", "topic", "outlet")
#: The kinds of the records: what the news say (an ``event`` or ``article`` parameter).
RECORD_KINDS = ("event", "article")
#: The kinds that are looked up by name (an ``entity`` parameter of a named query).
NAMED_KINDS = ("actor", "post", "place", "topic", "outlet")
#: The longest text of one thing the index keeps (an article's body is cut there).
MAX_TEXT = 100_000
#: How many things one query of the store reads at once.
CHUNK = 500

#: The literals an entry is made of; a topic's (or subject's) label stands for the topic.
_LITERALS = (RDFS.label, DIP.date, DIP.published, DIP.summary, DIP.contextTag, DIP.text,
             DIP.nameKey)
_TAGS = (DIP.topic, DCTERMS.subject)
_PREFIXES = "".join(f"PREFIX {p}: {sparql_iri(PREFIXES[p])}\n"
                    for p in ("rdf", "rdfs", "dip", "dcterms"))
# Measured on Oxigraph: with ?s bound by a VALUES block, a pattern with no constant is read
# by subject (one lookup per thing), where a constant predicate (or a VALUES ?p, or a class
# in VALUES) made it scan the predicate's every triple. So: every triple of the things, kept
# in Python; then the labels of the topics they name, the same way.
_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
_IN_GRAPHS = "SELECT DISTINCT ?s ?class WHERE { GRAPH ?g { ?s a ?class } }"
# The whole store (kg reindex): one scan per predicate, no lookup per thing.
_SCAN = "SELECT ?s ?o WHERE {{ ?s {predicate} ?o }}"
_SCAN_CLASS = "SELECT ?s WHERE {{ ?s a {cls} }}"
_SCAN_TAGS = "SELECT ?s ?o WHERE {{ ?s {predicate}/rdfs:label ?o }}"
# A document graph as the ingester reads one (kg.pipeline.ingester): with its source.
_DOCUMENTS = _PREFIXES + """PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?g ?hash ?version WHERE {
  GRAPH ?g { ?g dip:contentHash ?hash ; dip:mapperVersion ?version ;
                prov:wasDerivedFrom ?location } }"""
_ANY_DOCUMENT = _PREFIXES + "ASK { GRAPH ?g { ?g dip:contentHash ?hash } }"

_Facts = dict[str, dict[URIRef, list[str]]]
#: The predicates whose values an entry is made of (sets: rdflib compares terms in Python).
READ_PREDICATES = frozenset((RDF.type, *_LITERALS))
#: The predicates that tag a thing with a topic, whose label stands for it.
TAG_PREDICATES = frozenset(_TAGS)
_FINGERPRINT = (DIP.contentHash, DIP.mapperVersion)


@dataclass(frozen=True)
class Thing:
    """One entry of the index: a thing's IRI, kind, date, and its words in three fields."""

    iri: str
    kind: str
    day: str | None
    name: str  # headline, title or label (several, one a line, if the graphs disagree)
    body: str  # summary and context tags, an article's text, a named thing's other names
    tags: str  # an event's topics, an article's subjects


def things_of(store: Store, iris: Iterable[str]) -> Iterator[Thing]:
    """The entries of these things as the store now describes them; a thing the store no
    longer types as one of the indexed kinds has none."""
    ordered = sorted(set(iris))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        facts: _Facts = {}
        topics: dict[str, list[tuple[str, URIRef]]] = {}  # topic -> (thing, property)
        for s, p, o in _rows(store, _TRIPLES, chunk):
            if p == RDF.type or p in _LITERALS:
                _add(facts, s, p, o)
            elif p in _TAGS and isinstance(o, URIRef):
                topics.setdefault(str(o), []).append((str(s), URIRef(str(p))))
        for t, p, o in _rows(store, _TRIPLES, sorted(topics)):
            if p == RDFS.label:
                for subject, tag in topics[str(t)]:
                    _add(facts, URIRef(subject), tag, o)
        for iri in chunk:
            thing = make_thing(iri, facts.get(iri, {}))
            if thing is not None:
                yield thing


def spool_store(store: Store, spool: FactSpool, *,
                progress: Progress = no_progress) -> None:
    """Spool the facts of every thing in the store, read by scanning each property once."""
    advance = progress("reading the store for the text index",
                       len(KIND_OF_CLASS) + len(_LITERALS) + len(_TAGS), "scans")
    for cls in KIND_OF_CLASS:  # each class by itself: rdf:type has many more triples
        spool.add_values(RDF.type, ((s, cls) for (s,) in
                                    store.query(_SCAN_CLASS.format(cls=sparql_iri(cls))).rows))
        advance(1)
    for predicate in _LITERALS:
        spool.add_values(predicate, store.query(_SCAN.format(predicate=sparql_iri(predicate))).rows)
        advance(1)
    for predicate in _TAGS:
        text = _PREFIXES + _SCAN_TAGS.format(predicate=sparql_iri(predicate))
        spool.add_values(predicate, store.query(text).rows)
        advance(1)


def _rows(store: Store, text: str, iris: Sequence[str]) -> Iterator[tuple[Node | None, ...]]:
    if iris:
        yield from store.query(text, bindings={"s": tuple(URIRef(i) for i in iris)}).rows


def _add(facts: _Facts, s: Node | None, p: Node | None, o: Node | None) -> None:
    if isinstance(s, URIRef) and p is not None and o is not None:
        facts.setdefault(str(s), {}).setdefault(URIRef(str(p)), []).append(str(o))


def make_thing(iri: str, facts: Mapping[URIRef, list[str]]) -> Thing | None:
    """The entry of a thing from its facts (predicate -> values), None if not an indexed kind."""
    types = set(facts.get(RDF.type, ()))
    kind = next((k for c, k in KIND_OF_CLASS.items() if str(c) in types), None)
    if kind is None:
        return None

    def values(*properties: URIRef) -> list[str]:
        found = [v for p in properties for v in facts.get(p, ())]
        return sorted(set(found), key=found.index)

    labels = sorted(values(RDFS.label))  # sorted: the same entry whatever order they came in
    day = min(values(DIP.date, DIP.published), default=None)
    if kind in NAMED_KINDS:
        # The keys of its other names (aliases) are words to find it by; its label's is not.
        own = {name_key(label) for label in labels}
        body = [k for k in sorted(values(DIP.nameKey)) if k not in own]
    else:
        # Sorted too: the order of several summaries or texts is the store's, which differs
        # between stores, and between reading the store and gathering what was written.
        body = [*sorted(values(DIP.summary)), *sorted(values(DIP.contextTag)),
                *sorted(values(DIP.text))]
    tags = sorted(values(*_TAGS))
    return Thing(iri, kind, day, "\n".join(labels), "\n".join(body)[:MAX_TEXT], "\n".join(tags))


def things_in_graphs(store: Store, graphs: Sequence[str]) -> set[str]:
    """The things that these named graphs describe (before they are replaced or dropped)."""
    if not graphs:
        return set()
    bound = tuple(URIRef(g) for g in graphs)
    return {str(s) for s, c in store.query(_IN_GRAPHS, bindings={"g": bound}).rows
            if s is not None and c in KIND_OF_CLASS}


def things_in_triples(triples: Iterable[Triple]) -> set[str]:
    """The things that these triples type as one of the indexed kinds."""
    rdf_type = RDF.type  # a DefinedNamespace looks each attribute up: once, not per triple
    return {str(s) for s, p, o in triples
            if p == rdf_type and o in KIND_OF_CLASS and isinstance(s, URIRef)}


def stored_documents(store: Store) -> dict[str, str]:
    """The document graphs of the store, each with its fingerprint (content hash and mapper
    version, as the ingester tells an unchanged document)."""
    return {str(g): f"{h}/{v}" for g, h, v in store.query(_DOCUMENTS).rows if g is not None}


def has_documents(store: Store) -> bool:
    """Whether the store holds any document graph."""
    return bool(store.query(_ANY_DOCUMENT).boolean)


def documents_in(graphs: Mapping[str, Sequence[Triple]]) -> dict[str, str | None]:
    """Each written graph's fingerprint as its provenance triples give it (None: not a
    document graph, or dropped)."""
    found: dict[str, str | None] = {}
    for graph, triples in graphs.items():
        node: Node = URIRef(graph)
        facts: dict[Node, str] = {}
        for s, p, o in reversed(triples):  # the ingester puts the provenance last
            if s == node and p in _FINGERPRINT and isinstance(o, Literal):
                facts[p] = str(o)
                if len(facts) == len(_FINGERPRINT):
                    break
        found[graph] = (f"{facts[DIP.contentHash]}/{facts[DIP.mapperVersion]}"
                        if len(facts) == len(_FINGERPRINT) else None)
    return found
