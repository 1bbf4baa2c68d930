"""Posts composed from a title and the state or body it belongs to ("Russian Envoy",
"Deputy Prime Minister of the Netherlands"), named as the gazetteer names posts."""

from __future__ import annotations

from kg.extract.gazetteer import Gazetteer
from kg.extract.matcher import DEMONYM, NAME, TITLE, Match, Token

#: States written with "the" in a post's name ("President of the United States").
_THE_PREFIXES = ("United ", "Republic ", "Democratic ", "Holy ", "Czech ")
_THE_SUFFIXES = ("Islands", "Emirates", "Netherlands", "Philippines", "Bahamas", "Gambia",
                 "Comoros", "Maldives", "Seychelles")


def compose_posts(gaz: Gazetteer, tokens: list[Token], matches: list[Match]) -> list[Match]:
    """The matches with each owner-and-title pair ("Russian Envoy", "Envoy of Russia") made
    one post match."""
    out: list[Match] = []
    i = 0
    while i < len(matches):
        m = matches[i]
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        if (m.role in (NAME, DEMONYM) and m.kind in ("state", "organization")
                and nxt is not None and nxt.role == TITLE and nxt.kind == "title"
                and [t.text for t in tokens[m.end:nxt.start]] in ([], ["'", "s"])):
            out.append(_post_match(gaz, m.start, nxt.end, nxt.names[0], m.names[0]))
            i += 2
            continue
        if (m.role == TITLE and (m.kind == "title" or m.names[0] == "leader")
                and nxt is not None and nxt.role == NAME
                and nxt.kind in ("state", "organization")
                and [t.key for t in tokens[m.end:nxt.start]] in (["of"], ["of", "the"])):
            out.append(_post_match(gaz, m.start, nxt.end, m.names[0], nxt.names[0]))
            i += 2
            continue
        out.append(m)
        i += 1
    return out


def _post_match(gaz: Gazetteer, start: int, end: int, title: str, owner: str) -> Match:
    post_name = f"{title_case(title)} of {owner_phrase(gaz, owner)}"
    known = [e for e in gaz.lookup(post_name) if e.kind == "post"]
    if known:
        return Match(start, end, NAME, (known[0].name,), "post")
    return Match(start, end, NAME, (post_name,), "post", owner=owner)


def owner_phrase(gaz: Gazetteer, state: str) -> str:
    """A post's owner as its name writes it: "the United States", "Russia"."""
    entry = gaz.get(state)
    if entry is not None and entry.kind == "state":
        for form in (entry.name, *entry.aliases):
            if form.startswith("the "):
                return form
        if entry.name.startswith(_THE_PREFIXES) or entry.name.endswith(_THE_SUFFIXES):
            return f"the {entry.name}"
    return state


def title_case(title: str) -> str:
    """A title with each word capitalised, as post names write it ("Foreign Minister")."""
    return " ".join(w if w[:1].isupper() else w.capitalize() for w in title.split())
