"""Topics from what a headline says is discussed."""

from __future__ import annotations

import pytest

from kg.extract import Gazetteer
from kg.extract.topic import headline_topics


@pytest.mark.parametrize(("headline", "topics"), [
    ("President of the United States George W. Bush and President of Russia Vladimir Putin "
     "meet to discuss missile defense.", ("missile defense",)),
    # "Iran" is an actor, not a topic.
    ("U.S. President George W. Bush holds talks with the President of Russia Vladimir Putin in "
     "Kennebunkport, Maine discussing missile defense and Iran.", ("missile defense",)),
    ("Talks on immigration between the United States and Cuba, suspended since 2003, will "
     "resume.", ("immigration",)),
    ("A new round of talks on nuclear power between Iran and six world powers opens in Moscow.",
     ("nuclear power",)),
    ("Trevor Immelman of South Africa wins the 2008 Masters Tournament.", ()),
])
def test_headline_topics(gazetteer: Gazetteer, headline: str, topics: tuple[str, ...]) -> None:
    assert headline_topics(headline, gazetteer) == topics
