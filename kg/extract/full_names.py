"""People the gazetteer lacks, by the words around their names: a surname it knows that begins a
longer name ("Kim Yang Gon"), a title or a role before a name ("Deputy Foreign Minister Sergei
Ryabkov", "journalists Mohamed Fahmy and Baher Mohamed"), a common given name ("Brian Howard")."""

from __future__ import annotations

from kg.extract.gazetteer import Gazetteer
from kg.extract.given_names import name_from_given
from kg.extract.matcher import NAME, RELATION, SHORT, TITLE, Match, Matcher, Token
from kg.extract.name_words import (
    closes_apposition,
    join_tokens,
    name_span,
    without_nickname,
)

# Words that make "Surname Word" a thing named after someone, not a person's full name.
_NAMED_AFTER = {
    "administration", "government", "cabinet", "doctrine", "tower", "towers", "foundation",
    "center", "centre", "institute", "street", "square", "plan", "era", "library", "museum",
    "prize", "award", "cup", "trophy", "stadium", "airport", "university", "school",
    "college", "hospital", "bridge", "park", "avenue", "road", "house", "hall", "act", "law",
    "report", "commission", "committee", "party", "camp", "regime", "family", "campaign",
}


def longer_names(
    tokens: list[Token], matches: list[Match], gazetteer: Gazetteer
) -> list[Match]:
    """ "Kim Yang Gon", "Kim Yong-il": a surname the gazetteer knows, left unresolved,
    that begins a longer name is the full name of a person the gazetteer does not know."""
    shorts = {m.start for m in matches if m.role == SHORT}
    others = {m.start for m in matches} - shorts
    out: list[Match] = []
    skip_until = -1
    for m in matches:
        if m.start < skip_until:
            continue
        if m.role == SHORT:
            end = name_span(tokens, m.start, others)
            if end is not None and end > m.end and not any(
                    t.key in _NAMED_AFTER for t in tokens[m.start:end]) \
                    and not any(o < end for o in others if o > m.start):
                name = without_nickname(join_tokens(tokens, m.start, end))
                known = _known_person(gazetteer, name)
                new = Match(m.start, end, NAME, (known,) if known else (), "person")
                new.new_person = None if known else name
                out.append(new)
                skip_until = end
                continue
        out.append(m)
    return out


def _known_person(gazetteer: Gazetteer, name: str) -> str | None:
    """The gazetteer's person of this name, spaces and hyphens alike ("Kim Jong Un")."""
    for form in dict.fromkeys((name, name.replace(" ", "-"), _hyphenate_last(name))):
        for entry in gazetteer.lookup(form):
            if entry.kind == "person":
                return entry.name
    return None


def _hyphenate_last(name: str) -> str:
    """ "Kim Jong Un" -> "Kim Jong-un": the Korean way of writing a given name."""
    words = name.split()
    if len(words) < 3:
        return name
    return " ".join(words[:-2]) + f" {words[-2]}-{words[-1].lower()}"


def person_match(tokens: list[Token], start: int, end: int, matcher: Matcher) -> Match:
    """The person named by tokens ``start`` to ``end``: the gazetteer's, where the words
    begin one of its names ("Otto Pérez"), else a new one."""
    name = without_nickname(join_tokens(tokens, start, end))
    known = matcher.prefixes.get(name.casefold(), set())
    if len(known) == 1:
        return Match(start, end, NAME, (next(iter(known)),), "person")
    new = Match(start, end, NAME, (), "person")
    new.new_person = name
    return new


def persons_after_titles(tokens: list[Token], matches: list[Match], matcher: Matcher) -> None:
    """ "Title Name": the name after a title, a role or a post is a person's (added to
    ``matches``); a known surname inside it is part of it ("journalists Mohamed Fahmy", not
    Nabil Fahmy)."""
    shorts = {m.start: m for m in matches if m.role == SHORT}
    starts = {m.start for m in matches} - shorts.keys()

    def add(start: int, end: int) -> None:
        matches.append(person_match(tokens, start, end, matcher))
        starts.add(start)
        for k in range(start, end):
            if k in shorts and shorts[k] in matches:
                matches.remove(shorts[k])

    for m in list(matches):
        if m.role not in (TITLE, RELATION) and m.kind != "post":
            continue
        after = m.end
        if after < len(tokens) and tokens[after].text == ",":
            # "a top student, Mariam Malak, says": a role's apposition, closed by a comma
            if m.kind not in ("post", "role"):
                continue
            after += 1
        if after in starts:
            continue
        name_end = name_span(tokens, after, starts)
        if name_end is None or (after > m.end and not closes_apposition(tokens, name_end)):
            continue
        add(after, name_end)
        # "journalists Mohamed Fahmy and Baher Mohamed": the names a plural role lists.
        if m.kind == "role" and m.names[0].endswith("s") and name_end + 1 < len(tokens) \
                and tokens[name_end].key == "and" and name_end + 1 not in starts:
            second = name_span(tokens, name_end + 1, starts)
            if second is not None:
                add(name_end + 1, second)
    matches.sort(key=lambda x: x.start)


def persons_by_given_name(tokens: list[Token], matches: list[Match], matcher: Matcher,
                          gazetteer: Gazetteer) -> None:
    """ "Brian Howard": a common given name, then a surname, where no match stands (added to
    ``matches``)."""
    # A title word after an initial is a surname ("George H. King"), free for the name.
    surnames = {m.start for m in matches if m.role == TITLE and m.start >= 2
                and tokens[m.start - 1].text == "." and len(tokens[m.start - 2].text) == 1}
    covered = {k for m in matches if m.start not in surnames for k in range(m.start, m.end)}
    starts = {m.start for m in matches}
    found = []
    for i, token in enumerate(tokens):
        if i in covered or not token.text[:1].isupper():
            continue
        end = name_from_given(tokens, i, starts, gazetteer, after_a_match=i - 1 in covered)
        if end is None or any(k in covered for k in range(i, end)):
            continue
        if end + 1 < len(tokens) and tokens[end].text == "," and any(
                m.start == end + 1 and m.kind == "state" for m in matches):
            continue  # "Al Hudaydah, Yemen": a place the gazetteer does not know
        found.append(person_match(tokens, i, end, matcher))
        covered.update(range(i, end))
    if found:
        matches.extend(found)
        matches.sort(key=lambda x: x.start)
