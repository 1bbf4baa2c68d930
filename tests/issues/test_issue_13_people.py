"""Issue 13: people beyond the gazetteer, recognised by the text's own cues."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract.gazetteer import load_gazetteer
from kg.extract.recognizer import recognize_all


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
