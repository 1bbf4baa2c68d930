"""Event identity scored on hand-labelled pairs of mentions (``tests/eval/event-pairs``).

Every file of the set's ``pages/`` is ingested into one store in memory, as ``kg ingest``
would (same-event links included). Each mention (a page's headline, a Related entry, a day
index line, a WikiTimes record) is mapped to the event node its own file's graph gives it:
the node of that graph with the mention's date whose headline, compared word by word with
accents, case and punctuation left out, is the mention's text or inside it (a story prefix
the parser splits off), or holds it, or begins with the same :data:`PREFIX_WORDS` words.
Two mentions are predicted the same event when they map to one node, or to nodes joined by
``dip:sameEventAs`` or ``owl:sameAs`` links (in either direction, through any number of
links: the groups the ``real_events`` query counts once).

:func:`score_pairs` does the reading, :func:`compare_pairs` the scoring (pure) and
:func:`format_pairs` the printing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from kg.extract.gazetteer import Gazetteer
from kg.pipeline.evaluate import Counts
from kg.pipeline.ingester import ingest
from kg.store import Store, open_store
from kg.terms import sparql_iri
from kg.vocab import PREFIXES, XSD

_PREFIXES = "".join(f"PREFIX {name}: {sparql_iri(PREFIXES[name])}\n" for name in ("dip", "owl"))
_GRAPHS = _PREFIXES + (
    "SELECT ?g ?path WHERE { GRAPH ?g { ?g a dip:SourceDocument ; dip:sourcePath ?path } }")
_EVENTS = _PREFIXES + (
    "SELECT ?event ?headline WHERE { GRAPH ?g { ?event dip:date ?day ; dip:headline ?headline } }")
_LINKS = _PREFIXES + (
    "SELECT DISTINCT ?a ?b WHERE { ?a dip:sameEventAs|owl:sameAs ?b . ?a dip:date ?day }")
_WORD = re.compile(r"[a-z0-9]+")
#: A mention and a headline that begin with this many words alike are one (see map_mentions).
PREFIX_WORDS = 8


@dataclass(frozen=True)
class Mention:
    """One place an event is written down, as the labels give it."""

    id: str
    file: str
    kind: str
    date: str
    text: str


@dataclass
class PairReport(Counts):
    """Pair precision and recall, and what could not be scored.

    ``tp``: labelled same, predicted same; ``fp``: labelled different, predicted same;
    ``fn``: labelled same, predicted different.
    """

    pairs: int = 0
    tn: int = 0
    mentions: int = 0
    unmapped: list[str] = field(default_factory=list)  # mentions that no node was found for
    false_same: list[str] = field(default_factory=list)
    missed_same: list[str] = field(default_factory=list)
    by_kinds: dict[str, list[int]] = field(default_factory=dict)  # "page/related": tp fp fn tn


def match_key(text: str) -> str:
    """A mention's text or a stored headline as its words: accents, case, punctuation gone."""
    folded = unicodedata.normalize("NFKD", text.replace("''", " "))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(_WORD.findall(folded))


def read_pairs(folder: Path) -> tuple[list[Mention], list[tuple[str, str, bool, str]]]:
    """The mentions and the labelled pairs (a, b, same, why) of ``folder/pairs.json``."""
    data = json.loads((folder / "pairs.json").read_text(encoding="utf-8"))
    mentions = [Mention(m["id"], m["file"], m["kind"], m["date"], m["text"])
                for m in data["mentions"]]
    pairs = [(p["a"], p["b"], bool(p["same"]), p.get("why", "")) for p in data["pairs"]]
    return mentions, pairs


def score_pairs(folder: Path, *, gazetteer: Gazetteer | None = None) -> PairReport:
    """Ingest ``folder/pages`` into a store in memory and score the labelled pairs on it."""
    mentions, pairs = read_pairs(folder)
    with open_store("memory:") as store:
        ingest(store, [folder / "pages"], gazetteer=gazetteer)
        nodes = map_mentions(store, mentions)
        groups = event_groups(store)
    return compare_pairs(mentions, pairs, nodes, groups)


