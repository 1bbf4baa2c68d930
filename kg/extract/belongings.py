"""Things of a state named right after its name or demonym, which no act of the state is:
its money ("US dollars"), its market or soil ("further U.S. sale"), a craft with its own name
("Russian rocket Soyuz"), and a state's name in a person's possession ("his U.S. speaking
engagements")."""

from __future__ import annotations

from kg.extract.matcher import Token

_CURRENCIES = {"dollar", "dollars", "euro", "euros", "ruble", "rubles", "rouble", "roubles",
               "yuan", "yen", "rupee", "rupees", "pound", "pounds", "peso", "pesos"}
# Where something happens, not who acts: "U.S. soil", "Turkish airspace".
_GROUNDS = {"sale", "sales", "market", "markets", "soil", "airspace", "territory"}
_CRAFT = {"rocket", "spacecraft", "spaceship", "capsule"}
_POSSESSIVES = {"his", "her", "its", "their"}


def names_a_belonging(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the state or demonym at tokens ``start`` to ``end`` only says whose money,
    market or named craft follows, or is itself in a person's possession."""
    after = [t.text for t in tokens[end:end + 2]]
    if after[:1] and after[0].casefold() in _CURRENCIES | _GROUNDS:
        return True
    if len(after) == 2 and after[0].casefold() in _CRAFT and after[1][:1].isupper():
        return True  # a named craft: "rocket Soyuz", not "rocket strikes"
    return start > 0 and tokens[start - 1].key in _POSSESSIVES
