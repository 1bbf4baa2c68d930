"""Personal names in a run of tokens: which words can be part of a name, where a name ends,
and its text as written ("Sergei Ryabkov", "Yun Byung-se", "George W. Bush")."""

from __future__ import annotations

import re

from kg.extract.matcher import Token

_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "das", "do", "dos", "del",
              "della", "di", "van", "von", "der", "den", "la", "le", "du", "ben", "mac", "y",
              "ter", "af", "zu"}
# Capitalised words that begin sentences or name days, months and pronouns: never a name.
NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "Of", "And", "But", "For", "To", "By", "With", "As",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "He", "She", "It", "They", "We", "I", "This",
    "That", "These", "Those", "His", "Her", "Their", "Its", "Mr", "Mrs", "Ms", "Dr",
    "Sir", "Lord", "Is", "Was", "Has", "Had", "Will", "Would", "Said", "Says", "Also",
    "Who", "Which", "When", "While", "After", "Before", "Today", "Yesterday",
}

_QUOTES = {'"', "“", "”"}
_NICKNAME = re.compile(r"\s*[\"“][^\"“”]+[\"”]")


def closes_apposition(tokens: list[Token], end: int) -> bool:
    """Whether a name ending at ``end`` closes an apposition ("..., Vladimir Putin, said")."""
    return end >= len(tokens) or tokens[end].text in {",", ".", ")", ";", ":"} \
        or tokens[end].key == "and"


def is_name_word(text: str) -> bool:
    """Whether a word can be part of a name: capitalised, not all capitals, no stop word."""
    return (
        text[:1].isupper()
        and any(c.islower() for c in text)
        and text not in NOT_NAMES
    )


def name_span(tokens: list[Token], start: int, starts: set[int]) -> int | None:
    """The end of a personal name ("Sergei Ryabkov", "Yun Byung-se") starting at ``start``."""
    i = start
    words = 0
    count = len(tokens)
    while i < count:
        text = tokens[i].text
        # After an initial a title word is a surname: "George H. King".
        after_initial = i >= 2 and tokens[i - 1].text == "." and len(tokens[i - 2].text) == 1
        if is_name_word(text) and (i == start or i not in starts or after_initial):
            words += 1
            i += 1
        elif len(text) == 1 and text.isupper() and i + 1 < count and tokens[i + 1].text == ".":
            words += 1  # an initial: "George W. Bush"
            i += 2
        elif text.casefold() in _PARTICLES and words and i + 1 < count and (
            is_name_word(tokens[i + 1].text)
            or (tokens[i + 1].text == "-" and i + 2 < count)
        ):
            i += 1
        elif text in _QUOTES and words and i + 3 < count and is_name_word(tokens[i + 1].text) \
                and tokens[i + 2].text in _QUOTES and is_name_word(tokens[i + 3].text):
            i += 3  # a nickname in quotes: 'Lawrence Peter "Yogi" Berra'
        elif text == "-" and words and i + 1 < count and tokens[i + 1].text.isalpha() \
                and tokens[i].start == tokens[i - 1].end and tokens[i + 1].start == tokens[i].end:
            i += 2  # "Byung-se", "al-Bashir"
        else:
            break
        if words > 5:
            return None
    if words < 2:
        return None
    return i


def without_nickname(name: str) -> str:
    """ 'Lawrence Peter "Yogi" Berra' -> "Lawrence Peter Berra": the name as registered."""
    return _NICKNAME.sub("", name)


def join_tokens(tokens: list[Token], start: int, end: int) -> str:
    """The text of tokens ``start`` to ``end``, spaced as in the original."""
    parts: list[str] = []
    for k in range(start, end):
        if k > start and tokens[k].start > tokens[k - 1].end:
            parts.append(" ")
        parts.append(tokens[k].text)
    return "".join(parts)
