"""CAMEO types from real headlines of the development pages, one rule each."""

from __future__ import annotations

import pytest

from kg.extract.event_type import classify_event, first_sentence

CASES = [
    # (headline, summary, expected code, trigger)
    ("The European Union imposes sanctions on 13 Syrian officials in response to a violent "
     "crackdown on protests in the country.", None, "163", "imposes sanctions"),
    ("Chinese and US safety officials sign an agreement banning the export of toys with lead "
     "paint to the United States.", None, "057", "sign an agreement"),
    ("U.S. President George W. Bush holds talks with the President of Russia Vladimir Putin in "
     "Kennebunkport, Maine discussing missile defense and Iran.", None, "046", "holds talks"),
    ("Envoys from the United States and North Korea meet in Geneva to discuss normalising "
     "relations.", None, "040", "meet"),
    ("The President of Russia Dmitry Medvedev visits Kunashiri, one of the southern Kuril "
     "Islands.", None, "042", "visits"),
    # A refusal to attend comes before the "meeting" it refuses.
    ('"The Herald", a government-run newspaper, reports that Robert Mugabe, the President of '
     "Zimbabwe, will not attend the regional crisis meeting in Lusaka, Zambia, to discuss the "
     "crisis over the 2008 presidential election.", None, "125", "will not attend"),
    # Only the first sentence says what happened; "talks ... will begin" is what follows.
    ("The United States and Cuba re-establish diplomatic relations after severing them 55 years "
     "ago. An American embassy will open in Havana and talks to lift the embargo will begin.",
     None, "054", "re-establish diplomatic relations"),
    ("Israel withholds 300 million NIS ($89 million) in tax and customs revenue collected on "
     "behalf of the Palestinians to the Palestinian Authority.", None, "16", "withholds"),
    ("Greek and Turkish Cypriots open a crossing at Ledra Street, a main shopping street in "
     "Cyprus' divided capital Nicosia.", None, "08", "open a crossing"),
    ("Hamas militants kill a Fatah member, and five other Palestinians are injured in a renewal "
     "of fighting between the two groups.", None, "19", "fighting"),
    ("South Korea announces that Foreign Minister Yun Byung-se will meet with Japanese Foreign "
     "Minister Fumio Kishida in Seoul Monday.", None, "036", "will meet"),
    ("At its summit in Bucharest, NATO invites Albania and Croatia to join the alliance.", None,
     "050", "invites Albania and Croatia to join"),
    # Nothing in the headline: the summary's talks.
    ("Members of the Asia Pacific Economic Cooperation forum gather in Beijing.",
     "The leaders of China and Japan hold formal talks on the sidelines of a major Asian summit.",
     "046", "hold formal talks"),
]


@pytest.mark.parametrize(("headline", "summary", "code", "trigger"), CASES,
                         ids=[c[2] + "-" + c[0][:20] for c in CASES])
def test_headline_gets_its_cameo_code(
    headline: str, summary: str | None, code: str, trigger: str
) -> None:
    found = classify_event(headline, summary)
    assert found is not None
    assert (found.code, found.trigger) == (code, trigger)


@pytest.mark.parametrize("headline", [
    "In a stunning college football upset, Appalachian State defeated #5-ranked Michigan at "
    "Michigan Stadium by a score of 34-32.",
    "Cloture votes fail in the United States Senate on the Comprehensive Immigration Reform Act "
    "of 2007, potentially killing the bill.",
    '"Jules Verne", the first European Automated Transfer Vehicle, successfully performs a fully '
    "automated docking with the International Space Station.",
    "Severe gales batter large parts of England, Northern Ireland and Wales with some bridges "
    "being closed.",
])
def test_negative_pages_get_no_type(headline: str) -> None:
    """ "State", "States" and "Station" are no statement verbs."""
    assert classify_event(headline) is None


def test_a_summary_statement_verb_does_not_type_an_event() -> None:
    headline = ("CNN news anchor Richard Quest is arrested for possession of methamphetamine in "
                "New York's Central Park.")
    summary = ("A New York judge ordered CNN reporter Richard Quest to undergo six months of "
               "counseling, his lawyer said.")
    assert classify_event(headline, summary) is None


def test_first_sentence_keeps_abbreviations() -> None:
    text = "U.S. Secretary of State John Kerry meets in Vienna. The talks will include Iran."
    assert first_sentence(text) == "U.S. Secretary of State John Kerry meets in Vienna."
