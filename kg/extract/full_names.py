"""Full names the gazetteer lacks that begin with a surname it knows ("Kim Yang Gon")."""

from __future__ import annotations

from kg.extract.cues import join_tokens, name_span
from kg.extract.gazetteer import Gazetteer
from kg.extract.matcher import NAME, SHORT, Match, Token

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
                name = join_tokens(tokens, m.start, end)
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
