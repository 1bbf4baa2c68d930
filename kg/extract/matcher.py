"""The token trie over every gazetteer alias, and the tokens it reads.

One trie, built once per gazetteer (``matcher_of``), finds the longest match at each
position: names and aliases, demonyms ("Russian"), surnames ("Putin"), bare titles
("Foreign Minister"), relations ("adviser") and phrases that must not be read as their
parts ("Latin American").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from kg.extract.gazetteer import Entry, Gazetteer
from kg.extract.occupations import OCCUPATIONS

_TOKEN = re.compile(r"\w+|[^\w\s]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "–": "-", "‐": "-", "‑": "-"})
_ODD_MARKS = re.compile("[’‘`–‐‑]")
_NEW_TOKEN = tuple.__new__  # skips NamedTuple's Python-level __new__: tokenising is the hot loop

# Roles a trie leaf can play.
NAME = "name"  # the entry's own name or alias
DEMONYM = "demonym"  # "Russian" -> Russia
SHORT = "short"  # a surname ("Putin") that may name one of several persons
TITLE = "title"  # a bare title ("Foreign Minister") that may precede a name
RELATION = "relation"  # "adviser", "aide": a post defined by the person before it
BLOCK = "block"  # a phrase that must not be read as its parts ("Latin American")

# Bare titles: they name no post on their own, but a name after them is a person holding
# a post of that title ("Deputy Foreign Minister Sergei Ryabkov").
TITLES = (
    "President", "Vice President", "Vice-President", "Prime Minister", "Premier",
    "Deputy Prime Minister", "First Deputy Prime Minister", "Chancellor", "Vice Chancellor",
    "Foreign Minister", "Deputy Foreign Minister", "Vice Foreign Minister",
    "Vice-Foreign Minister", "Minister of Foreign Affairs", "Secretary of State",
    "Foreign Secretary", "Defence Minister", "Defense Minister", "Defense Secretary",
    "Defence Secretary", "Interior Minister", "Finance Minister", "Trade Minister",
    "Energy Minister", "Justice Minister", "Information Minister", "Minister",
    "Deputy Minister", "King", "Queen", "Crown Prince", "Emir", "Sultan", "Supreme Leader",
    "Ambassador", "Special Envoy", "Envoy", "Secretary-General", "Secretary General",
    "Foreign Ministry spokesman", "Foreign Ministry spokeswoman", "Senator", "Governor",
    "Speaker", "Chairman", "General", "ambassador",
)
# Roles and ranks that hold no post of a state but say that the name after them is a
# person's ("Cuban diplomat Jose Ramon Cabañas", "Sergeant Almog Shiloni"): read as titles,
# so that a person the gazetteer does not know is still recognised (kg.extract.recognizer).
ROLES = (
    "diplomat", "businessman", "businesswoman", "journalist", "activist", "lawyer",
    "dissident", "blogger", "opposition leader", "cleric", "scientist", "professor",
    "Sergeant", "Staff Sergeant", "Corporal", "Private", "Captain", "Colonel",
    "Lieutenant", "Lieutenant Colonel", "Major General", "Brigadier General",
    "Admiral", "Judge", "District Judge", "Justice", "Chief Justice", "Mayor",
    "Cardinal", "Archbishop", "Bishop", "Rabbi", "Imam", "Sheikh", "Prince", "Princess",
    "Commissioner", "Attorney General", "Secretary", "Dr.", "Mr.", "Mrs.", "Ms.",
    "politician", "entertainer", "singer", "actor", "actress", "footballer", "golfer",
    "player", "players", "national", "attorney general", "leader", "prisoner", "detainee",
    "owner", "son", "daughter", "wife", "husband", "brother", "sister", "widow",
    "director", "journalists", "activists", "lawyers", "diplomats",
)
# Roles that are also words of names ("National Hockey League"): only in lower case.
LOWER_CASE_ROLES = frozenset({"national", "son", "daughter", "wife", "husband", "brother",
                              "sister", "widow"})
RELATIONS = (
    "adviser", "advisor", "aide", "spokesman", "spokeswoman", "spokesperson",
    "senior adviser", "top aide", "envoy", "special envoy",
)
BLOCKED = (
    "Latin America", "Latin American", "Latin Americans", "South American",
    "South Americans", "North American", "North Americans", "Central American",
    "Central Americans", "African American", "African Americans", "Native American",
    "Native Americans", "Asian American", "Asian Americans", "Arab American",
    "Arab Americans", "American football", "American Airlines", "American Express",
    "Turkish Airlines", "Russian roulette", "French fries", "Chinese New Year",
    "Irish Times", "New York Times", "Times of India", "Jerusalem Post",
    "Washington Post", "Washington Times", "Georgia Tech", "New Mexico", "New Jersey",
    "Georgia Straight", "Chad Johnson", "Jordan River", "Jordan Valley", "West Indian",
    "West Indians", "West Indies", "FIFA World Cup", "East Indian", "East Indians", "Indian Ocean",
    "South America", "North America", "Central America", "British Airways", "Air France",
    "Air India", "Air China", "China Airlines", "Japan Airlines", "Korean Air",
    "Qatar Airways", "Turkish Airlines", "Saudi Aramco", "Agence France-Presse",
    "Agence France Presse", "Deutsche Bank", "Deutsche Welle",
)


@dataclass(frozen=True)
class _Leaf:
    form: tuple[str, ...]  # the alias's own tokens, for case checks
    role: str
    names: tuple[str, ...]  # entry names (several for an ambiguous surname)
    strict: bool  # case-sensitive match
    kind: str = ""


@dataclass
class Match:
    """A run of tokens the trie matched, and what the recogniser makes of it."""

    start: int  # token index
    end: int  # token index, exclusive
    role: str
    names: tuple[str, ...]
    kind: str
    resolved: str | None = None  # entry name once resolved
    new_person: str | None = None  # a person the gazetteer does not know
    owner: str | None = None  # the state of a post made up from "Russian" + "Envoy"


class Token(NamedTuple):
    """A word or punctuation mark with its character offsets."""

    text: str
    key: str  # casefolded text, the trie key
    start: int
    end: int


class Matcher:
    """The compiled token trie for one gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.root: dict[str, Any] = {}
        entries = list(gazetteer)
        shorts: dict[str, list[str]] = {}
        for entry in entries:
            strict_forms = set(entry.strict)
            for alias in gazetteer.aliases_of(entry):
                tokens = _tokens_of(alias, strip_the=alias != entry.name)
                strict = len(tokens) == 1 or alias in strict_forms or _is_acronym(alias)
                self._add(tokens, _Leaf(tuple(tokens), NAME, (entry.name,), strict, entry.kind))
                for variant in _spelling_variants(alias) if entry.kind == "person" else ():
                    tokens = _tokens_of(variant)
                    self._add(tokens, _Leaf(tuple(tokens), NAME, (entry.name,), True, "person"))
            for demonym in entry.demonyms:
                tokens = _tokens_of(demonym)
                self._add(tokens, _Leaf(tuple(tokens), DEMONYM, (entry.name,), True, "state"))
            if entry.kind == "person":
                for short in _shorts_of(entry):
                    shorts.setdefault(short, []).append(entry.name)
        for short, names in shorts.items():
            tokens = _tokens_of(short)
            self._add(tokens, _Leaf(tuple(tokens), SHORT, tuple(names), True, "person"))
        for title in TITLES:
            tokens = _tokens_of(title)
            self._add(tokens, _Leaf(tuple(tokens), TITLE, (title,), False, "title"))
        for role in ROLES:
            tokens = _tokens_of(role)
            self._add(tokens, _Leaf(tuple(tokens), TITLE, (role,), role in LOWER_CASE_ROLES,
                                    "role"))
        for occupation in OCCUPATIONS:
            tokens = _tokens_of(occupation)
            self._add(tokens, _Leaf(tuple(tokens), TITLE, (occupation,), True, "role"))
        for relation in RELATIONS:
            tokens = _tokens_of(relation)
            self._add(tokens, _Leaf(tuple(tokens), RELATION, (relation,), True, "relation"))
        for phrase in BLOCKED:
            tokens = _tokens_of(phrase)
            self._add(tokens, _Leaf(tuple(tokens), BLOCK, (), False, "block"))
        # "Otto Pérez" -> Otto Pérez Molina: leading words of longer names.
        self.prefixes: dict[str, set[str]] = {}
        for entry in entries:
            if entry.kind != "person":
                continue
            for form in (entry.name, *entry.aliases):
                words = form.split()
                for k in range(2, len(words)):
                    self.prefixes.setdefault(" ".join(words[:k]).casefold(), set()).add(
                        entry.name
                    )

    def _add(self, tokens: list[str], leaf: _Leaf) -> None:
        if not tokens:
            return
        node = self.root
        for token in tokens:
            node = node.setdefault(token.casefold(), {})
        leaves: list[_Leaf] = node.setdefault("", [])
        if leaf not in leaves:
            leaves.append(leaf)

    def scan(self, tokens: list[Token]) -> list[Match]:
        """Longest matches, left to right, without overlaps."""
        matches: list[Match] = []
        i = 0
        count = len(tokens)
        root = self.root
        while i < count:
            node = root.get(tokens[i].key)
            if node is None:
                i += 1
                continue
            best: tuple[int, list[_Leaf]] | None = None
            j = i
            while node is not None:
                j += 1
                leaves = node.get("")
                if leaves:
                    usable = [leaf for leaf in leaves if _fits(leaf, tokens, i, j)]
                    if usable:
                        best = (j, usable)
                if j >= count:
                    break
                node = node.get(tokens[j].key)
            if best is None:
                i += 1
                continue
            end, leaves = best
            leaf = _pick(leaves)
            names = tuple(dict.fromkeys(n for lf in leaves if lf.role == leaf.role
                                        for n in lf.names))
            matches.append(Match(i, end, leaf.role, names, leaf.kind))
            i = end
        return matches


