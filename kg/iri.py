"""Deterministic IRI minting: the same thing always gets the same IRI, never a random one."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import date

from kg.model import ActorKind
from kg.parse.text import unescape
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
#: What every same-event link graph's IRI starts with: one graph per day, its date after it
#: (see :func:`same_event_graph_iri`).
SAME_EVENT_GRAPH_BASE = GRAPH_BASE + "same-event/"
#: What every graph of counts kept up to date with the documents starts with (kg.link.counts).
COUNTS_GRAPH_BASE = GRAPH_BASE + "counts/"
#: The number of events each actor is involved in (kg.link.counts).
ACTOR_COUNTS_GRAPH = COUNTS_GRAPH_BASE + "actors"
#: What the graphs start with that record which derived graphs are current (kg.derivation).
STATE_GRAPH_BASE = GRAPH_BASE + "state/"
#: The record of the inferred graph's derivation: when it started, whether it finished.
INFERRED_STATE_GRAPH = STATE_GRAPH_BASE + "inferred"
#: The record of the article-event links' derivation.
LINKS_STATE_GRAPH = STATE_GRAPH_BASE + "links"
#: A graph no store holds: asked for as the only default graph, it makes that graph empty.
NO_SUCH_GRAPH_IRI = "urn:x-kg:no-such-graph"

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# What event_key takes out or folds before it reads a headline's words.
_CITATION = re.compile(
    r"\[\s*(?:\d{1,3}|[a-z]|citation needed|clarification needed|when\?|who\?|edit|"
    r"dubious[^\]]{0,40}|better source needed|failed verification)\s*\]", re.IGNORECASE)
_WIKI_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]")
# An apostrophe between letters is part of the word; wiki quotes ('') are markup.
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)|'{2,}")
_KEY_WORD = re.compile(r"[^\W_]+")
# Letters NFKD does not take apart: folded by hand, as a reader would spell them in ASCII.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i",
                          "þ": "th", "æ": "ae", "œ": "oe", "ŀ": "l"})
_MAX_SLUG = 80
# Pure functions of a name or headline, called for every mention of it: an ingest of 1,000
# events asked event_key 73k times for far fewer headlines and names, so their answers are kept.
_CACHED = 1 << 16


@functools.lru_cache(maxsize=_CACHED)
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


@functools.lru_cache(maxsize=_CACHED)
def event_key(headline: str) -> str:
    """The identity form of a headline: its words, however they were spelt or marked up.

    Entities decoded, Unicode compatibility forms and accents folded ("Cabañas" and
    "Cabanas" meet, and "Łódź" and "Lodz"), case folded, wiki markup ("''", "[[a|b]]") and
    citation markers ("[1]", "[citation needed]") gone, apostrophes dropped inside words
    ("Russia's", "Russia’s" and the export's "Russias" meet); every other character that is
    not a letter or a digit (punctuation, the debris of dropped links such as " , ,", stray
    brackets, a final stop) separates words. Two spellings of one headline on one date get
    one event IRI; words that differ are left to the same-event links (kg.link.same_event).
    """
    text = unicodedata.normalize("NFKC", unescape(headline))
    text = _WIKI_LINK.sub(r"\1", _CITATION.sub(" ", text))
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_LETTERS)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = _KEY_WORD.findall(_APOSTROPHE.sub("", text))
    # A headline of punctuation alone still needs an identity: then it is its own text.
    return " ".join(words) or " ".join(headline.split()).casefold()


@functools.lru_cache(maxsize=_CACHED)
def event_iri(event_date: date, headline: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the event with this date and headline (see :func:`event_key`)."""
    key = event_key(headline)
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


def same_event_graph_iri(day: date) -> str:
    """The named graph of the same-event links whose earlier event is dated ``day``."""
    return f"{SAME_EVENT_GRAPH_BASE}{day.isoformat()}"


def same_event_graph_day(graph_iri: str) -> date | None:
    """The day a same-event graph holds the links of; None for any other graph."""
    if not graph_iri.startswith(SAME_EVENT_GRAPH_BASE):
        return None
    try:
        return date.fromisoformat(graph_iri[len(SAME_EVENT_GRAPH_BASE):])
    except ValueError:
        return None


def same_event_link_iri(first: str, second: str) -> str:
    """The IRI of the link node that says two events are one: under the first one's IRI."""
    first, second = sorted((first, second))
    return f"{first}/same/{short_hash(second, 12)}"


def is_derived_graph(graph_iri: str) -> bool:
    """Whether a named graph is derived (inferred, links, same-event links, counts, state),
    not asserted by a document."""
    return graph_iri == INFERRED_GRAPH or graph_iri.startswith(DERIVED_GRAPH_BASES)


#: What the IRIs of derived graphs, but the inferred graph, start with.
DERIVED_GRAPH_BASES = (LINK_GRAPH_BASE, STATE_GRAPH_BASE, SAME_EVENT_GRAPH_BASE,
                       COUNTS_GRAPH_BASE)


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
