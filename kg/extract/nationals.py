"""A state named only to describe a person: whose national ("Cuban graffiti artist Danilo
Maldonado Machado", "American Major League Baseball Hall of Fame catcher"), whose officer
("Burundi's army chief General ...") or where posted ("the Apostolic Nuncio to the United
States"). The person takes part, not the state."""

from __future__ import annotations

from kg.extract.cues import names_an_organ
from kg.extract.matcher import DEMONYM, TITLE, Match, Token
from kg.extract.name_words import is_name_word

# Lower-case words that make the phrase a clause or a state's organ, not a description of
# one person: "Russian forces kill journalist ...", "Iranian officials arrest reporter ...".
_NOT_DESCRIBING = {
    "forces", "troops", "jets", "police", "army", "navy", "military", "officials",
    "authorities", "government", "security", "intelligence", "court", "says", "said",
    "kill", "kills", "killed", "arrest", "arrests", "arrested", "detain", "detains",
    "detained", "free", "frees", "freed", "release", "releases", "released", "meet", "meets",
    "met", "and", "or", "the", "a", "an", "to", "by", "with", "for", "in", "on", "at",
}
_MAX_LOWER = 2  # lower-case words between the demonym and the role
_MAX_SPAN = 8  # tokens between them in all


def describes_a_person(tokens: list[Token], m: Match, nxt: Match | None) -> bool:
    """Whether the demonym or state name at ``m`` says only whose national the person
    described after it is ("Cuban diplomat Jose Ramon Cabañas", "American Paul Erven
    Jackson"); ``nxt`` is the first match after ``m``."""
    if _officer_of(tokens, m.end):
        return True
    if nxt is None:
        return False
    if nxt.start == m.end:
        return nxt.kind == "role" or nxt.new_person is not None
    # Across describing words only after a demonym: "Russia sentences activist ..." is the
    # state acting.
    return m.role == DEMONYM and nxt.role == TITLE and nxt.kind == "role" \
        and _describing(tokens, m.end, nxt.start)


def _describing(tokens: list[Token], start: int, end: int) -> bool:
    """Whether tokens ``start`` to ``end`` can describe a person before a role: proper
    words ("Major League Baseball Hall of Fame", "Zuwarah") and a few lower-case nouns
    ("graffiti", "militia")."""
    if end - start > _MAX_SPAN:
        return False
    lower = 0
    for i in range(start, end):
        text = tokens[i].text
        if is_name_word(text) or (tokens[i].key == "of" and i > start
                                  and is_name_word(tokens[i - 1].text)):
            continue
        # A word in -s may be a verb ("Iranian hackers target activist ..."); "human rights
        # activist" is the one such compound common before a name.
        if text.isalpha() and text.islower() and tokens[i].key not in _NOT_DESCRIBING \
                and (not text.endswith("s") or text == "rights") and lower < _MAX_LOWER:
            lower += 1
            continue
        return False
    return True


# Heads of a state's organ, before the name of the one who heads it.
_HEADS = {"chief", "commander", "head", "chiefs", "commanders"}


def _officer_of(tokens: list[Token], end: int) -> bool:
    """ "Burundi's army chief General Prime Niyongabo": the state's organ only says whose
    officer the named person is."""
    if [t.text for t in tokens[end:end + 2]] == ["'", "s"]:
        end += 2
    if not names_an_organ(tokens, end):
        return False
    for k in (end + 1, end + 2):  # past an organ of one or two words
        if k + 1 < len(tokens) and tokens[k].text in _HEADS:
            return tokens[k + 1].text[:1].isupper()
    return False


def posted_to(tokens: list[Token], m: Match, prev: Match | None) -> bool:
    """ "the Israeli ambassador to Egypt": the state a diplomat is sent to, named inside
    the diplomat's post title."""
    k = m.start - 1 - (m.start > 0 and tokens[m.start - 1].key == "the")
    if k >= 1 and tokens[k].key == "to" and tokens[k - 1].key in _ENVOYS:
        return True  # "the Apostolic Nuncio to the United States"
    return prev is not None and [t.key for t in tokens[prev.end:m.start]] == ["to"] \
        and any(n.casefold().startswith(("ambassador", "envoy", "special envoy"))
                for n in prev.names)


_ENVOYS = {"ambassador", "envoy", "nuncio", "consul", "emissary", "representative",
           "ambassadors", "envoys"}
