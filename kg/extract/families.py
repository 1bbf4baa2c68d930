"""Relatives the gazetteer does not know, named by a given name before a surname it does know:
"Sasha Obama", and both of "Malia and Sasha Obama" (the surname shared by coordinated given
names). The surname alone would name the known person; with a given name before it, it names
someone else of that family."""

from __future__ import annotations

from kg.extract.gazetteer import Gazetteer
from kg.extract.given_names import is_given_name
from kg.extract.matcher import NAME, SHORT, Match, Token
from kg.extract.name_words import is_name_word, join_tokens


def persons_of_a_family(tokens: list[Token], matches: list[Match], gazetteer: Gazetteer) -> None:
    """ "Malia and Sasha Obama": persons named by given names before a known surname left
    unresolved (added to ``matches``, in place of the surname)."""
    covered = {k for m in matches if m.role != SHORT or m.resolved
               for k in range(m.start, m.end)}
    for m in [x for x in matches if x.role == SHORT and not x.resolved and x.start > 0]:
        given = m.start - 1
        if given in covered or not is_given_name(tokens[given].text, gazetteer) \
                or (given > 0 and is_name_word(tokens[given - 1].text)):
            continue  # not a given name, or inside a longer name ("Lake Sasha Obama")
        surname = join_tokens(tokens, m.start, m.end)
        matches.remove(m)
        matches.append(_person(given, m.end, f"{tokens[given].text} {surname}", gazetteer))
        first = given - 2
        if first >= 0 and tokens[given - 1].key == "and" and first not in covered \
                and is_name_word(tokens[first].text) \
                and not (first > 0 and is_name_word(tokens[first - 1].text)):
            matches.append(_person(first, first + 1, f"{tokens[first].text} {surname}",
                                   gazetteer))
    matches.sort(key=lambda x: x.start)


def _person(start: int, end: int, name: str, gazetteer: Gazetteer) -> Match:
    """The gazetteer's person of this name, else a new one."""
    known = [e.name for e in gazetteer.lookup(name) if e.kind == "person"]
    if known:
        return Match(start, end, NAME, (known[0],), "person")
    new = Match(start, end, NAME, (), "person")
    new.new_person = name
    return new