def _pick(leaves: list[_Leaf]) -> _Leaf:
    order = {NAME: 0, DEMONYM: 1, BLOCK: 2, TITLE: 3, RELATION: 4, SHORT: 5}
    kinds = {"post": 0, "person": 1, "organization": 2, "state": 3, "place": 4}
    return min(leaves, key=lambda lf: (order[lf.role], kinds.get(lf.kind, 5)))


def _fits(leaf: _Leaf, tokens: list[Token], i: int, j: int) -> bool:
    texts = [t.text for t in tokens[i:j]]
    if leaf.strict:
        if tuple(texts) == leaf.form:
            return True
        # Datelines and headlines in capitals: "SOCHI", "RUSSIA".
        joined = "".join(leaf.form)
        return len(joined) > 3 and tuple(texts) == tuple(t.upper() for t in leaf.form)
    # A cased alias ("United States") never matches all-lower text ("united states").
    return not any(c.isupper() for c in "".join(leaf.form)) or any(
        c.isupper() for c in "".join(texts)
    )


def _spelling_variants(name: str) -> list[str]:
    """A name with letters outside ASCII as sources often print it: "Abdullah Gul" (accents
    dropped) and "Abdullah Gl" (the letter lost upstream, as thecontext.net pages lose
    it). Only for names of several words, so that a lost letter cannot make a common word."""
    if name.isascii() or len(name.split()) < 2:
        return []
    folded = "".join(c for c in unicodedata.normalize("NFKD", name)
                     if not unicodedata.combining(c))
    dropped = "".join(c for c in name if c.isascii())
    forms = [f for f in (folded, dropped) if f.isascii() and f != name]
    # A lost letter must leave every word at least two letters long ("Gl", not "G").
    return [f for f in dict.fromkeys(forms)
            if len(f.split()) == len(name.split()) and all(len(w) > 1 for w in f.split())]


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def _tokens_of(text: str, *, strip_the: bool = False) -> list[str]:
    tokens = _TOKEN.findall(text.translate(_APOSTROPHES))
    # A leading "the" would let "the U.N." win over "U.N. Security Council".
    if strip_the and len(tokens) > 1 and tokens[0].casefold() == "the" \
            and tokens[1][:1].isupper():
        return tokens[1:]
    return tokens


