"""Quoted speech in articles, attributed to its speaker.

``"Do I trust him?" Bush said of Putin`` gives a Quote with the words, the speaker
(George W. Bush, resolved against the actors the article names) and the character
offsets of the words in the body. Attributions read: a whole utterance followed by
``<speaker> said|says|added|asked|told|was quoted`` or ``said <speaker>``; a speech verb
earlier in the same clause (``Bush called the idea "very sincere"``, ``Putin predicted
that "..."``); ``..., <speaker> said.`` closing the sentence; "he"/"she" and a further
quote on the same line are the previous speaker's. Quotes whose speaker cannot be told
(scare quotes such as "rogue states") are left out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from kg.extract.recognizer import recognize
from kg.model import Actor, ActorKind, Mentions, Quote, Span

if TYPE_CHECKING:
    from kg.extract.gazetteer import Gazetteer

_QUOTE = re.compile(r"[\"“](?P<text>[^\"“”\n]{2,}?)[\"”]")
_VERB = r"(?:said|says|added|adds|asked|told|replied|warned|insisted|was quoted|declared)"
_AFTER = re.compile(
    r"\s*(?P<who>(?:[^\s.!?\"“”,;]+\s+){0,7}?[^\s.!?\"“”,;]+)\s+" + _VERB + r"\b"
)
_AFTER_INVERTED = re.compile(
    r"\s*" + _VERB + r"\s+(?P<who>(?:[A-Z][\w'’-]*\s+){0,4}[A-Z][\w'’-]*)"
)
# "..., Prikhodko said." closing the sentence the quote stands in.
_SENTENCE_TAIL = re.compile(
    r"[^.!?\"“”\n]*,\s*(?P<who>(?:[A-Z][\w'’-]*\s+){0,4}[A-Z][\w'’-]*)\s+"
    r"(?:said|says|added)\s*[.!]"
)
# "Bush called the idea "very sincere"", "Rice said Bush hoped Putin would acknowledge "...""
_LEAD_VERB = re.compile(
    r"(?P<who>(?:[^\s,;:]+\s+){0,7}?[A-Z][\w'’-]*)\s+(?:said|says|called|predicted|added|warned|"
    r"insisted|told|described|declared|vowed|promised)\b(?:\s+that)?[^.!?;:,\"“”]*$"
)
_PRONOUNS = {"he", "she"}


def find_quotes(
    text: str, mentions: Mentions, *, on_date: date | None, gazetteer: Gazetteer
) -> tuple[Quote, ...]:
    """The attributed quotes of ``text``, in order, with their spans in ``text``."""
    quotes: list[Quote] = []
    last: Actor | None = None
    last_end = -1
    for match in _QUOTE.finditer(text):
        who = _attribution(text, match)
        if who is None:
            # "Bush said. "We're close..."": a further quote on the speaker's line.
            if last is None or "\n" in text[last_end: match.start()]:
                continue
            speaker: Actor | None = last
        elif who.casefold() in _PRONOUNS:
            speaker = last
        else:
            speaker = _speaker(who, mentions, on_date=on_date, gazetteer=gazetteer)
        if speaker is None:
            continue
        last, last_end = speaker, match.end()
        words = match.group("text").rstrip(",")
        start = match.start("text")
        quotes.append(Quote(words, speaker, Span(start, start + len(words), words, "body")))
    return tuple(quotes)


def _attribution(text: str, match: re.Match[str]) -> str | None:
    """The words naming who spoke a quote, or None when the text does not say."""
    line_end = text.find("\n", match.end())
    rest = text[match.end(): line_end if line_end >= 0 else len(text)]
    if match.group("text")[-1] in ",.?!":  # a whole utterance: "...," Rice said
        for pattern in (_AFTER_INVERTED, _AFTER):
            found = pattern.match(rest)
            if found:
                return found.group("who")
    line_start = text.rfind("\n", 0, match.start()) + 1
    before = text[line_start: match.start()]
    clause = re.split(r"[.!?;]\s|,\s", before)[-1]
    found = _LEAD_VERB.search(clause)
    if found:
        return found.group("who")
    found = _SENTENCE_TAIL.match(rest)
    return found.group("who") if found else None


def _speaker(
    who: str, mentions: Mentions, *, on_date: date | None, gazetteer: Gazetteer
) -> Actor | None:
    """The person ``who`` names ("Bush", "Russian Deputy Foreign Minister Sergei Ryabkov"):
    one the article names, matched on the surname, else one the gazetteer knows."""
    words = who.replace("’", "'").split()
    if not words or not words[-1][:1].isupper():
        return None
    surname = words[-1].removesuffix("'s")
    persons = [a for a in mentions.actors if a.kind is ActorKind.PERSON]
    for actor in persons:
        if actor.name.split()[-1] == surname or surname in actor.aliases:
            return actor
    found = [a for a in recognize(who, on_date=on_date, gazetteer=gazetteer).actors
             if a.kind is ActorKind.PERSON]
    return found[-1] if found else None
