"""Topics a headline names as what is discussed: "meet to discuss missile defense"."""

from __future__ import annotations

import re

from kg.extract.gazetteer import Gazetteer

# The phrase after a verb of discussing, up to a preposition, a clause or the sentence end.
_LEAD = re.compile(
    r"\b(?:to discuss|discuss|discusses|discussing|talks on|talks about|negotiations on)"
    r"\s+(?P<phrase>[^.,;:()\"“”]+)",
    re.IGNORECASE,
)
_STOP = re.compile(
    r"\s+(?:in|at|with|between|during|after|before|for|to|from|amid|as|on|since|that|which|"
    r"who|while|where)\b.*$",
    re.IGNORECASE,
)
_DETERMINERS = ("the ", "a ", "an ", "their ", "its ", "his ", "her ", "recent ")


def headline_topics(headline: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    """The subjects a headline says are discussed, without the actors among them:
    "discussing missile defense and Iran" gives "missile defense"."""
    topics: list[str] = []
    for match in _LEAD.finditer(headline):
        phrase = _STOP.sub("", match.group("phrase")).strip()
        for part in re.split(r"\s+and\s+", phrase):
            part = part.strip()
            lowered = part.casefold()
            while lowered.startswith(_DETERMINERS):
                cut = lowered.index(" ") + 1
                part, lowered = part[cut:], lowered[cut:]
            if len(part) < 3 or len(part.split()) > 5:
                continue
            if any(e.kind != "post" for e in gazetteer.lookup(part)):
                continue  # "Iran": an actor, not a topic
            if part not in topics:
                topics.append(part)
    return tuple(topics)
