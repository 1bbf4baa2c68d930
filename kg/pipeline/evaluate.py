"""Extraction quality: run the extractors over labelled pages and score them field by field.

A labelled set is a folder of JSON files (``tests/eval/*.json``), one per page, each naming
the page it labels (a path relative to the folder) and what the page says: for events the
date, participants (with Wikidata QIDs), posts held and by whom, CAMEO type, places, source
publishers and agencies and topics; for articles the title, date, dateline place, agencies,
people and states mentioned and posts held. A field left out of a label is not scored.
``tests/eval/README.md`` says how the labels were made.

The scoring functions (``score_set``, ``score_value``) are pure; ``evaluate_folder`` does the
reading, ``format_report`` the printing.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from kg.extract import extract_document
from kg.extract.gazetteer import Gazetteer
from kg.model import Actor, ActorKind, Article, Document, Event, Post
from kg.parse import parse_document
from kg.resources import resource_path

#: The fields scored, in the order they are printed.
EVENT_FIELDS = (
    "date", "participants", "posts", "type", "places", "publishers", "agencies", "topics",
)
ARTICLE_FIELDS = (
    "title", "article date", "dateline place", "publisher", "article agencies",
    "people", "states", "article posts", "quotes",
)
SILVER_FIELDS = ("silver participants",)
#: Scored on the merged graph of all labelled pages ingested together (kg.pipeline.merged_eval).
MERGED_FIELDS = ("merged participants",)
FIELDS = EVENT_FIELDS + ARTICLE_FIELDS + SILVER_FIELDS + MERGED_FIELDS


@dataclass
class Counts:
    """True positives, false positives and misses, and the precision and recall they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp), or None when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn), or None when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class FieldScore(Counts):
    """True positives, false hits and misses of one field, with the items for --verbose."""

    false_hits: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: FieldScore) -> None:
        """Fold another score into this one."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.false_hits.extend(other.false_hits)
        self.misses.extend(other.misses)


@dataclass
class EvalReport:
    """Scores per field over a labelled set, and the QID and type checks."""

    pages: int = 0
    events: int = 0
    articles: int = 0
    fields: dict[str, FieldScore] = field(default_factory=dict)
    qid_checked: int = 0
    qid_right: int = 0
    qid_wrong: list[str] = field(default_factory=list)
    types_checked: int = 0  # events labelled with a diplomatic type
    types_right: int = 0
    unmatched: list[str] = field(default_factory=list)  # labelled records not found
    notes: list[str] = field(default_factory=list)

    def score(self, name: str) -> FieldScore:
        """The score of one field, created empty on first use."""
        return self.fields.setdefault(name, FieldScore())


def normalize(text: str) -> str:
    """A comparison key: accents and case folded, a leading "the" and extra spaces dropped."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    words = folded.replace("’", "'").split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words).strip(" .")


def score_set(gold: Iterable[str], predicted: Iterable[str], where: str = "") -> FieldScore:
    """Set precision/recall counts: items compared by ``normalize``; misses and false hits
    are listed as "item  (where)"."""
    gold_keys = {normalize(g): g for g in gold}
    pred_keys = {normalize(p): p for p in predicted}
    suffix = f"  ({where})" if where else ""
    tp = len(gold_keys.keys() & pred_keys.keys())
    false_hits = [pred_keys[k] + suffix for k in pred_keys.keys() - gold_keys.keys()]
    misses = [gold_keys[k] + suffix for k in gold_keys.keys() - pred_keys.keys()]
    return FieldScore(tp, len(false_hits), len(misses), sorted(false_hits), sorted(misses))


def score_value(gold: str | None, predicted: str | None, where: str = "") -> FieldScore:
    """A single-valued field: right is a hit, wrong is a false hit and a miss, None is absent."""
    return score_set([gold] if gold else [], [predicted] if predicted else [], where)


