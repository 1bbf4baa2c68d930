"""Issue 13: people beyond the gazetteer, and the states their posts make an event involve."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.extract.gazetteer import load_gazetteer
from kg.extract.recognizer import recognize_all
from tests.conftest import EXAMPLES


def participants(text: str) -> list[str]:
    found = recognize_all([text], on_date=date(2014, 12, 17), gazetteer=load_gazetteer(),
                          locations=False)
    return [a.name for a in found.actors]


@pytest.mark.parametrize(("text", "person"), [
    ("Cuban diplomat Jose Ramon Cabañas Rodriguez presents his credentials in Washington.",
     "Jose Ramon Cabañas Rodriguez"),
    ("Killing of Sergeant Almog Shiloni", "Almog Shiloni"),
    ("Turkey bans the Dutch ambassador Cornelis van Rij from returning to Ankara.",
     "Cornelis van Rij"),
])
def test_a_person_the_gazetteer_does_not_know_is_found_by_the_words_before_the_name(
        text: str, person: str) -> None:
    """"People the gazetteer does not know are invisible ("Cuban diplomat Jose Ramon
    Cabañas Rodriguez")"."""
    assert person in participants(text)


def test_the_nationality_of_a_person_makes_no_state_a_participant() -> None:
    found = participants("Cuban diplomat Jose Ramon Cabañas Rodriguez presents his credentials.")
    assert "Cuba" not in found
    assert "United States" not in participants(
        "U.S. District Judge George H. King rules on the case.")


def test_events_of_a_state_include_those_of_its_president(tmp_path: Path) -> None:
    """"`events_with_actor -p actor=Russia` finds events where Russia's president took part",
    while Russia, named only in his post's title, is not a participant."""
    runner = CliRunner()
    store = str(tmp_path / "store")
    page = next(EXAMPLES.glob("2007-07-2_u-s-president-george-w-bush-holds-talks*.md"))
    assert runner.invoke(cli, ["--store", store, "ingest", "-q", str(page)]).exit_code == 0
    found = runner.invoke(cli, ["--store", store, "query", "events_with_actor", "-p",
                                "actor=Russia", "--format", "csv"])
    assert found.exit_code == 0, found.output
    rows = found.output.strip().splitlines()[1:]
    assert len(rows) == 1 and rows[0].endswith("through a post")
    direct = runner.invoke(cli, ["--store", store, "query", "events_with_actor", "-p",
                                 "actor=Vladimir Putin", "--format", "csv"])
    assert direct.output.strip().splitlines()[1].endswith("participant")


def test_an_administration_is_its_state() -> None:
    """Collective actors the text names plainly ("the Obama Administration") were invisible."""
    found = participants("The Obama Administration announces new sanctions on Russia.")
    assert "United States" in found and "Barack Obama" not in found


def test_context_tags_of_a_related_entry_make_no_participant() -> None:
    """"Related-list entries add participants": an entry's Context tags say what the page
    linking to it is about, not who took part in the other event."""
    from kg.extract import extract_event
    from kg.model import Event, EventRef

    entry = EventRef(headline="Prime Minister of Poland Donald Tusk is hospitalized.",
                     date=date(2013, 1, 24), context=("Americans", "Polish", "missile defense"))
    event = Event(headline="Donald Tusk announces an agreement with the United States.",
                  date=date(2008, 8, 14), related=(entry,))
    related = extract_event(event, load_gazetteer()).related[0]
    assert {a.name for a in related.mentions.actors} == {"Donald Tusk"}
    assert "United States" not in {a.name for a in related.mentions.actors}
