"""Inter-annotator agreement: how far two labellers of the same records agree on participants.

The second labeller labelled the heldout5 records from the text alone, without seeing the first
labels (tests/eval/agreement/). Both sides are scored with the project's own scorer, each in
turn as gold: the figure is the ceiling an extractor's participants F1 can be judged against.

    python bench/agreement.py
    python bench/agreement.py --no-aliases    # how much agreement rests on alias lists
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.model import Actor, ActorKind  # noqa: E402
from kg.pipeline.evaluate import normalize, score_actors  # noqa: E402

PAGE = ROOT / "tests/eval/heldout5/pages/wikitimes_CEP_2015-09.heldout5.json"
FIRST = ROOT / "tests/eval/heldout5/wikitimes-2015-09-heldout5.json"
SECOND = ROOT / "tests/eval/agreement/heldout5-second.json"


def by_record(labels: dict[str, Any], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record's labelled event, found by its headline prefix as `kg eval` finds it."""
    out = []
    for record in records:
        text = normalize(" ".join(record["description"].split()))
        hits = [e for e in labels["events"]
                if text.startswith(normalize(e["headline"])) and e["date"] == record["date"]]
        if len(hits) != 1:
            raise SystemExit(f"{len(hits)} labels for {record['description'][:50]!r}")
        out.append(hits[0])
    return out


def agreement(gold: list[dict[str, Any]], predicted: list[dict[str, Any]],
              aliases: bool) -> tuple[int, int, int, list[str]]:
    """tp, fp, fn over every record, and the records where the two sides differ."""
    tp = fp = fn = 0
    differ = []
    for g, p in zip(gold, predicted, strict=True):
        wanted = [{k: v for k, v in item.items() if aliases or k != "aliases"}
                  for item in g.get("participants", [])]
        found = [Actor(name=x["name"], kind=ActorKind.PERSON, qid=x.get("qid"),
                       aliases=tuple(x.get("aliases", ())) if aliases else ())
                 for x in p.get("participants", [])]
        score, _ = score_actors(wanted, found)
        tp, fp, fn = tp + score.tp, fp + score.fp, fn + score.fn
        if score.misses or score.false_hits:
            differ.append(f"{g['headline']!r}: only first {score.misses}, "
                          f"only second {score.false_hits}")
    return tp, fp, fn, differ


def main() -> None:
    """Print agreement both ways and the records the labellers disagree on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-aliases", action="store_true")
    args = parser.parse_args()
    records = json.loads(PAGE.read_text(encoding="utf-8"))
    first = by_record(json.loads(FIRST.read_text(encoding="utf-8")), records)
    second = by_record(json.loads(SECOND.read_text(encoding="utf-8")), records)
    differ: list[str] = []
    for title, gold, predicted in (("second as gold", second, first),
                                   ("first as gold", first, second)):
        tp, fp, fn, differ = agreement(gold, predicted, not args.no_aliases)
        p, r = tp / (tp + fp), tp / (tp + fn)
        print(f"{title}: tp {tp} fp {fp} fn {fn}  P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r):.3f}")
    # The last round had the first labels as gold: "only first" are its misses.
    print(f"records with the same participants: {len(records) - len(differ)} of {len(records)}")
    for line in differ:
        print("  " + line)


if __name__ == "__main__":
    main()
