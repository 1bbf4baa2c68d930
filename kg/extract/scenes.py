"""States named only as where something is, told by the words around them: a state that owns
a named place ("Yemen's Al Hudaydah port", "Syria's northwestern Idlib province"), a state
coordinated with one named as a scene ("the borders with Serbia and Croatia") and a union
named as an area ("around the EU")."""

from __future__ import annotations

from kg.extract.cues import locates
from kg.extract.matcher import Match, Token
from kg.extract.name_words import is_name_word

# Nouns that end a place's name after a state's "'s": "Yemen's Al Hudaydah port".
_PLACE_HEADS = {"port", "province", "region", "city", "town", "village", "district",
                "governorate", "prefecture", "county", "island", "islands", "coast", "airport",
                "airbase", "border", "enclave", "oblast", "valley", "peninsula", "desert"}
_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
               "central", "northeastern", "northwestern", "southeastern", "southwestern",
               "northeast", "northwest", "southeast", "southwest", "far", "remote"}
_JOINS = {"and", "or", ","}


def named_as_scene(tokens: list[Token], m: Match, matches: list[Match]) -> bool:
    """Whether the state or organisation at ``m`` is named only as where something is."""
    if m.kind == "organization":
        return _spread_over(tokens, m)
    return owns_a_named_place(tokens, m) or coordinated_with_a_scene(tokens, m, matches) \
        or _ends_a_place_name(tokens, m)


def _ends_a_place_name(tokens: list[Token], m: Match) -> bool:
    """ "Santiago de Cuba", "Santa Cruz de Tenerife": a state's name after a particle ends a
    place's name."""
    return m.start >= 2 and tokens[m.start - 1].key in {"de", "del", "di", "da", "do"} \
        and is_name_word(tokens[m.start - 2].text)


def _spread_over(tokens: list[Token], m: Match) -> bool:
    """ "asylum seekers around the EU": a union of states as the area something covers."""
    k = m.start - 1 - (m.start > 0 and tokens[m.start - 1].key == "the")
    return k >= 0 and tokens[k].key in {"around", "across", "throughout"}


def owns_a_named_place(tokens: list[Token], m: Match) -> bool:
    """ "Yemen's Al Hudaydah port", "Syria's northwestern Idlib province": the state's "'s"
    before a place named by a proper name or a compass word, then a place noun. ("Yemen's
    capital" alone stays: there the state may be the target.)"""
    if [t.text for t in tokens[m.end:m.end + 2]] != ["'", "s"]:
        return False
    i = m.end + 2
    described = False
    while i < len(tokens) and i < m.end + 8:
        token = tokens[i]
        if token.key in _DIRECTIONS or is_name_word(token.text) or (
                token.text == "-" and described):
            described = True
            i += 1
            continue
        return described and token.key in _PLACE_HEADS
    return False


def coordinated_with_a_scene(tokens: list[Token], m: Match, matches: list[Match]) -> bool:
    """ "the borders with Serbia and Croatia", "in Syria, Iraq and Lebanon": a state joined
    by "and", "or" or a comma to a state named as a scene shares its part."""
    k = m.start - 1
    while k >= 0 and tokens[k].key in _DIRECTIONS:
        k -= 1  # "northern Iraq and southern Syria"
    if k < 1 or tokens[k].key not in _JOINS:
        return False
    before = next((x for x in matches if x.end == k), None)
    if before is None or before.kind != "state":
        return False
    return locates(tokens, before, matches) or coordinated_with_a_scene(tokens, before, matches)
