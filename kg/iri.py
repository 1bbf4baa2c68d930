"""Deterministic IRI minting: the same thing always gets the same IRI, never a random one."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from kg.model import ActorKind
from kg.vocab import DEFAULT_BASE, GRAPH_BASE

#: The named graph of the ontology and CAMEO that the store was loaded with.
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
#: The named graph of what the ontology entails about the data (kg.reason).
INFERRED_GRAPH = GRAPH_BASE + "inferred"
#: Where Graph Store writes to ``?default`` go: the default graph is the merge of the named
#: graphs, so its own triples live in this named graph.
DEFAULT_GRAPH_IRI = GRAPH_BASE + "default"
#: The named graph the reasoner's in-memory store holds its input in (kg.reason.entailed).
ENTAILMENT_INPUT_GRAPH = GRAPH_BASE + "input"
#: What every document graph's IRI starts with (see :func:`document_graph_iri`).
DOCUMENT_GRAPH_BASE = GRAPH_BASE + "doc/"
#: What every article-event link graph's IRI starts with (see :func:`link_graph_iri`).
LINK_GRAPH_BASE = GRAPH_BASE + "links/"
#: A graph no store holds: asked for as the only default graph, it makes that graph empty.
NO_SUCH_GRAPH_IRI = "urn:x-kg:no-such-graph"

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_WIKI_QUOTES = re.compile(r"'{2,}")
_MAX_SLUG = 80


def slugify(text: str, max_length: int = _MAX_SLUG) -> str:
    """Lower-case ASCII words joined by hyphens ("Russia's President" -> "russia-s-president")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "x"


def short_hash(text: str, length: int = 10) -> str:
    """A stable hex digest prefix of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def normalize_headline(headline: str) -> str:
    """The identity form of a headline: wiki quotes gone, whitespace folded, no final stop."""
    text = _WIKI_QUOTES.sub("", headline)
    text = " ".join(text.split()).rstrip(". ")
    return text.casefold()


def event_iri(event_date: date, headline: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the event with this date and headline."""
    key = normalize_headline(headline)
    return f"{base}event/{event_date.isoformat()}/{slugify(key, 60)}-{short_hash(key, 8)}"


def article_iri(url: str | None, title: str | None = None, base: str = DEFAULT_BASE) -> str:
    """The IRI of an article: from its URL when known, else from its title."""
    if url:
        return f"{base}article/{short_hash(url, 16)}"
    if not title:
        raise ValueError("an article needs a URL or a title")
    key = " ".join(title.split()).casefold()
    return f"{base}article/{slugify(key, 60)}-{short_hash(key, 8)}"


def quote_iri(article: str, start: int, text: str) -> str:
    """The IRI of a quote: under its article's, from where it stands and what it says."""
    return f"{article}/quote/{start}-{short_hash(text, 8)}"


def evidence_iri(record: str, field: str, start: int, end: int, target: str) -> str:
    """The IRI of the words at ``start``-``end`` of a record's text ``field`` that name
    ``target``: under the record's IRI, one per distinct mention."""
    return f"{record}/evidence/{field}-{start}-{end}-{short_hash(target, 8)}"


def actor_iri(kind: ActorKind, name: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of a person, state or organisation, from its canonical name."""
    return f"{base}{kind.value}/{slugify(name)}"


def named_iri(kind: str, name: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of a post, topic, place or source (``kind`` is the path segment)."""
    return f"{base}{kind}/{slugify(name)}"


def document_graph_iri(document_key: str) -> str:
    """The named graph that holds one source document's triples."""
    return f"{DOCUMENT_GRAPH_BASE}{short_hash(document_key, 20)}"


def link_graph_iri(article: str) -> str:
    """The named graph that holds the computed links of one article to the events it reports."""
    return f"{LINK_GRAPH_BASE}{short_hash(article, 20)}"


def scratch_graph_iri(token: str) -> str:
    """The scratch graph of one web update's merge bookkeeping.

    ``token`` (a fresh random hex string from the caller) makes it that update's own; the
    randomness stays with the caller so that this module mints nothing at random.
    """
    return f"urn:x-kg:merge:{token}"


def store_graph_iri(public_url: str, path: str) -> str:
    """The graph a Graph Store request names by its own URL (``path`` from the server root)."""
    return public_url + path.lstrip("/")


def new_store_graph_iri(public_url: str, token: str) -> str:
    """The graph a Graph Store POST to /store creates (``token``: a fresh random hex string)."""
    return store_graph_iri(public_url, f"store/graphs/{token}")


def report_link_iri(article: str, event: str) -> str:
    """The IRI of the link node from an article to an event: under the article's IRI."""
    return f"{article}/link/{short_hash(event, 12)}"
