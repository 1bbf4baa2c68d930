"""The hand-labelled evaluation sets hold together: every mention is where it says it is."""

from __future__ import annotations

import json
from pathlib import Path

PAIRS = Path(__file__).parent / "eval" / "event-pairs"


def test_every_mention_of_the_event_pairs_is_found_at_its_line() -> None:
    data = json.loads((PAIRS / "pairs.json").read_text(encoding="utf-8"))
    mentions = data["mentions"] + data.get("extra_mentions", [])
    by_id = {m["id"]: m for m in mentions}
    assert len(by_id) == len(mentions), "mention ids repeat"
    for mention in mentions:
        path = PAIRS / mention["file"]
        if mention["kind"] == "wikitimes":
            records = {r["id"]: r for r in json.loads(path.read_text(encoding="utf-8"))}
            record = records[mention["wikitimes_id"]]
            assert mention["text"] in record["description"], mention["id"]
            assert record["date"] == mention["date"], mention["id"]
        else:
            line = path.read_text(encoding="utf-8").split("\n")[mention["line"] - 1]
            assert mention["text"] in line, mention["id"]


def test_the_event_pairs_are_labelled_once_each() -> None:
    data = json.loads((PAIRS / "pairs.json").read_text(encoding="utf-8"))
    ids = {m["id"] for m in data["mentions"]}
    seen: set[frozenset[str]] = set()
    for pair in data["pairs"]:
        assert pair["a"] in ids and pair["b"] in ids, pair
        assert isinstance(pair["same"], bool) and pair["why"], pair
        key = frozenset((pair["a"], pair["b"]))
        assert key not in seen, pair
        seen.add(key)
    same = sum(p["same"] for p in data["pairs"])
    assert same >= 60 and len(data["pairs"]) - same >= 60
