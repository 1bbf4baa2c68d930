"""Article–event linking: how well an event matches an article, and why. Pure, no I/O.

An article reports an event when they share actors, the words of the event's headline and
topics turn up in the article, they share places, and the event falls near the article's
publication date. :func:`score_link` weighs that evidence into a score in [0, 1] and keeps
it, so that every link says why it was made. The content score is the sum of:

* actors (0.45): the share of the event's participants the article mentions, weighted (a
  person counts 1, an organisation 0.75, a state 0.5: "the United States" is in half the
  news), times how much evidence they are together (``1 - 0.5**w`` for the weight ``w``
  shared: one person 0.5, two 0.75, three 0.875);
* the title's actors (0.15): the share of the actors the article's title names that take
  part in the event (the title says whom the article is about; without named actors in the
  title, the actor evidence again);
* topic words (0.3): the event's topic words found in the article, each counting 1 in the
  title and 0.6 in the body only, over their number plus one (one word out of one is not
  certainty). Topic words are what a headline is about: the names of its actors, of the
  posts they hold and of its places (their own evidence), the words every diplomatic
  headline has ("president", "meet", "talks") and numbers are not topic words;
* places (0.1): whether the event's place is one the article names.

The date evidence: for a dated article, 1 when the event is dated within a day of the
article, falling to 0 at :data:`WINDOW_BEFORE` days before it; an event more than
:data:`WINDOW_AFTER` day after the article is never linked (the article could not report it;
the shapes say the same). An undated article has no date evidence at all.

``score = 0.7 * content + 0.3 * date``: an undated article scores at most 0.7, and always
less than a dated article with the same content evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from rdflib import Literal, URIRef

from kg.iri import report_link_iri
from kg.terms import Triple
from kg.vocab import DIP, PROV, RDF, RDFS, XSD

#: Bumped whenever the scoring changes, so that stored links say which rules made them.
LINKER_VERSION = "1"
#: An article reports events up to this many days before its publication date ...
WINDOW_BEFORE = 14
#: ... and at most this many days after it (time zones; articles dated by their last update).
WINDOW_AFTER = 1
#: Links scoring below this are not kept.
THRESHOLD = 0.35
#: At most this many events (the best) are linked to one article.
MAX_LINKS = 3

ACTOR_WEIGHTS: Mapping[str, float] = {"person": 1.0, "organization": 0.75, "state": 0.5}
_CONTENT, _DATE = 0.7, 0.3
_ACTORS, _HEADLINE, _WORDS, _PLACES = 0.45, 0.15, 0.3, 0.1
_BODY_WORD = 0.6  # a topic word only the article's body has counts this much; in its title, 1

_WORD = re.compile(r"[a-z0-9]+")
# British and American spellings of the same word, so that an article's "defence"
# meets an event's "defense".
_SPELLINGS = {
    "defence": "defense",
    "offence": "offense",
    "programme": "program",
    "programmes": "programs",
    "centre": "center",
    "centres": "centers",
    "licence": "license",
    "labour": "labor",
    "favour": "favor",
    "honour": "honor",
    "counselling": "counseling",
    "travelling": "traveling",
}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS = _word_set(
    """
    a about above after again against all also am amid among an and any are as at be been
    before being below between both but by can could did do does doing down during each else
    ever few for from further had has have having he her here hers him his how i if in into
    is it its itself just last least less many may me might more most much must my near new
    next no nor not now of off on once one only or other our ours out over own same she
    should since so some still such than that the their theirs them then there these they
    this those though three through to too two under until up upon us very via was we were
    what when where which while who whom whose why will with within without would yet you
    your first second third four five six seven eight nine ten several per around across
    along amidst toward towards
    """
)
# Words that any diplomatic headline may have: titles, generic actors, reporting verbs,
# and the verbs and nouns that name the kind of event (its type is its own evidence).
_GENERIC_WORDS = _word_set(
    """
    president presidential vice prime minister ministers ministry secretary foreign affairs
    chancellor king queen prince leader leaders head official officials government
    governments state states united nation nations national country countries international
    people republic federation kingdom american europe european world former current said
    say says saying told tell according report reports reported reporting news statement
    today yesterday tomorrow day days week weeks month months year years time meet meets
    meeting meetings met talk talks hold holds held discuss discusses discussing discussion
    discussions visit visits visiting visited sign signs signed signing agree agrees agreed
    fail fails failed make makes made take takes took give gives gave announce announces
    announced begin begins began end ends ended
    """
)
_STOP_WORDS = _FUNCTION_WORDS | _GENERIC_WORDS


def normalize_word(word: str) -> str:
    """The form words are compared in: lower-case ASCII, one spelling, a crude stem.

    "defence" and "defense", "talks" and "talk", "normalising" and "normalizing" meet.
    Both sides of a comparison go through the same steps, so a stem need not be a word.
    """
    word = _SPELLINGS.get(word, word)
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and (word.endswith("ed") or (word.endswith("es") and word[-3] != "s")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 6 and word.endswith("is"):
        word = word[:-1] + "z"  # normalis(e/ing) and normaliz(e/ing)
    return word.replace("isat", "izat")


def _tokens(text: str) -> Iterable[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    # "Russia's" is Russia: the possessive is not a word.
    return _WORD.findall(ascii_text.lower().replace("'s ", " "))


def text_words(*texts: str) -> frozenset[str]:
    """The normalised words of texts (an article's title and body), stop words left out."""
    return frozenset(
        normalize_word(t) for text in texts for t in _tokens(text) if t not in _STOP_WORDS
    )


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The lower-case words of names (actors' and places' labels), to tell them from topics."""
    return frozenset(t for name in names for t in _tokens(name))


def named_in(text: str, actors: Mapping[str, tuple[str, str]]) -> frozenset[str]:
    """The actors (IRI -> label and kind) that ``text`` names: a person by the last word of
    the name, a state or organisation by every word of its name of three letters or more.

    "Putin offers Bush new missile plan" names Vladimir Putin and George W. Bush;
    "Prime Minister of the United Kingdom" names the United Kingdom, not the United Nations.
    """
    words = set(_tokens(text))
    found: set[str] = set()
    for iri, (label, kind) in actors.items():
        tokens = [t for t in _tokens(label) if len(t) >= 3]
        if not tokens:
            continue
        if (tokens[-1] in words) if kind == "person" else all(t in words for t in tokens):
            found.add(iri)
    return frozenset(found)


def _is_name(token: str, names: frozenset[str]) -> bool:
    # "Russian" is a name word with "Russia"; "Iranian" with "Iran".
    return token in names or any(len(n) >= 4 and token.startswith(n) for n in names)


def topic_words(texts: Iterable[str], *, names: Iterable[str] = ()) -> dict[str, str]:
    """The topic words of an event's headline and topic labels: normalised word -> as written.

    Words of ``names`` (its actors' and places' labels) are left out, as are words that
    begin with one of them ("Russian" with "Russia"), stop words, numbers and words of
    fewer than three letters.
    """
    known = name_words(names)
    words: dict[str, str] = {}
    for text in texts:
        for token in _tokens(text):
            if (
                token in _STOP_WORDS
                or token.isdigit()
                or (len(token) < 3 and token.isalpha())
                or _is_name(token, known)
            ):
                continue
            words.setdefault(normalize_word(token), token)
    return words


@dataclass(frozen=True)
class ArticleFeatures:
    """What linking knows of an article: its date, the actors and places it names, its words."""

    iri: str
    published: date | None
    actors: Mapping[str, str]  # actor IRI -> kind ("person", "state", "organization")
    words: frozenset[str] = frozenset()  # of its title and body, normalised: see text_words
    places: frozenset[str] = frozenset()  # place IRIs
    names: frozenset[str] = frozenset()  # lower-case words of its actors' names, see name_words
    title_words: frozenset[str] = frozenset()  # of its title alone
    headline_actors: frozenset[str] = frozenset()  # actors its title names, see named_in
    title: str = ""  # as written


@dataclass(frozen=True)
class EventFeatures:
    """What linking knows of an event: its date, participants, places and topic words."""

    iri: str
    day: date
    actors: Mapping[str, str]  # participant IRI -> kind
    words: Mapping[str, str] = field(default_factory=dict)  # see topic_words
    places: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Link:
    """A scored link from an article to an event it reports, with the evidence for it."""

    article: str
    event: str
    score: float  # in [0, 1], rounded to three decimals
    shared_actors: tuple[str, ...]  # IRIs, sorted
    shared_words: tuple[str, ...]  # as the event writes them, sorted
    shared_places: tuple[str, ...]  # IRIs, sorted
    date_distance: int | None  # the event's date minus the article's, in days; None: undated

    def reasons(self, labels: Mapping[str, str] | None = None) -> list[str]:
        """The evidence in words, one reason each; ``labels`` names IRIs for people."""
        labels = labels or {}

        def names(iris: Iterable[str]) -> str:
            return ", ".join(sorted(labels.get(i, i) for i in iris))

        out = [f"shared actors: {names(self.shared_actors)}"]
        if self.shared_words:
            out.append(f"shared topic words: {', '.join(self.shared_words)}")
        if self.shared_places:
            out.append(f"shared places: {names(self.shared_places)}")
        out.append(describe_distance(self.date_distance))
        return out


def describe_distance(distance: int | None) -> str:
    """A date distance as a reason: "event 1 day after the article", "article undated"."""
    if distance is None:
        return "article undated: no date evidence"
    if distance == 0:
        return "event on the article's date"
    days = abs(distance)
    unit = "day" if days == 1 else "days"
    side = "after" if distance > 0 else "before"
    return f"event {days} {unit} {side} the article"


def date_closeness(distance: int | None) -> float:
    """Date evidence in [0, 1]: 1 within a day, falling to 0 at the window's far end."""
    if distance is None:
        return 0.0
    if distance > WINDOW_AFTER or distance < -WINDOW_BEFORE:
        return 0.0
    return max(0.0, 1.0 - max(0, abs(distance) - 1) / WINDOW_BEFORE)


def actor_evidence(event: Mapping[str, str], shared: Iterable[str]) -> float:
    """The share of the event's (weighted) participants shared, times their weight as evidence."""
    total = sum(ACTOR_WEIGHTS.get(kind, 0.5) for kind in event.values())
    weight = sum(ACTOR_WEIGHTS.get(event[iri], 0.5) for iri in shared)
    if total <= 0 or weight <= 0:
        return 0.0
    return (weight / total) * (1.0 - 0.5**weight)


def score_link(article: ArticleFeatures, event: EventFeatures) -> Link | None:
    """The link from ``article`` to ``event`` with its score and evidence.

    None when they share no actor, or the event lies outside the article's date window.
    """
    shared_actors = sorted(set(article.actors) & set(event.actors))
    if not shared_actors:
        return None
    distance = None
    if article.published is not None:
        distance = (event.day - article.published).days
        if distance > WINDOW_AFTER or distance < -WINDOW_BEFORE:
            return None
    # The names of the article's actors are actor evidence, not topic words ("Russia"
    # in an event's "President of Russia" when Russia is not among its participants).
    words = [w for w, token in event.words.items() if not _is_name(token, article.names)]
    shared_words = sorted(event.words[w] for w in words if w in article.words)
    shared_places = sorted(article.places & event.places)
    # What the title says the article is about weighs more than what its body mentions.
    word_weight = sum(
        1.0 if w in article.title_words else _BODY_WORD for w in words if w in article.words
    )
    actors = actor_evidence(event.actors, shared_actors)
    if article.headline_actors:
        headline = len(article.headline_actors & set(event.actors)) / len(article.headline_actors)
    else:
        headline = actors
    content = (
        _ACTORS * actors
        + _HEADLINE * headline
        + _WORDS * word_weight / (len(words) + 1)
        + _PLACES * (1.0 if shared_places else 0.0)
    )
    score = _CONTENT * content + _DATE * date_closeness(distance)
    return Link(
        article=article.iri,
        event=event.iri,
        score=round(min(1.0, max(0.0, score)), 3),
        shared_actors=tuple(shared_actors),
        shared_words=tuple(shared_words),
        shared_places=tuple(shared_places),
        date_distance=distance,
    )


def best_links(
    article: ArticleFeatures,
    events: Iterable[EventFeatures],
    *,
    threshold: float = THRESHOLD,
    limit: int = MAX_LINKS,
) -> list[Link]:
    """The links worth keeping: at least ``threshold``, the ``limit`` best, best first."""
    links = [link for e in events if (link := score_link(article, e)) is not None]
    kept = [link for link in links if link.score >= threshold]
    kept.sort(key=lambda link: (-link.score, link.event))
    return kept[:limit]


def link_triples(
    article: str,
    links: Iterable[Link],
    *,
    graph_iri: str,
    article_documents: Iterable[str],
    event_documents: Mapping[str, Iterable[str]],
    labels: Mapping[str, str],
    generated_at: datetime,
    software: str,
) -> Iterator[Triple]:
    """The triples of an article's link graph: each link as a dip:ReportLink node with its
    score and evidence, the plain ``article dip:reports event``, and PROV-O for the graph.

    ``article_documents`` and ``event_documents`` (per event) are the document graphs the
    features came from: each link and the graph as a whole are derived from them.
    """
    g, a = URIRef(graph_iri), URIRef(article)
    article_docs = sorted(set(article_documents))
    sources: set[str] = set(article_docs)
    name = labels.get(article, article)
    for link in links:
        node, e = URIRef(report_link_iri(article, link.event)), URIRef(link.event)
        yield a, DIP.reports, e
        yield node, RDF.type, DIP.ReportLink
        yield node, DIP.article, a
        yield node, DIP.event, e
        yield node, DIP.score, Literal(Decimal(f"{link.score:.3f}"), datatype=XSD.decimal)
        for actor in link.shared_actors:
            yield node, DIP.sharedActor, URIRef(actor)
        for word in link.shared_words:
            yield node, DIP.sharedWord, Literal(word)
        for place in link.shared_places:
            yield node, DIP.sharedPlace, URIRef(place)
        if link.date_distance is not None:
            yield node, DIP.dateDistance, Literal(link.date_distance, datatype=XSD.integer)
        for reason in link.reasons(labels):
            yield node, DIP.reason, Literal(reason)
        docs = set(article_docs) | set(event_documents.get(link.event, ()))
        sources |= docs
        for doc in sorted(docs):
            yield node, PROV.wasDerivedFrom, URIRef(doc)
    yield g, RDF.type, DIP.LinkGraph
    yield from link_graph_provenance(
        graph_iri, label=f"events reported by {name}", version=LINKER_VERSION,
        activity_label=f"linking of {name} to the events it reports", sources=sources,
        generated_at=generated_at, software=software)


def link_graph_provenance(
    graph_iri: str,
    *,
    label: str,
    version: str,
    activity_label: str,
    sources: Iterable[str],
    generated_at: datetime,
    software: str,
) -> Iterator[Triple]:
    """PROV-O for a derived link graph: its label and linker version, the linking activity
    that made it, the document graphs it was derived from, and the software that ran."""
    g, activity = URIRef(graph_iri), URIRef(graph_iri + "#linking")
    when = Literal(generated_at.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    yield g, RDFS.label, Literal(label)
    yield g, DIP.linkerVersion, Literal(version)
    yield g, PROV.generatedAtTime, when
    yield g, PROV.wasGeneratedBy, activity
    for doc in sorted(sources):
        yield g, PROV.wasDerivedFrom, URIRef(doc)
        yield activity, PROV.used, URIRef(doc)
    yield activity, RDF.type, DIP.Linking
    yield activity, RDFS.label, Literal(activity_label)
    yield activity, PROV.endedAtTime, when
    yield activity, PROV.wasAssociatedWith, URIRef(software)
    yield URIRef(software), RDF.type, PROV.SoftwareAgent
    yield URIRef(software), RDFS.label, Literal("diplomacy-kg " + software.rsplit("/", 1)[-1])
