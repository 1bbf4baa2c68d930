"""People the gazetteer does not know, named beside words that describe a person: a role in
apposition after the name ("Desmon Watson, another former player, is injured", "Maria Lopez,
a local teacher, says") or an age before it ("Georgia's 18-year-old Vasil Lobzhanidze")."""

from __future__ import annotations

from kg.extract.full_names import person_match
from kg.extract.matcher import TITLE, Match, Matcher, Token
from kg.extract.name_words import is_name_word, name_span

_PLACE_WORDS = {"in", "at", "near", "from", "to", "of", "outside", "across"}
_DETERMINERS = {"a", "an", "another", "the", "one"}
# Words of a place's or a body's name, never the last of a person's: "Ybor City, a ...".
_NOT_PERSONAL = {"City", "County", "Province", "Island", "Islands", "Street", "Park",
                 "University", "College", "School", "Party", "Company", "Group", "Center",
                 "Centre", "Airport", "Station", "Hospital", "Club", "Department", "Agency"}


def persons_before_roles(tokens: list[Token], matches: list[Match], matcher: Matcher) -> None:
    """ "Name Name, another former player,", "the 18-year-old Name Name": a name beside a
    role in apposition or after an age is a person's (added to ``matches``)."""
    covered = {k for m in matches for k in range(m.start, m.end)}
    starts = {m.start for m in matches}
    found = []
    for role in matches:
        if role.role != TITLE or role.kind != "role":
            continue
        comma = _apposition_comma(tokens, role.start)
        if comma is None:
            continue
        start = comma
        while start > 0 and is_name_word(tokens[start - 1].text) and start - 1 not in covered:
            start -= 1
        if comma - start < 2 or tokens[comma - 1].text in _NOT_PERSONAL or (
                start > 0 and tokens[start - 1].key in _PLACE_WORDS):
            continue  # "In Des Moines, a student ...": a place
        if name_span(tokens, start, starts) != comma:
            continue
        found.append(person_match(tokens, start, comma, matcher))
        covered.update(range(start, comma))
    for start in _after_ages(tokens):
        end = name_span(tokens, start, starts)
        if end is not None and not any(k in covered for k in range(start, end)) \
                and tokens[end - 1].text not in _NOT_PERSONAL and _ends_a_noun(tokens, end):
            found.append(person_match(tokens, start, end, matcher))
            covered.update(range(start, end))
    if found:
        matches.extend(found)
        matches.sort(key=lambda x: x.start)


def _ends_a_noun(tokens: list[Token], end: int) -> bool:
    """Whether the words before ``end`` end a noun phrase, as a name does ("... Lobzhanidze
    becomes"), rather than qualify a noun ("the 80-year-old Tibetan Buddhist leader")."""
    if end >= len(tokens) or not tokens[end].text.isalpha():
        return True
    word = tokens[end].key
    return not tokens[end].text.islower() or word in _FUNCTION_WORDS \
        or word.endswith(("s", "ed", "id"))


_FUNCTION_WORDS = {"is", "was", "has", "had", "will", "who", "and", "to", "of", "in", "at",
                   "on", "from", "for", "with", "after", "before", "during"}


def _after_ages(tokens: list[Token]) -> list[int]:
    """Where a name may start after an age: "the 18-year-old Vasil Lobzhanidze"."""
    return [i + 5 for i in range(len(tokens) - 5) if tokens[i].text.isdigit()
            and [t.key for t in tokens[i + 1:i + 5]] == ["-", "year", "-", "old"]]


def _apposition_comma(tokens: list[Token], role_start: int) -> int | None:
    """The comma before ", another former" + a role at ``role_start``, if that is all that
    stands between them."""
    k = role_start - 1
    if k >= 0 and tokens[k].key in {"former", "fellow", "retired", "local"}:
        k -= 1
    if k < 1 or tokens[k].key not in _DETERMINERS:
        return None
    return k - 1 if tokens[k - 1].text == "," else None