def score_actors(
    gold: Sequence[dict[str, Any]], predicted: Sequence[Actor], where: str = ""
) -> tuple[FieldScore, list[tuple[str, str | None, str | None]]]:
    """Actors matched by name (or by QID when both sides have one).

    Returns the score and, for each matched actor whose label gives a QID,
    (name, labelled QID, extracted QID).
    """
    suffix = f"  ({where})" if where else ""
    remaining = list(predicted)
    result = FieldScore()
    checks: list[tuple[str, str | None, str | None]] = []
    for item in gold:
        name, qid = str(item["name"]), item.get("qid")
        keys = {normalize(name), *(normalize(a) for a in item.get("aliases", ()))}
        match = next((a for a in remaining if qid and a.qid == qid), None) or next(
            (a for a in remaining if keys & {normalize(a.name), *map(normalize, a.aliases)}),
            None,
        )
        if match is None:
            result.fn += 1
            result.misses.append(name + suffix)
            continue
        remaining.remove(match)
        result.tp += 1
        if qid:
            checks.append((name, qid, match.qid))
    for actor in remaining:
        result.fp += 1
        result.false_hits.append(actor.name + suffix)
    return result, checks


def score_posts(
    gold: Sequence[dict[str, Any]], predicted: Sequence[Post], where: str = ""
) -> FieldScore:
    """Posts held: a (post, holder) pair is right when both names are ("President of Russia"
    held by Vladimir Putin on that date). A label may give other names of the post
    (``aliases``); posts found without a holder are not scored."""
    names: dict[str, str] = {}
    labelled = []
    for item in gold:
        key = _post_key(str(item["post"]), str(item["holder"]))
        labelled.append(key)
        for alias in item.get("aliases", ()):
            names[normalize(alias)] = str(item["post"])
    found = [_post_key(names.get(normalize(p.name), p.name), p.holder.name)
             for p in predicted if p.holder is not None]
    return score_set(labelled, found, where)


def _post_key(post: str, holder: str) -> str:
    return f"{post}: {holder}"


def type_root(code: str | None) -> str | None:
    """The two-digit CAMEO root of a code ("043" -> "04", "12" -> "12")."""
    return code[:2] if code else None


# --- running the extractors -------------------------------------------------------------


def extract_parsed(doc: Document, gazetteer: Gazetteer) -> Document:
    """Run the extractors (the event typer among them) over a parsed document, as the pipeline
    does."""
    return extract_document(doc, gazetteer)


def _without_silver(doc: Document) -> Document:
    """The document with the entity lists taken away, so the labels are not also the input."""
    return dataclasses.replace(
        doc, events=tuple(dataclasses.replace(e, context=(), entities=()) for e in doc.events)
    )


def shipped_labels() -> Path:
    """The labelled pages shipped with the package (``tests/eval`` in a checkout).

    Raises:
        FileNotFoundError: if this installation has none, saying which option gives a folder.
    """
    try:
        return resource_path("eval")
    except FileNotFoundError:
        raise FileNotFoundError(
            "no labelled pages are shipped with this installation: give a folder of label "
            "files as FOLDER (kg eval FOLDER), e.g. tests/eval of a checkout"
        ) from None


