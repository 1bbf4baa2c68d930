"""CAMEO event types from a headline's verbs and nouns, with the words that triggered them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import EventType, Span


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
    # "re-establish diplomatic relations after severing them": before the "sever" rule.
    _rule(r"\b(?:re-?establish\w*|restor\w*|establish\w*|resum\w*)"
          r"(?: full)? (?:diplomatic )?(?:relations|ties)\b", "054",
          "Grant diplomatic recognition", None),
    _rule(r"\b(?:sever\w*|break\w* off|cut\w*|suspend\w*) (?:diplomatic )?(?:relations|ties)\b"
          r"|\bwithh[oe]ld\w*|\bfreez\w*" + _W + r"(?:aid|assets|funds|payments|revenues?)\b",
          "16", "Reduce relations", None),
    # "will not attend the regional crisis meeting": a refusal to meet, before "meet".
    _rule(r"\b(?:will not|won't|would not|refus\w* to|declin\w* to|boycott\w*)"
          r" (?:attend|meet|join|take part)\w*", "125",
          "Reject proposal to meet, discuss, or negotiate", "Disagreement"),
    _rule(r"\b(?:fail\w* to agree|disagree\w*|reject\w*|refus\w*)\b", "12", "Reject",
          "Disagreement"),
    _rule(r"\bopen\w* (?:a |the )?(?:new )?(?:border )?crossings?\b|\b(?:lift\w*|eas\w*)"
          r" (?:the )?(?:blockade|embargo|restrictions|travel ban)\b", "08", "Yield", None),
    _rule(r"\b(?:airstrikes?|air strikes?|air raids?|fighting|shell\w*)\b", "19",
          "Fight", None),
    # "announces that X will meet Y": the intent to meet, not yet the meeting.
    _rule(r"\b(?:will|to|plans? to|agree\w* to|expected to) (?:meet|hold talks|visit)\b",
          "036", "Express intent to meet or negotiate", None),
    _rule(r"\b(?:hold|holds|held|holding|begin|begins|open|opens|resume|resumes)"
          + _W + r"talks\b|\btalks (?:with|between|on)\b|\bnegotiat\w*", "046",
          "Engage in negotiation", "Talks"),
    _rule(r"\binvit\w*" + _W + r"to join\b", "050", "Engage in diplomatic cooperation", None),
    _rule(r"\bsummit\b", "043", "Host a visit", "Summit"),
    _rule(r"\b(?:visit\w*|arriv\w* in)\b", "042", "Make a visit", "Visit"),
    _rule(r"\b(?:meet|meets|met|meeting)\b", "040", "Consult", "Meeting"),
    _rule(r"\b(?:discuss\w*|consult\w*|confer\w*)\b", "040", "Consult", "Meeting"),
    _rule(r"\b(?:urg\w*|call\w* (?:on|for)|appeal\w*)\b", "020", "Appeal", None),
    _rule(r"\b(?:condemn\w*|criticiz\w*|criticis\w*|denounc\w*|accus\w*)\b", "111",
          "Criticize or denounce", None),
    # "stated", not "State", "States" or "Station".
    _rule(r"\b(?:says?|said|announc\w*|stated|statement|warn\w*|declar\w*)\b", "010",
          "Make statement", "Statement"),
)
_STATEMENT = RULES[-1]
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"'’])[.!?]\s+(?=[A-Z\"“])")


def first_sentence(text: str) -> str:
    """The first sentence of a headline ("U.S." and "No. 5" do not end one)."""
    match = _SENTENCE_END.search(text)
    return text[: match.start() + 1] if match else text


def classify_event(headline: str, summary: str | None = None) -> EventType | None:
    """The CAMEO type of the first rule that matches ``headline``, or None.

    The headline's first sentence says what happened; later sentences give background
    ("... after severing them 55 years ago"), so they are read only when the first says
    nothing. A summary is the last resort, and not for a bare statement verb: "his lawyer
    said" in a summary does not make an arrest a diplomatic statement.

    The type's ``span`` gives the trigger words' offsets in the headline (the first
    sentence is its start) or the summary, as passed in.
    """
    texts = [(first_sentence(headline), "headline", RULES), (headline, "headline", RULES)]
    if summary:
        texts.append((summary, "summary", tuple(r for r in RULES if r is not _STATEMENT)))
    for text, field, rules in texts:
        for rule in rules:
            match = rule.pattern.search(text)
            if match:
                span = Span(match.start(), match.end(), match.group(0), field)
                return EventType(rule.code, rule.label, rule.dip_class, match.group(0), span)
    return None
