"""Organisations the gazetteer lacks, told by the form of their names.

"The Basque Nationalist Party", "Canada's Samuel Lunenfeld Research Institute", "the Parliament
of Cambodia", "the United States Department of the Treasury", "the South Asian Association for
Regional Cooperation": capitalised words ending in a word that names a body (Party, Institute,
Assembly, ...), perhaps continued by "of"/"for" and more capitalised words. A state named
inside such a name, or as its owner ("Canada's"), is where the body is, not a participant.

State organs (army, police, armed forces, government) are not read here: by the project's
conventions they stand for their state, which the gazetteer's names already give.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kg.extract.matcher import DEMONYM, NAME, Match, Token
from kg.extract.name_words import is_name_word, join_tokens

# The last word of a body's name.
_HEADS = {
    "Party", "Institute", "Association", "Agency", "Foundation", "Movement", "Front",
    "Parliament", "Assembly", "Court", "Department", "University", "Commission", "Committee",
    "Tribunal", "Organization", "Organisation", "Alliance", "Congress", "Senate", "Council",
    "Administration",
}
# A legislature needs no other word when a state owns it: "Guatemala's Congress",
# "Hungary's parliament" (lower case too: the owner says which one).
_LEGISLATURES = {"Congress", "Parliament", "Senate", "parliament", "congress", "senate"}
# Bodies whose name is who they are, however generic its words: "Liberal Democratic Party".
_NAMED_BY_CREED = {"Party", "Front", "Movement", "Alliance"}
# Names of things that take no part (companies, treaties): a state inside them is no
# participant either ("Peanut Corporation of America", "the Egypt–Israel Peace Treaty").
_THINGS = {"Corporation", "Company", "Inc", "Treaty", "Accord", "Accords", "Agreement",
           "Railways", "Airlines", "Airways"}
# Heads that take a complement: "Parliament of Cambodia", "Association for Regional ...".
_COMPLEMENTS = {"of", "for", "on"}
# Words that name no particular body on their own: "the National Assembly", "the Supreme
# Court" need a state or a proper name beside them.
_GENERIC = {
    "National", "Supreme", "Constitutional", "High", "Federal", "Grand", "General", "Central",
    "People's", "Popular", "Democratic", "Republican", "Socialist", "Communist", "Islamic",
    "International", "Legislative", "Electoral", "Election", "Research", "State", "Regional",
    "European", "Labour", "Labor", "Liberal", "Conservative", "Green", "New", "United",
    "Workers", "Workers'", "Independent", "Progressive", "Justice", "Freedom", "Appeal",
    "Appeals", "District", "Provincial", "Military", "Criminal", "Civil", "Upper", "Lower",
}


@dataclass(frozen=True)
class Body:
    """An organisation named by its form: its name and the tokens it spans."""

    name: str
    start: int  # token index of the first word of the name
    end: int  # token index after the name
    owner_start: int  # token index of an owning state ("Canada's"), else ``start``
    acts: bool = True  # False for a company or a treaty: it names no participant
    state: str | None = None  # "Philippine Supreme Court": the Supreme Court of this state
    title: str = ""  # then its words after the demonym: "Supreme Court"


def find_bodies(tokens: list[Token], matches: list[Match]) -> list[Body]:
    """The organisations named by form in ``tokens`` that no gazetteer match covers."""
    by_start = {m.start: m for m in matches}
    known = [m for m in matches if m.role == NAME and m.kind == "organization"]
    bodies: list[Body] = []
    for i, token in enumerate(tokens):
        if token.text not in _HEADS and token.text not in _THINGS \
                and token.text not in _LEGISLATURES:
            continue
        if token.text[:1].islower() and _owner_start(tokens, i, matches) == i:
            continue  # "the parliament": only an owner's name makes it one body
        if i + 1 < len(tokens) and is_name_word(tokens[i + 1].text):
            continue  # "VU University Medical Center": the name goes on
        start = _name_start(tokens, i, by_start)
        end = _complement_end(tokens, i + 1)
        words = [t.text for t in tokens[start:i + 1] if t.text[:1].isalnum()]
        proper = [w for w in words[:-1] if w not in _GENERIC]
        states = [m for m in matches if start <= m.start and m.end <= end
                  and m.kind == "state" and m.role in (NAME, DEMONYM)]
        owner = _owner_start(tokens, start, matches)
        if not proper and end == i + 1 and owner == start \
                and not (token.text in _NAMED_BY_CREED and words[:-1]):
            continue  # "the National Assembly": which one, the words do not say
        if len(words) < 2 and end == i + 1 and not (
                owner != start and token.text in _LEGISLATURES):
            continue
        if any(m.kind == "person" and start <= m.start < i for m in matches) or any(
                m.start <= i < m.end and m.role != DEMONYM for m in matches):
            continue  # "the Bush Administration": a government, read as its state
        if any(k.start <= start and end <= k.end for k in known):
            continue  # the gazetteer knows it
        if any(start <= k.start < end for k in known) and not states:
            continue
        body = Body(join_tokens(tokens, start, end), start, end, owner,
                    acts=token.text not in _THINGS)
        if owner != start and not proper and end == i + 1:
            # "Brazil's Supreme Court": the Supreme Court of Brazil
            state = next(m for m in matches if m.start == owner).names[0]
            title = body.name[:1].upper() + body.name[1:]
            body = dataclasses.replace(body, state=state, title=title)
        bodies.append(_of_a_state(tokens, body, i, states))
    return bodies


def _of_a_state(tokens: list[Token], body: Body, head: int, states: list[Match]) -> Body:
    """The body's usual name: "Supreme Court of the Philippines" for "Philippine Supreme
    Court" (a demonym, then generic words), "United States Department of Justice" for
    "United States Justice Department"."""
    if not states or states[0].start != body.start:
        return body
    rest = [t.text for t in tokens[states[0].end:head]]
    if states[0].role == NAME:
        # The state as the gazetteer names it: "U.S. Court of Appeals" is the United States'.
        state = states[0].names[0]
        if tokens[head].text == "Department" and len(rest) == 1 and body.end == head + 1:
            # "the United States Justice Department": the Department of Justice
            return dataclasses.replace(body, name=f"{state} Department of {rest[0]}")
        tail = join_tokens(tokens, states[0].end, body.end)
        return dataclasses.replace(body, name=f"{state} {tail}")
    plain = body.end == head + 1 or tokens[head + 1].key in {"on", "for"}
    if states[0].role != DEMONYM or not plain or not all(w in _GENERIC for w in rest):
        return body
    # "the Philippine Commission on Human Rights": the Commission on Human Rights of it
    title = join_tokens(tokens, states[0].end, body.end)
    return dataclasses.replace(body, state=states[0].names[0], title=title)


def _name_start(tokens: list[Token], head: int, by_start: dict[int, Match]) -> int:
    """The first word of the name ending at ``head``: capitalised words (or a state's name,
    "United States", "South Asian") back to "the", an owner's "'s" or the text's start."""
    start = head
    k = head - 1
    while k >= 0:
        text = tokens[k].text
        if text == "s" and k >= 2 and tokens[k - 1].text == "'" \
                and tokens[k - 2].text in {"People", "Workers", "Women", "Children"}:
            start = k - 2  # "People's Action Party": the possessive is part of the name
            k -= 3
            continue
        if text == "'" and k > 0 and tokens[k - 1].text.endswith("s") \
                and is_name_word(tokens[k - 1].text) and tokens[k - 1].end == tokens[k].start:
            start = k - 1  # "the Peoples' Democratic Party"
            k -= 2
            continue
        if text in {"'s", "s"} or tokens[k].key in {"the", "a", "an"}:
            break
        if text == "and" and k > 0 and start == k + 1 and is_name_word(tokens[k - 1].text) \
                and not tokens[k - 1].text.endswith("s") \
                and not any(m.end == k for m in by_start.values()):
            # "Food and Drug Administration": "and" inside the name (not "Republicans and
            # Democratic Party", two names)
            k -= 1
            continue
        if k >= 2 and tokens[k - 1].text == "-" and tokens[k - 2].key in {"pro", "anti"}:
            break  # "pro-Kurdish Peoples' Democratic Party": a stance, not the name
        if is_name_word(text) or text in _GENERIC or (text.isupper() and len(text) > 1):
            start = k
            k -= 1
            continue
        if text == "-" and k > 0 and any(m.end == k and m.kind == "state"
                                         for m in by_start.values()):
            k -= 1  # "the Egypt–Israel Peace Treaty"
            continue
        if text == "-" and k > 0 and is_name_word(tokens[k - 1].text) \
                and tokens[k - 1].end == tokens[k].start == tokens[k + 1].start - 1:
            start = k - 1  # "the Charlotte-Mecklenburg Police Department"
            k -= 2
            continue
        # A match ending here (a state, a demonym of several words) belongs to the name.
        match = next((m for m in by_start.values() if m.end == k + 1), None)
        if match is not None and match.kind == "state":
            start = match.start
            k = match.start - 1
            continue
        break
    return start


