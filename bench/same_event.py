"""Event identity: one IRI per headline key, same-event links, their cost at ingest.

    python bench/same_event.py                     # pairs, sweep, calibration, real data
    python bench/same_event.py --synthetic 2000    # and a synthetic corpus of distinct events

Prints:

- pair precision and recall on ``tests/eval/event-pairs`` (``kg.pipeline.pair_eval``), and
  the same for a sweep of thresholds (links scored once, kept at each threshold);
- the calibration the threshold was chosen on: every labelled pair dated within a day scored
  on its wording alone (no participants, sources or documents), the highest score of two
  events and the lowest of one;
- every candidate pair of the real data scored with the document and Related rules off, from
  0.5 up (read by hand: how near unlabelled pairs come to the threshold);
- ``tests/eval/event-pairs/pages`` and ``../shared/data`` ingested into a new store on disk
  as ``kg ingest`` does (gate and links on): the whole time, the same-event step's share,
  the links made, and the events that still have two IRIs for one headline key and date;
- with ``--synthetic N``: a corpus of N distinct events (bench/corpus.py) ingested the same
  way; every same-event link there is a false one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "eval" / "event-pairs"
DATA = [PAIRS / "pages", ROOT.parent / "shared" / "data"]


def sweep(thresholds: list[float]) -> None:
    """Pair precision and recall with the links kept at each threshold."""
    from kg.iri import event_key  # noqa: F401  (the key in use)
    from kg.link.features import select_column
    from kg.link.same_event import THRESHOLD, candidate_pairs, score_pair
    from kg.link.same_event_store import event_cards
    from kg.pipeline.ingester import ingest
    from kg.pipeline.pair_eval import compare_pairs, format_pairs, map_mentions, read_pairs
    from kg.store import open_store

    mentions, pairs = read_pairs(PAIRS)
    with open_store("memory:") as store:
        ingest(store, [PAIRS / "pages"])
        nodes = map_mentions(store, mentions)
        days = sorted({date.fromisoformat(d[:10]) for d in select_column(
            store, "SELECT DISTINCT ?d WHERE { ?e dip:date ?d }")})
        scored = [link for a, b in candidate_pairs(event_cards(store, days).values())
                  if (link := score_pair(a, b)) is not None]
    print(f"pairs at the threshold in use ({THRESHOLD}):")
    print(format_pairs(compare_pairs(mentions, pairs, nodes, _groups(scored, THRESHOLD))))
    print(f"{'threshold':>9} {'P':>5} {'R':>5} {'fp':>3} {'fn':>3}   (scored pairs: {len(scored)})")
    for t in thresholds:
        report = compare_pairs(mentions, pairs, nodes, _groups(scored, t))
        print(f"{t:>9.2f} {report.precision or 0:>5.2f} {report.recall or 0:>5.2f}"
              f" {report.fp:>3} {report.fn:>3}")


def _groups(links: list, threshold: float) -> dict[str, str]:  # type: ignore[type-arg]
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for link in links:
        if link.score >= threshold:
            a, b = root(link.first), root(link.second)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in list(parent)}


def calibrate() -> None:
    """Every labelled pair within a day, scored on its wording alone."""
    from kg.link.same_event import event_card, score_pair
    from kg.parse.text import split_topic

    data = json.loads((PAIRS / "pairs.json").read_text(encoding="utf-8"))
    mentions = {m["id"]: m for m in data["mentions"] + data.get("extra_mentions", [])}
    scores: dict[bool, list[float]] = defaultdict(list)
    for pair in data["pairs"] + data.get("extra_pairs", []):
        a, b = mentions[pair["a"]], mentions[pair["b"]]
        da, db = date.fromisoformat(a["date"]), date.fromisoformat(b["date"])
        if abs((da - db).days) > 1:
            continue
        link = score_pair(event_card("urn:x:a", da, [split_topic(a["text"])[1]]),
                          event_card("urn:x:b", db, [split_topic(b["text"])[1]]))
        scores[bool(pair["same"])].append(link.score if link else 0.0)
    same, different = sorted(scores[True]), sorted(scores[False])
    print(f"wording alone, pairs within a day: {len(same)} same (lowest {same[0]:.3f}),"
          f" {len(different)} different (highest {different[-1]:.3f})")


def unblocked(folders: list[Path], floor: float = 0.5) -> None:
    """Every candidate pair of the real data scored as if no rule ruled it out (one
    document, a Related entry): how near the threshold pairs nobody labelled come."""
    import dataclasses

    from kg.link.features import select_column
    from kg.link.same_event import candidate_pairs, score_pair
    from kg.link.same_event_store import event_cards
    from kg.pipeline.ingester import ingest
    from kg.store import open_store

    with open_store("memory:") as store:
        ingest(store, folders, link=False, validate=False)
        days = sorted({date.fromisoformat(d[:10]) for d in select_column(
            store, "SELECT DISTINCT ?d WHERE { ?e dip:date ?d }")})
        cards = [dataclasses.replace(c, documents=frozenset(), related=frozenset())
                 for c in event_cards(store, days).values()]
    found = sorted(((link.score, a.headlines[0], b.headlines[0])
                    for a, b in candidate_pairs(cards)
                    if (link := score_pair(a, b)) is not None and link.score >= floor),
                   reverse=True)
    print(f"without the document and Related rules, pairs scoring {floor} or more:")
    for score, first, second in found:
        print(f"  {score:.3f}  {first[:60]!r}  ~  {second[:60]!r}")


def ingest_folders(folders: list[Path], label: str) -> None:
    """Ingest as kg ingest does into a new store on disk; time it and count identities."""
    from kg.iri import event_key
    from kg.pipeline.ingester import Ingester
    from kg.sources import collect_files
    from kg.store import open_store

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp, \
            open_store(str(Path(tmp) / "store")) as store:
        files, _ = collect_files(folders)
        ingester = Ingester(store)
        started = time.perf_counter()
        results = list(ingester.ingest(files))
        seconds = time.perf_counter() - started
        rows = store.query(
            "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
            "SELECT ?e ?d ?h WHERE { ?e a dip:Event ; dip:date ?d ; dip:headline ?h }").rows
        keys: dict[tuple[str, str], set[str]] = defaultdict(set)
        for event, day, headline in rows:
            keys[(str(day), event_key(str(headline)))].add(str(event))
        split = sum(len(v) > 1 for v in keys.values())
        same = ingester.same_event_report
        stored = sum(r.status == "stored" for r in results)
        print(f"{label}: {stored} documents stored, {len({str(r[0]) for r in rows})} event"
              f" nodes, {split} headline keys with more than one IRI")
        if same is not None:
            print(f"  ingest {seconds:.1f} s, of which same-event links {same.seconds:.2f} s"
                  f" ({same.days} days, {same.links} links)")


def main() -> None:
    """Run the measurements the options ask for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0, help="also N synthetic events")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    sweep([0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9])
    calibrate()
    unblocked(DATA)
    ingest_folders(DATA, "event-pairs pages + ../shared/data")
    if args.synthetic:
        from corpus import write_corpus

        with tempfile.TemporaryDirectory(prefix="kg-bench-corpus-") as tmp:
            write_corpus(Path(tmp), args.synthetic)
            ingest_folders([Path(tmp)], f"synthetic corpus of {args.synthetic} distinct events")


if __name__ == "__main__":
    main()
