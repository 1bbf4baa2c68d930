"""Loading, merging and validating gazetteer files; lookups and tenures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kg.extract import Gazetteer, load_gazetteer, recognize
from kg.model import ActorKind


def write(path: Path, entries: object) -> Path:
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def test_lookups(gazetteer: Gazetteer) -> None:
    assert [e.name for e in gazetteer.lookup("U.S.")] == ["United States"]
    assert [e.name for e in gazetteer.lookup("Russian President")] == ["President of Russia"]
    assert gazetteer.lookup_demonym("Italian").name == "Italy"  # type: ignore[union-attr]
    assert gazetteer.lookup_demonym("Russians").name == "Russia"  # type: ignore[union-attr]
    assert gazetteer.actor("Vladimir Putin").kind is ActorKind.PERSON
    assert gazetteer.actor("NATO").kind is ActorKind.ORGANIZATION
    assert gazetteer.place("Sochi").country == "Russia"
    with pytest.raises(KeyError):
        gazetteer.actor("President of Russia")


def test_post_holder(gazetteer: Gazetteer) -> None:
    assert gazetteer.post_holder("President of Russia", date(2009, 1, 1)).name == (  # type: ignore[union-attr]
        "Dmitry Medvedev"
    )
    assert gazetteer.post_holder("President of Russia", date(2012, 5, 7)).name == (  # type: ignore[union-attr]
        "Vladimir Putin"
    )
    assert gazetteer.post_holder("President of Russia", None) is None
    assert gazetteer.post_holder("No Such Post", date(2009, 1, 1)) is None
    assert gazetteer.post_holder("Deputy Foreign Minister of Russia", date(2009, 1, 1)) is None
    post = gazetteer.post("Secretary-General of the United Nations")
    assert gazetteer.post_holder(post, date(2007, 6, 7)).name == "Ban Ki-moon"  # type: ignore[union-attr]


def test_by_wikipedia_accepts_any_url_form(gazetteer: Gazetteer) -> None:
    for url in ("http://en.wikipedia.org/wiki/Vladimir_Putin",
                "https://en.m.wikipedia.org/wiki/Vladimir_Putin",
                "Vladimir Putin"):
        assert gazetteer.by_wikipedia(url).name == "Vladimir Putin"  # type: ignore[union-attr]
    assert gazetteer.by_wikipedia("http://en.wikipedia.org/wiki/Viktor_Orb%C3%A1n").name == (  # type: ignore[union-attr]
        "Viktor Orbán"
    )
    assert gazetteer.by_wikipedia("http://example.org/wiki/Vladimir_Putin") is None
    assert gazetteer.by_qid("Q7747").name == "Vladimir Putin"  # type: ignore[union-attr]


def test_default_gazetteer_is_loaded_once() -> None:
    assert load_gazetteer() is load_gazetteer()


def test_a_user_file_adds_a_person_and_a_post_holder(tmp_path: Path) -> None:
    user = write(tmp_path / "mine.json", {"entries": [
        {"kind": "person", "name": "Sikhanyiso Ndlovu", "aliases": ["S. Ndlovu"]},
        {"kind": "post", "name": "Minister of Information of Zimbabwe", "of": "Zimbabwe",
         "title": "Information Minister",
         "holders": [{"name": "Sikhanyiso Ndlovu", "start": "2005-04-16", "end": None}]},
    ]})
    gazetteer = load_gazetteer([user])
    assert gazetteer.get("Sikhanyiso Ndlovu") is not None
    assert gazetteer.get("Vladimir Putin") is not None  # the shipped entries are still there
    found = recognize("the Zimbabwean Information Minister said", on_date=date(2008, 4, 1),
                      gazetteer=gazetteer)
    assert [(p.name, p.holder.name if p.holder else None) for p in found.posts] == [
        ("Minister of Information of Zimbabwe", "Sikhanyiso Ndlovu"),
    ]


def test_a_user_entry_with_a_shipped_name_extends_it(tmp_path: Path) -> None:
    user = write(tmp_path / "more.json", [
        {"kind": "person", "name": "Sergei Ryabkov", "qid": "Q999999999",
         "aliases": ["S. Ryabkov"]},
    ])
    gazetteer = load_gazetteer([user])
    entry = gazetteer.get("Sergei Ryabkov")
    assert entry is not None and entry.qid == "Q999999999"
    assert "Sergey Ryabkov" in entry.aliases and "S. Ryabkov" in entry.aliases
    found = recognize("S. Ryabkov said", on_date=None, gazetteer=gazetteer)
    assert [a.qid for a in found.actors] == ["Q999999999"]
    assert load_gazetteer().get("Sergei Ryabkov").qid is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"kind": "person", "name": "X Y", "qid": "7747"}], "'qid' must look like Q123"),
        ([{"kind": "people", "name": "X Y"}], "'kind' must be one of"),
        ([{"kind": "person"}], "'name' must be a non-empty string"),
        ([{"kind": "person", "name": "X Y", "aliases": "XY"}], "'aliases' must be a list"),
        ([{"kind": "person", "name": "X Y", "colour": "red"}], "unknown field(s) colour"),
        ([{"kind": "post", "name": "Chief of Z"}], "a post needs 'of'"),
        ([{"kind": "post", "name": "Chief of Z", "of": "Nowhere Land"}],
         "'of' names no state or organization"),
        ([{"kind": "post", "name": "Chief of Z", "of": "Russia",
           "holders": [{"name": "Nobody Known", "start": "2001-01-01"}]}],
         "holder 'Nobody Known' is not a person entry"),
        ([{"kind": "post", "name": "Chief of Z", "of": "Russia",
           "holders": [{"name": "Vladimir Putin", "start": "2001-13-01"}]}],
         "bad 'start' date"),
        ({"entries": "none"}, "expected a list of entries"),
        ([{"kind": "person", "name": "Georgia"}], "already has a state of that name"),
        ([{"kind": "place", "name": "Nowhere City", "seat": True}],
         "only a place with a 'country' can be a 'seat'"),
        ([{"kind": "place", "name": "Nowhere City", "country": "Russia", "seat": "yes"}],
         "'seat' must be true or false"),
    ],
)
def test_malformed_user_files_name_the_file_and_the_entry(
    tmp_path: Path, entries: object, message: str
) -> None:
    path = write(tmp_path / "bad.json", entries)
    with pytest.raises(ValueError, match=r"bad\.json") as error:
        load_gazetteer([path])
    assert message in str(error.value)


def test_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json: not valid JSON"):
        load_gazetteer([path])
    with pytest.raises(ValueError, match="cannot read"):
        load_gazetteer([tmp_path / "missing.json"])
