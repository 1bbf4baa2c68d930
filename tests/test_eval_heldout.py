"""The held-out label sets (tests/eval/heldout2 to heldout8) load, match their pages
and are kept apart from the development data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.extract import Gazetteer, load_gazetteer
from kg.parse import parse_document
from kg.pipeline.evaluate import evaluate_folder, normalize

EVAL = Path(__file__).parent / "eval"
HELDOUT = ("heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8")
# The WikiTimes cuts: each folder's page is every 8th dev record from this index.
CUTS = {"heldout3": 2, "heldout4": 6, "heldout5": 1, "heldout6": 3, "heldout7": 5, "heldout8": 7}
# The WikiTimes dev file the held-out records were cut from (a copy of ../shared/data's).
DEV_FILE = EVAL.parent / "data" / "wikitimes" / "wikitimes_CEP_2015-09.dev.json"
# What the extractor must not see: the entity lists are the silver labels, the story links
# name the topic.
REMOVED_KEYS = {"entity", "belongsToStory"}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def _labels(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize("name", HELDOUT)
def test_every_held_out_label_names_a_page_shipped_beside_it(name: str) -> None:
    labels = _labels(EVAL / name)
    assert labels
    for path, label in labels:
        assert (EVAL / name / label["page"]).is_file(), path.name


@pytest.mark.parametrize("name", HELDOUT)
def test_every_held_out_event_is_found_and_scored(name: str, gazetteer: Gazetteer) -> None:
    labelled = sum(len(label.get("events", ())) for _, label in _labels(EVAL / name))
    report = evaluate_folder(EVAL / name, gazetteer)
    assert not report.unmatched
    assert report.events == labelled
    assert report.fields["participants"].tp + report.fields["participants"].fn > 0


@pytest.mark.parametrize("name", HELDOUT)
def test_held_out_qids_agree_with_the_gazetteer(name: str, gazetteer: Gazetteer) -> None:
    """A labelled QID that the gazetteer gives another entry of the same name is a typo."""
    by_name = {normalize(e.name): e.qid for e in gazetteer.entries() if e.qid}
    for path, label in _labels(EVAL / name):
        for event in label.get("events", ()):
            for actor in event.get("participants", ()):
                known = by_name.get(normalize(actor["name"]))
                if actor.get("qid") and known:
                    assert actor["qid"] == known, (path.name, actor["name"])


def _cut_page(name: str) -> Path:
    return EVAL / name / "pages" / f"wikitimes_CEP_2015-09.{name}.json"


@pytest.mark.parametrize("name", sorted(CUTS))
def test_wikitimes_cut_labels_every_record_once_in_order(name: str) -> None:
    page = _cut_page(name)
    events = parse_document(page.read_text(encoding="utf-8"), str(page), "wikitimes").events
    (label,) = [label for _, label in _labels(EVAL / name)]
    assert label["page"] == page.relative_to(EVAL / name).as_posix()
    gold = label["events"]
    # 52 records, or 51 for the cut from index 7: the dev file has 415.
    assert len(events) == len(gold) == len(json.loads(page.read_text(encoding="utf-8")))
    headlines = [normalize(e.headline) for e in events]
    for number, (event, item) in enumerate(zip(events, gold, strict=True)):
        key = normalize(item["headline"])
        # The prefix must pick out this record alone: the scorer takes the first match.
        assert [i for i, h in enumerate(headlines) if h.startswith(key)] == [number], key
        assert item["date"] == event.date.isoformat(), key


@pytest.mark.parametrize("name", sorted(CUTS))
def test_wikitimes_cut_has_no_silver_and_no_record_of_another_set(name: str) -> None:
    records = json.loads(_cut_page(name).read_text(encoding="utf-8"))
    assert all(not REMOVED_KEYS & record.keys() for record in records)
    seen = set()
    for other in ("wikitimes_CEP_2015-09.sample.json", "wikitimes_CEP_2015-09.heldout.json"):
        seen |= {r["id"] for r in json.loads((EVAL / "pages" / other).read_text("utf-8"))}
    for cut in CUTS.keys() - {name}:
        seen |= {r["id"] for r in json.loads(_cut_page(cut).read_text("utf-8"))}
    assert not seen & {r["id"] for r in records}


@pytest.mark.parametrize(("name", "start"), sorted(CUTS.items()))
def test_wikitimes_cut_is_every_8th_dev_record_from_its_start(name: str, start: int) -> None:
    dev = json.loads(DEV_FILE.read_text(encoding="utf-8"))
    expected = [{k: v for k, v in r.items() if k not in REMOVED_KEYS} for r in dev[start::8]]
    assert json.loads(_cut_page(name).read_text(encoding="utf-8")) == expected


def test_wikitimes_sets_hold_every_dev_record_once() -> None:
    """The sample, the first held-out file and the cuts split the dev file: none shared, none
    left out."""
    dev = json.loads(DEV_FILE.read_text(encoding="utf-8"))
    pages = [EVAL / "pages" / f"wikitimes_CEP_2015-09.{k}.json" for k in ("sample", "heldout")]
    pages += [_cut_page(name) for name in CUTS]
    ids = [r["id"] for page in pages for r in json.loads(page.read_text(encoding="utf-8"))]
    assert len(set(r["id"] for r in dev)) == len(dev)
    assert sorted(ids) == sorted(r["id"] for r in dev)


@pytest.mark.parametrize("name", sorted(CUTS))
def test_wikitimes_cut_labels_use_only_the_scored_keys(name: str) -> None:
    """A misspelt key would leave a field unscored without a word."""
    (label,) = [label for _, label in _labels(EVAL / name)]
    for event in label["events"]:
        assert {"headline", "date", "participants"} <= event.keys() <= {
            "headline", "date", "participants", "posts",
        }, event["headline"]
        for actor in event["participants"]:
            assert {"name", "qid"} <= actor.keys() <= {"name", "qid", "aliases"}, actor
        for post in event.get("posts", ()):
            assert {"post", "holder"} <= post.keys() <= {"post", "holder", "aliases"}, post
