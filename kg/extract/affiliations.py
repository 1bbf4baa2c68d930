"""Organisations named only as where people work or study: "scientists at the University of
the Witwatersrand", "University of California, San Francisco, scientists", "a former
University of South Florida football player", "an officer from the Fox Lake Police
Department". The people act; the body that employs or trains them does not."""

from __future__ import annotations

from kg.extract.matcher import Token
from kg.extract.name_words import is_name_word

# People a body employs or trains, whose acts are their own. Not "officials", "militants",
# "fighters", "spokesman" or "officers": those speak, fight and arrest for their body.
_MEMBERS = {
    "scientist", "scientists", "researcher", "researchers", "professor", "professors",
    "student", "students", "player", "players", "officer", "doctor", "doctors",
    "physician", "physicians", "astronomer", "astronomers", "engineer", "engineers",
    "academic", "academics", "graduate", "graduates", "alumnus", "alumni", "employee",
    "employees", "coach", "lecturer", "lecturers", "physicist", "physicists", "biologist",
    "biologists", "contractor", "contractors",
}
_LINKS = {"at", "from", "of", "with"}


def names_an_affiliation(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the organisation at tokens ``start`` to ``end`` is named only as the
    workplace or school of the people beside it."""
    return _members_before(tokens, start) or _members_after(tokens, end)


def _members_before(tokens: list[Token], start: int) -> bool:
    """ "scientists at the University of ...", "an officer from the ... Police Department" """
    k = start - 1
    if k >= 0 and tokens[k].key == "the":
        k -= 1
    if k < 1 or tokens[k].key not in _LINKS:
        return False
    return tokens[k - 1].key in _MEMBERS


def _members_after(tokens: list[Token], end: int) -> bool:
    """ "University of California, San Francisco, scientists announce", "University of South
    Florida football player": lower-case words ending in a member noun."""
    i = end
    if i < len(tokens) and tokens[i].text == ",":
        # past a campus named after a comma: ", San Francisco,"
        j = i + 1
        while j < len(tokens) and is_name_word(tokens[j].text):
            j += 1
        if j > i + 1 and j < len(tokens) and tokens[j].text == ",":
            i = j + 1
        else:
            return False
    for token in tokens[i:i + 3]:
        if token.key in _MEMBERS:
            return True
        if not token.text.isalpha() or not token.text.islower():
            return False
    return False