def _complement_end(tokens: list[Token], after: int) -> int:
    """The end of "of the Treasury", "for Regional Cooperation" after a head, else ``after``."""
    if after >= len(tokens) or tokens[after].key not in _COMPLEMENTS:
        return after
    k = after + 1
    if k < len(tokens) and tokens[k].key == "the":
        k += 1
    end = after
    while k < len(tokens):
        if is_name_word(tokens[k].text):
            k += 1
            end = k
            continue
        # "Association for Regional Cooperation and Development", "Assembly of the
        # Republic of Macedonia": a joining word between capitalised ones.
        joined = k + 1
        if tokens[k].key == "of" and joined < len(tokens) and tokens[joined].key == "the":
            joined += 1
        if tokens[k].key == "for" and joined < len(tokens) and tokens[joined].key == "the":
            joined += 1  # "Court of Appeals for the Sixth Circuit"
        if tokens[k].key in {"and", "of", "for"} and joined < len(tokens) \
                and is_name_word(tokens[joined].text) and end > after:
            k = joined
            continue
        break
    return end


def _owner_start(tokens: list[Token], start: int, matches: list[Match]) -> int:
    """Where "Canada's" begins, when a state owns the body named from ``start``."""
    if start >= 2 and tokens[start - 1].text == "s" and tokens[start - 2].text == "'":
        owner = next((m for m in matches if m.end == start - 2 and m.kind == "state"), None)
        if owner is not None:
            return owner.start
    return start
