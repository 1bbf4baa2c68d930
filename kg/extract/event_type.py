"""CAMEO event types from a headline's verbs and nouns, with the words that triggered them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import EventType


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    code: str
    label: str
    dip_class: str | None


def _rule(pattern: str, code: str, label: str, dip_class: str | None) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), code, label, dip_class)


_W = r"(?:\W+\w+){0,6}?\W+"  # up to six words in between, e.g. "sign a uranium deal"

# Order matters: the first rule that matches wins, so specific acts come before
# the generic "meet"/"discuss" that many headlines also contain.
RULES: tuple[_Rule, ...] = (
    _rule(r"\b(?:impos\w*|approv\w*|agree\w* on|announc\w*|extend\w*|tighten\w*)"
          + _W + r"sanctions?\b", "163", "Impose embargo, boycott, or sanctions", "Sanction"),
    _rule(r"\bsanctions? (?:against|on)\b", "163", "Impose embargo, boycott, or sanctions",
          "Sanction"),
    _rule(r"\bexpel\w*" + _W + r"(?:ambassador|diplomat|envoy)s?\b", "166",
          "Expel or withdraw", None),
    _rule(r"\bsign\w*" + _W + r"(?:deal|agreement|treaty|accord|pact|memorandum|declaration)s?\b",
          "057", "Sign formal agreement", "AgreementSigning"),
    _rule(r"\b(?:fail\w* to agree|disagree\w*|reject\w*|refus\w*)\b", "12", "Reject",
          "Disagreement"),
    _rule(r"\b(?:hold|holds|held|holding|begin|begins|open|opens|resume|resumes)"
          + _W + r"talks\b|\btalks (?:with|between|on)\b|\bnegotiat\w*", "046",
          "Engage in negotiation", "Talks"),
    _rule(r"\bsummit\b", "043", "Host a visit", "Summit"),
    _rule(r"\b(?:visit\w*|arriv\w* in)\b", "042", "Make a visit", "Visit"),
    _rule(r"\b(?:meet|meets|met|meeting)\b", "040", "Consult", "Meeting"),
    _rule(r"\b(?:discuss\w*|consult\w*|confer\w*)\b", "040", "Consult", "Meeting"),
    _rule(r"\b(?:urg\w*|call\w* (?:on|for)|appeal\w*)\b", "020", "Appeal", None),
    _rule(r"\b(?:condemn\w*|criticiz\w*|criticis\w*|denounc\w*|accus\w*)\b", "111",
          "Criticize or denounce", None),
    _rule(r"\b(?:says?|said|announc\w*|stat\w*|warn\w*|declar\w*)\b", "010", "Make statement",
          "Statement"),
)


def classify_event(headline: str) -> EventType | None:
    """The CAMEO type of the first rule that matches ``headline``, or None."""
    for rule in RULES:
        match = rule.pattern.search(headline)
        if match:
            return EventType(rule.code, rule.label, rule.dip_class, match.group(0))
    return None
