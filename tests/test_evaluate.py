"""``kg eval``: the scoring functions, the shipped labels and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.extract import Gazetteer, load_gazetteer
from kg.model import Actor, ActorKind
from kg.pipeline.evaluate import (
    EvalReport,
    evaluate_folder,
    format_report,
    normalize,
    score_actors,
    score_set,
    score_value,
    type_root,
)

LABELS = Path(__file__).parent / "eval"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def report(gazetteer: Gazetteer) -> EvalReport:
    return evaluate_folder(LABELS, gazetteer)


def test_normalize_folds_case_accents_and_a_leading_the() -> None:
    assert normalize("The Guardian") == normalize("guardian")
    assert normalize("Recep Tayyip Erdoğan") == "recep tayyip erdogan"


def test_score_set_counts_hits_false_hits_and_misses() -> None:
    s = score_set(["Sochi", "Kennebunkport"], ["sochi", "Moscow"], "page")
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.false_hits == ["Moscow  (page)"] and s.misses == ["Kennebunkport  (page)"]
    assert s.precision == s.recall == s.f1 == 0.5


def test_score_value_counts_a_wrong_value_as_false_hit_and_miss() -> None:
    assert (lambda s: (s.tp, s.fp, s.fn))(score_value("2008-04-05", "2008-04-06")) == (0, 1, 1)
    assert (lambda s: (s.tp, s.fp, s.fn))(score_value(None, None)) == (0, 0, 0)
    assert score_value(None, None).f1 is None


def test_score_actors_matches_by_qid_or_name_and_checks_qids() -> None:
    gold = [{"name": "Vladimir Putin", "qid": "Q7747"}, {"name": "Sergei Ryabkov", "qid": None}]
    found = [
        Actor("Putin, Vladimir", ActorKind.PERSON, qid="Q7747"),
        Actor("Sergei Ryabkov", ActorKind.PERSON),
        Actor("Austria", ActorKind.STATE, qid="Q40"),
    ]
    s, checks = score_actors(gold, found)
    assert (s.tp, s.fp, s.fn) == (2, 1, 0)
    assert checks == [("Vladimir Putin", "Q7747", "Q7747")]


def test_type_root() -> None:
    assert [type_root(c) for c in ("043", "12", "1623", None)] == ["04", "12", "16", None]


def test_every_label_file_names_a_page_shipped_beside_it() -> None:
    files = sorted(LABELS.glob("*.json"))
    assert len(files) >= 40
    for path in files:
        label = json.loads(path.read_text(encoding="utf-8"))
        assert (LABELS / label["page"]).is_file(), path.name


def test_the_shipped_labels_meet_the_targets(report: EvalReport) -> None:
    """Regression floor: the figures recorded in bench/RESULTS.md, less a margin."""
    assert not report.unmatched
    f = report.fields
    assert f["date"].f1 == 1.0
    assert (f["publishers"].f1 or 0) >= 0.95 and f["agencies"].f1 == 1.0
    assert (f["participants"].f1 or 0) >= 0.85
    assert report.qid_right / report.qid_checked >= 0.95
    assert report.types_right / report.types_checked >= 0.85
    assert (f["type"].precision or 0) >= 0.85  # negative pages stay untyped
    assert f["title"].f1 == f["article date"].f1 == f["dateline place"].f1 == 1.0
    assert f["people"].f1 == 1.0  # Bush in the undated Al Jazeera article


def test_format_report_lists_misses_when_verbose(report: EvalReport) -> None:
    short = format_report(report)
    assert "participants" in short and "== participants" not in short
    assert "== participants" in format_report(report, verbose=True)


def test_kg_eval_prints_the_table() -> None:
    result = CliRunner().invoke(cli, ["eval", str(LABELS)])
    assert result.exit_code == 0, result.output
    assert "participants" in result.output and "F1" in result.output
    verbose = CliRunner().invoke(cli, ["eval", "--verbose", str(LABELS)])
    assert verbose.exit_code == 0, verbose.output
    assert "false hit" in verbose.output


def test_score_posts_needs_the_post_and_its_holder() -> None:
    from kg.model import Post
    from kg.pipeline.evaluate import score_posts

    putin = Actor("Vladimir Putin", ActorKind.PERSON)
    gold = [{"post": "President of Russia", "holder": "Vladimir Putin"},
            {"post": "Aide to the President of Russia", "holder": "Sergei Prikhodko",
             "aliases": ["Adviser to the President of Russia"]}]
    found = [
        Post("President of Russia", holder=putin),
        Post("Adviser to the President of Russia",
             holder=Actor("Sergei Prikhodko", ActorKind.PERSON)),
        Post("Prime Minister of Russia", holder=putin),  # the wrong post for him that day
        Post("President of the United States"),  # no holder: not scored
    ]
    s = score_posts(gold, found, "seed-001")
    assert (s.tp, s.fp, s.fn) == (2, 1, 0)
    assert s.false_hits == ["Prime Minister of Russia: Vladimir Putin  (seed-001)"]


def test_the_posts_field_is_scored_on_the_labels(report: EvalReport) -> None:
    posts = report.fields["posts"]
    assert posts.tp >= 30 and posts.recall is not None and posts.recall >= 0.9
    assert "posts" in format_report(report)
    # Floors, not the figures of the day: a better extractor or more labels must not fail this.
    article = report.fields["article posts"]
    assert article.tp >= 5 and (article.precision or 0) >= 0.9 and (article.recall or 0) >= 0.9


def test_silver_leaves_out_what_the_list_links_but_the_gazetteer_does_not_know(
        tmp_path: Path, gazetteer: Gazetteer) -> None:
    """Entities the gazetteer does not know are "counted but not scored" (README): a person
    the extractor finds by the text's cues and the list links is no false hit; one the list
    does not link still is."""
    record = {
        "date": "2015-09-03", "id": "1",
        "description": "Kim Davis, the county clerk of Rowan County, Kentucky, is jailed "
                       "for refusing marriage licences, says lawyer Mat Staver.",
        "category": {"id": "1", "name": "Law"},
        "entity": [{"id": "2", "name": "Kim Davis",
                    "wikiURL": "http://en.wikipedia.org/wiki/Kim_Davis"}],
    }
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "records.json").write_text(json.dumps([record]), encoding="utf-8")
    (tmp_path / "label.json").write_text(json.dumps({
        "page": "pages/records.json", "format": "wikitimes", "kind": "wikitimes",
        "silver": "entities"}), encoding="utf-8")
    silver = evaluate_folder(tmp_path, gazetteer).fields["silver participants"]
    assert silver.false_hits == ["Mat Staver  (label: Kim Davis, the county clerk of Rowan Cou)"]