def _shorts_of(entry: Entry) -> list[str]:
    if entry.short is not None:
        return list(entry.short)
    shorts: list[str] = []
    for form in (entry.name, *entry.aliases):
        words = form.split()
        if len(words) < 2:
            continue
        last = words[-1].strip(",.")
        if last in {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"} and len(words) > 2:
            last = words[-2].strip(",.")
        if len(last) < 3 or not last[:1].isupper():
            continue
        shorts.append(last)
        for prefix in ("al-", "el-", "Al-", "El-"):
            if last.startswith(prefix) and len(last) > len(prefix) + 2:
                shorts.append(last[len(prefix):])
    return list(dict.fromkeys(shorts))


def tokenize(text: str) -> list[Token]:
    """Word and punctuation tokens with their character offsets."""
    normalized = _ODD_MARKS.sub(_plain_mark, text)
    return [
        _NEW_TOKEN(Token, (m.group(), m.group().casefold(), m.start(), m.end()))
        for m in _TOKEN.finditer(normalized)
    ]


def _plain_mark(match: re.Match[str]) -> str:
    return match.group().translate(_APOSTROPHES)



_MATCHERS: WeakKeyDictionary[Gazetteer, Matcher] = WeakKeyDictionary()


def matcher_of(gazetteer: Gazetteer) -> Matcher:
    """The compiled matcher over ``gazetteer`` (built once, then reused while it lives)."""
    matcher = _MATCHERS.get(gazetteer)
    if matcher is None:
        matcher = _MATCHERS[gazetteer] = Matcher(gazetteer)
    return matcher