def map_mentions(store: Store, mentions: Sequence[Mention]) -> dict[str, str]:
    """Mention id -> the event node its file's graph gives it (left out where none)."""
    graphs: dict[str, str] = {}
    for node, path in store.query(_GRAPHS).rows:
        if node is not None and path is not None:
            graphs[Path(str(path)).name] = str(node)
    found: dict[str, str] = {}
    for mention in mentions:
        graph = graphs.get(Path(mention.file).name)
        if graph is None:
            continue
        rows = store.query(_EVENTS, bindings={
            "g": URIRef(graph), "day": Literal(mention.date, datatype=XSD.date)}).rows
        key = match_key(mention.text)
        best: tuple[int, str] | None = None
        for event, headline in rows:
            stored = match_key(str(headline))
            if stored and (stored in key or key in stored or _same_start(stored, key)):
                candidate = (-len(stored), str(event))
                best = candidate if best is None else min(best, candidate)
        if best is not None:
            found[mention.id] = best[1]
    return found


def event_groups(store: Store) -> dict[str, str]:
    """Event node -> a representative of the group of nodes ``dip:sameEventAs`` or
    ``owl:sameAs`` links join (nodes in no link are left out: each is its own group)."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for a, b in store.query(_LINKS).rows:
        ra, rb = root(str(a)), root(str(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
            parent.setdefault(min(ra, rb), min(ra, rb))
    return {node: root(node) for node in parent}


def compare_pairs(
    mentions: Iterable[Mention],
    pairs: Iterable[tuple[str, str, bool, str]],
    nodes: Mapping[str, str],
    groups: Mapping[str, str],
) -> PairReport:
    """Score labelled pairs against the nodes mentions map to and the groups nodes are in."""
    by_id = {m.id: m for m in mentions}
    report = PairReport(mentions=len(by_id))
    report.unmapped = sorted((m for m in by_id if m not in nodes), key=_id_order)
    for a, b, same, why in pairs:
        node_a, node_b = nodes.get(a), nodes.get(b)
        predicted = (node_a is not None and node_b is not None
                     and groups.get(node_a, node_a) == groups.get(node_b, node_b))
        kinds = "/".join(sorted((by_id[a].kind, by_id[b].kind)))
        counts = report.by_kinds.setdefault(kinds, [0, 0, 0, 0])
        report.pairs += 1
        where = f"{a} {by_id[a].text[:50]!r} ~ {b} {by_id[b].text[:50]!r} ({why})"
        if same and predicted:
            report.tp += 1
            counts[0] += 1
        elif predicted:
            report.fp += 1
            counts[1] += 1
            report.false_same.append(where)
        elif same:
            report.fn += 1
            counts[2] += 1
            report.missed_same.append(where)
        else:
            report.tn += 1
            counts[3] += 1
    return report


def format_pairs(report: PairReport, *, verbose: bool = False) -> str:
    """The report as text: one line of figures, and with ``verbose`` every error and kind."""
    lines = [
        f"event pairs: {report.pairs} labelled ({report.tp + report.fn} same),"
        f" precision {_figure(report.precision)}, recall {_figure(report.recall)}"
        f" (tp {report.tp}, fp {report.fp}, fn {report.fn});"
        f" {len(report.unmapped)} of {report.mentions} mentions not found in the graph"
    ]
    if verbose:
        lines.append(f"{'kinds':<24} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4}")
        for kinds, (tp, fp, fn, tn) in sorted(report.by_kinds.items()):
            lines.append(f"{kinds:<24} {tp:>4} {fp:>4} {fn:>4} {tn:>4}")
        lines += [f"  false same: {item}" for item in report.false_same]
        lines += [f"  missed same: {item}" for item in report.missed_same]
        lines += [f"  not found: {item}" for item in report.unmapped]
    return "\n".join(lines)


def _same_start(a: str, b: str, words: int = PREFIX_WORDS) -> bool:
    """Whether two keys begin with the same ``words`` words (the parser may have cleaned
    the rest: a flattened wiki link at the end of a long headline)."""
    first, second = a.split()[:words], b.split()[:words]
    return len(first) == words and first == second


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _id_order(mention_id: str) -> tuple[int, str]:
    digits = mention_id.lstrip("m")
    return (int(digits), mention_id) if digits.isdigit() else (1 << 30, mention_id)