def evaluate_folder(folder: Path, gazetteer: Gazetteer) -> EvalReport:
    """Score the extractors against every label file in ``folder``."""
    report = EvalReport()
    for label_path in sorted(folder.glob("*.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        page = folder / label["page"]
        text = page.read_text(encoding="utf-8-sig")
        doc = parse_document(text, str(page), label.get("format"))
        if label.get("silver") == "entities":
            silver = doc
            doc = extract_parsed(_without_silver(doc), gazetteer)
            _score_silver(report, label_path.stem, silver, doc, gazetteer, label)
        else:
            doc = extract_parsed(doc, gazetteer)
            for gold in label.get("events", ()):
                _score_event(report, label_path.stem, gold, doc.events)
            for gold in label.get("articles", ()):
                _score_article(report, label_path.stem, gold, doc.articles)
        report.pages += 1
    return report


def _find_event(headline: str, events: Sequence[Event]) -> Event | None:
    key = normalize(headline)
    return next((e for e in events if normalize(e.headline).startswith(key)), None)


def _score_event(
    report: EvalReport, page: str, gold: dict[str, Any], events: Sequence[Event]
) -> None:
    event = _find_event(gold["headline"], events)
    where = f"{page}: {gold['headline'][:40]}"
    if event is None:
        report.unmatched.append(where)
        return
    report.events += 1
    if "date" in gold:
        report.score("date").add(score_value(gold["date"], event.date.isoformat(), where))
    if "participants" in gold:
        result, checks = score_actors(gold["participants"], event.mentions.actors, where)
        report.score("participants").add(result)
        _check_qids(report, checks, where)
    if "posts" in gold:
        report.score("posts").add(score_posts(gold["posts"], event.mentions.posts, where))
    if "type" in gold:
        predicted = event.event_type.code if event.event_type else None
        result = score_value(type_root(gold["type"]), type_root(predicted), where)
        if result.false_hits and event.event_type is not None:
            result.false_hits = [f"{h} [{event.event_type.trigger!r}]" for h in result.false_hits]
        report.score("type").add(result)
        if gold["type"]:
            report.types_checked += 1
            report.types_right += result.tp
    if "places" in gold:
        report.score("places").add(
            score_set(gold["places"], [p.name for p in event.mentions.places], where)
        )
    if "publishers" in gold:
        names = [s.publisher.name for s in event.sources if s.publisher is not None]
        report.score("publishers").add(score_set(gold["publishers"], names, where))
    if "agencies" in gold:
        names = [s.agency.name for s in event.sources if s.agency is not None]
        report.score("agencies").add(score_set(gold["agencies"], names, where))
    if "topics" in gold:
        report.score("topics").add(score_set(gold["topics"], event.mentions.topics, where))


def _score_article(
    report: EvalReport, page: str, gold: dict[str, Any], articles: Sequence[Article]
) -> None:
    if not articles:
        report.unmatched.append(f"{page}: article")
        return
    article = articles[0]
    report.articles += 1
    where = page
    if "title" in gold:
        report.score("title").add(score_value(gold["title"], article.title, where))
    if "date" in gold:
        published = article.published.isoformat() if article.published else None
        report.score("article date").add(score_value(gold["date"], published, where))
    if "dateline_place" in gold:
        place = article.place.name if article.place else None
        report.score("dateline place").add(score_value(gold["dateline_place"], place, where))
    if "publisher" in gold:
        publisher = article.publisher.name if article.publisher else None
        report.score("publisher").add(score_value(gold["publisher"], publisher, where))
    if "agencies" in gold:
        report.score("article agencies").add(
            score_set(gold["agencies"], [a.name for a in article.agencies], where)
        )
    if "quotes" in gold:
        labelled = [_quote_key(q["speaker"], q["text"]) for q in gold["quotes"]]
        found = [_quote_key(q.speaker.name if q.speaker else "?", q.text)
                 for q in article.quotes]
        report.score("quotes").add(score_set(labelled, found, where))
    for name, kind in (("people", ActorKind.PERSON), ("states", ActorKind.STATE)):
        if name in gold:
            actors = [a for a in article.mentions.actors if a.kind == kind]
            result, checks = score_actors(gold[name], actors, where)
            report.score(name).add(result)
            _check_qids(report, checks, where)
    if "posts" in gold:
        report.score("article posts").add(
            score_posts(gold["posts"], article.mentions.posts, where)
        )


def _score_silver(
    report: EvalReport,
    page: str,
    silver: Document,
    extracted: Document,
    gazetteer: Gazetteer,
    label: dict[str, Any],
) -> None:
    """WikiTimes: the entity lists' Wikipedia links, resolved by the gazetteer, are the
    gold actors (a silver standard: lists are incomplete, so precision is a lower bound)."""
    unresolved = 0
    for source, event in zip(silver.events, extracted.events, strict=True):
        gold: list[dict[str, Any]] = []
        unscored: set[str] = set()  # linked entities the gazetteer does not know
        for name, url in source.entities:
            entry = gazetteer.by_wikipedia(url) if url else None
            if entry is None:
                unresolved += 1
                unscored |= {normalize(name), normalize(_title_of(url))}
                continue
            if entry.kind not in ("person", "state", "organization"):
                continue
            if all(g["name"] != entry.name for g in gold):
                gold.append({"name": entry.name, "qid": entry.qid})
        # Not scored is neither a hit nor a false hit: an actor the extractor found by the
        # text's cues, that the list links but the gazetteer does not know, is left out.
        predicted = [a for a in event.mentions.actors
                     if a.qid is not None or normalize(a.name) not in unscored]
        where = f"{page}: {event.headline[:40]}"
        result, checks = score_actors(gold, predicted, where)
        report.score("silver participants").add(result)
        _check_qids(report, checks, where)
        report.events += 1
    report.notes.append(
        f"{page}: {unresolved} linked entities the gazetteer does not know, not scored"
    )


def _title_of(url: str | None) -> str:
    """ "Peter Robinson" from a Wikipedia link ".../wiki/Peter_Robinson_(politician)"."""
    if not url:
        return ""
    title = unquote(url.rstrip("/").rsplit("/", 1)[-1]).replace("_", " ")
    return title.split(" (", 1)[0]


def _quote_key(speaker: str, text: str) -> str:
    """A quote as its speaker and first words: labels give the words, not the offsets."""
    return f"{speaker}: {normalize(text)[:25]}"


def _check_qids(
    report: EvalReport, checks: Iterable[tuple[str, str | None, str | None]], where: str
) -> None:
    for name, wanted, found in checks:
        report.qid_checked += 1
        if wanted == found:
            report.qid_right += 1
        else:
            report.qid_wrong.append(f"{name}: {found} instead of {wanted}  ({where})")


# --- printing ------------------------------------------------------------------------------


def _figure(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def format_report(report: EvalReport, *, verbose: bool = False) -> str:
    """The table of precision, recall and F1 per field (and, verbose, the misses and hits)."""
    lines = [
        f"{report.pages} label files, {report.events} events, {report.articles} articles",
        "",
        f"{'field':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for name in FIELDS:
        s = report.fields.get(name)
        if s is None:
            continue
        lines.append(
            f"{name:<22}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
            f"{_figure(s.precision):>7}{_figure(s.recall):>7}{_figure(s.f1):>7}"
        )
    lines.append("")
    if report.qid_checked:
        lines.append(
            f"QIDs right for matched actors: {report.qid_right}/{report.qid_checked}"
            f" = {report.qid_right / report.qid_checked:.2f}"
        )
    if report.types_checked:
        lines.append(
            f"event type at CAMEO root, events with a diplomatic type: "
            f"{report.types_right}/{report.types_checked}"
            f" = {report.types_right / report.types_checked:.2f}"
        )
    if report.unmatched:
        lines.append(f"labelled records not found: {len(report.unmatched)}")
    lines += report.notes
    if verbose:
        for name in FIELDS:
            s = report.fields.get(name)
            if s is None or not (s.misses or s.false_hits):
                continue
            lines += ["", f"== {name}"]
            lines += [f"  miss       {m}" for m in s.misses]
            lines += [f"  false hit  {h}" for h in s.false_hits]
        if report.qid_wrong:
            lines += ["", "== wrong QIDs", *(f"  {w}" for w in report.qid_wrong)]
        if report.unmatched:
            lines += ["", "== labelled records not found", *(f"  {u}" for u in report.unmatched)]
    return "\n".join(lines)

