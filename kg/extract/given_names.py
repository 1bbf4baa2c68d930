"""People the gazetteer does not know, told by a common given name at the start of a name.

"Yvette Cooper, Andy Burnham and Liz Kendall", "Brian Howard", "Bella Bond": two to four
capitalised words whose first is one of the commonest given names are a person's name, unless
the words name a place or a body ("Victoria Falls", "Grace Church"). Given names that are
also states, places, months or everyday words are not used ("Georgia", "May", "Hope").
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kg.extract.gazetteer import Gazetteer
from kg.extract.matcher import Token
from kg.extract.name_words import is_name_word, name_span

# Words after which a name is a place's or a body's: "Victoria Falls", "Grace Church".
_NOT_A_PERSON_END = {
    "Falls", "Street", "Church", "Bowl", "Valley", "Island", "Islands", "Bay", "Lake", "River",
    "Mountain", "Mountains", "Park", "Square", "Center", "Centre", "Clinic", "Hospital",
    "School", "College", "University", "Institute", "Foundation", "Stadium", "Airport",
    "Bridge", "Avenue", "Road", "Hall", "House", "Tower", "County", "City", "Beach", "Point",
    "Party", "Company", "Corporation", "Group", "Award", "Prize", "Cup", "Trophy", "Strip",
    "Station", "Base", "Camp", "Prison", "Jail", "Court", "Forces", "Force", "Army", "Police",
    "Department", "Agency", "Museum", "Library", "Gardens", "Hotel", "Mall", "Festival",
    "Mosque", "Cathedral", "Temple", "Synagogue", "Palace", "Castle", "Port", "Harbor",
    "Harbour", "Province", "Region", "District", "Village", "Town",
}
# Words after a company's name.
_BUSINESS = {"plant", "factory", "company", "firm", "group", "corporation", "inc", "chemical",
             "refinery", "mine", "store", "stores", "bank", "brand", "airline"}
# Given names that are everyday words, months or titles.
_WORDS = {"May", "June", "April", "August", "Will", "Hope", "Grace", "Joy", "Faith",
          "Rose", "Summer", "Autumn", "Dawn", "Chance", "Sunny", "Major", "King", "Prince",
          "Earl", "Royal", "Young", "Rich", "Sterling", "Page", "Star", "Miles", "Bill",
          "Mark", "Art", "Sonny", "Christian", "Ivory", "Crystal", "Ruby", "Pearl", "Holly",
          "Iris", "Lily", "Ginger", "Daisy", "Hazel", "Amber", "Jade", "Ebony", "Sharon",
          "Florence", "Alexandria", "Sydney", "Austin", "Houston", "Dallas", "Denver",
          "Phoenix", "Lincoln", "Jackson", "Madison", "Clinton", "Regina", "Sierra",
          "Asia", "India", "Kenya", "Africa", "America", "Israel", "Jordan", "Chad",
          "Georgia", "Victoria", "Charlotte", "Virginia", "Carolina", "Dakota", "Paris",
          # Articles and particles of Arabic, Romance and Dutch names: "Al Hudaydah".
          "Al", "El", "Del", "Van", "Von", "Le", "La", "Don", "Dee", "Lou", "Santa", "San"}


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    ref = resources.files("kg") / "data" / "given_names.txt"
    lines = ref.read_text(encoding="utf-8").splitlines()
    return frozenset(n for n in lines if n and not n.startswith("#")) - _WORDS


def is_given_name(word: str, gazetteer: Gazetteer) -> bool:
    """Whether ``word`` is a common given name and names nothing the gazetteer knows."""
    return word in _given_names() and not gazetteer.lookup(word)


def name_from_given(
    tokens: list[Token], start: int, starts: set[int], gazetteer: Gazetteer,
    *, after_a_match: bool = False,
) -> int | None:
    """The end of a person's name that begins at ``start`` with a common given name, or None
    where the words are not one (a single word, a place's or a body's name). With
    ``after_a_match`` the word before is a known word ("American Paul Erven Jackson")."""
    if not is_given_name(tokens[start].text, gazetteer):
        return None
    if start > 0 and is_name_word(tokens[start - 1].text) and not after_a_match:
        return None  # inside a longer capitalised run: "Lake Victoria Brian ..."
    end = name_span(tokens, start, starts)
    # A nickname in quotes ('Lawrence Peter "Yogi" Berra') takes three tokens, no word.
    quoted = 3 if end is not None and any(t.text in '"“”' for t in tokens[start:end]) else 0
    if end is None or end - start - quoted > 5:
        return None
    words = [t.text for t in tokens[start:end]]
    if words[-1] in _NOT_A_PERSON_END:
        return None
    if end < len(tokens) and tokens[end].text in _NOT_A_PERSON_END:
        return None
    if any(t.key in _BUSINESS for t in tokens[end:end + 2]):
        return None  # "the Williams Olefins chemical plant": a company's name
    return end
