"""Persons, states, organisations, posts and places named in a piece of text.

One token trie over every gazetteer alias, built once per gazetteer, finds the longest
match at each position. A second pass then links posts to their holders ("President of
Russia Vladimir Putin", "Robert Mugabe, the President of Zimbabwe"), turns "Title Name"
phrases into new persons ("Deputy Foreign Minister Sergei Ryabkov"), and resolves
surname-only references ("Putin") to a person named in full in the same text or, failing
that, to the one person of that name the gazetteer knows or who was in office that day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from kg.model import Actor, ActorKind, Evidence, Mentions, Place, Post, Span

if TYPE_CHECKING:
    from kg.extract.gazetteer import Entry, Gazetteer, Tenure

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
    "Speaker", "Chairman", "General",
)
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
    "South America", "North America", "Central America",
)
_KIN = {"daughter", "son", "wife", "husband", "widow", "widower", "brother", "sister", "mother",
        "father", "nephew", "niece", "cousin", "grandson", "granddaughter", "children"}
_FORMER = {"former", "ex", "late", "then", "outgoing", "incoming", "future", "acting",
           "interim", "deposed", "ousted", "previous", "erstwhile", "elect"}
_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "das", "do", "dos", "del",
              "della", "di", "van", "von", "der", "den", "la", "le", "du", "ben", "mac", "y",
              "ter", "af", "zu"}
_NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "Of", "And", "But", "For", "To", "By", "With", "As",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "He", "She", "It", "They", "We", "I", "This",
    "That", "These", "Those", "His", "Her", "Their", "Its", "Mr", "Mrs", "Ms", "Dr",
    "Sir", "Lord", "Is", "Was", "Has", "Had", "Will", "Would", "Said", "Says", "Also",
    "Who", "Which", "When", "While", "After", "Before", "Today", "Yesterday",
}
# Surnames that are also everyday words, months or places: only resolved when the full
# name is in the same text, or by a title right before them ("Prime Minister May").
_WORDLIKE_SHORT = {
    "May", "Brown", "Rice", "Major", "Young", "Power", "Gates", "Key", "Wade", "Fox",
    "Hague", "Moon", "Park", "Rich", "Hill", "Castle", "King", "Price", "Blue", "Green",
    "Black", "White", "Gray", "Grey", "Baker", "Cook", "Jordan", "Gordon", "Francis",
    "Ban", "Long", "Little", "Love", "Hope", "Church", "Lane", "Wood", "Rock", "Chad",
}


@dataclass(frozen=True)
class _Leaf:
    form: tuple[str, ...]  # the alias's own tokens, for case checks
    role: str
    names: tuple[str, ...]  # entry names (several for an ambiguous surname)
    strict: bool  # case-sensitive match
    kind: str = ""


@dataclass
class _Match:
    start: int  # token index
    end: int  # token index, exclusive
    role: str
    names: tuple[str, ...]
    kind: str
    resolved: str | None = None  # entry name once resolved
    new_person: str | None = None  # a person the gazetteer does not know
    owner: str | None = None  # the state of a post made up from "Russian" + "Envoy"


class _Token(NamedTuple):
    text: str
    key: str  # casefolded text, the trie key
    start: int
    end: int


class Matcher:
    """The compiled token trie for one gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.root: dict[str, Any] = {}
        entries = list(gazetteer)
        shorts: dict[str, list[str]] = {}
        for entry in entries:
            strict_forms = set(entry.strict)
            for alias in gazetteer.aliases_of(entry):
                tokens = _tokens_of(alias, strip_the=alias != entry.name)
                strict = len(tokens) == 1 or alias in strict_forms or _is_acronym(alias)
                self._add(tokens, _Leaf(tuple(tokens), NAME, (entry.name,), strict, entry.kind))
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

    def scan(self, tokens: list[_Token]) -> list[_Match]:
        """Longest matches, left to right, without overlaps."""
        matches: list[_Match] = []
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
            matches.append(_Match(i, end, leaf.role, names, leaf.kind))
            i = end
        return matches


def _pick(leaves: list[_Leaf]) -> _Leaf:
    order = {NAME: 0, DEMONYM: 1, BLOCK: 2, TITLE: 3, RELATION: 4, SHORT: 5}
    kinds = {"post": 0, "person": 1, "organization": 2, "state": 3, "place": 4}
    return min(leaves, key=lambda lf: (order[lf.role], kinds.get(lf.kind, 5)))


def _fits(leaf: _Leaf, tokens: list[_Token], i: int, j: int) -> bool:
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


def tokenize(text: str) -> list[_Token]:
    """Word and punctuation tokens with their character offsets."""
    normalized = _ODD_MARKS.sub(_plain_mark, text)
    return [
        _NEW_TOKEN(_Token, (m.group(), m.group().casefold(), m.start(), m.end()))
        for m in _TOKEN.finditer(normalized)
    ]


def _plain_mark(match: re.Match[str]) -> str:
    return match.group().translate(_APOSTROPHES)


def recognize(
    text: str, *, on_date: date | None, gazetteer: Gazetteer, field: str = ""
) -> Mentions:
    """The actors, posts and places named in ``text``, in order of first appearance, with
    the evidence for each: its words' offsets in ``text`` (labelled ``field``)."""
    return _Recognizer(gazetteer, on_date).run([text], [field])


def recognize_all(
    texts: list[str], *, on_date: date | None, gazetteer: Gazetteer,
    locations: bool = True, fields: Sequence[str] | None = None,
) -> Mentions:
    """Like ``recognize`` over several texts of one record (headline, body): surnames in one
    resolve to full names in another.

    With ``locations=False`` a state named only to locate a place ("in Vienna, Austria")
    is left out: an event's actors are its participants, and the place has its country.
    ``fields`` names the texts ("headline", "summary"), for the evidence spans.
    """
    return _Recognizer(gazetteer, on_date, locations=locations).run(
        texts, fields if fields is not None else [""] * len(texts)
    )


class _Recognizer:
    def __init__(self, gazetteer: Gazetteer, on_date: date | None, *, locations: bool = True):
        self.gaz = gazetteer
        self.on_date = on_date
        self.locations = locations
        self.matcher: Matcher = gazetteer.matcher()

    def run(self, texts: list[str], fields: Sequence[str]) -> Mentions:
        scanned: list[tuple[str, str, list[_Token], list[_Match]]] = []
        for text, field in zip(texts, fields, strict=True):
            if not text:
                continue
            tokens = tokenize(text)
            scanned.append((text, field, tokens, self.matcher.scan(tokens)))
        full_persons: list[str] = []
        self.anchors: list[str] = []  # persons named for sure: full names, unique surnames
        for _, _, _, matches in scanned:
            for m in matches:
                if m.role == NAME and m.kind == "person":
                    full_persons.extend(m.names)
                    self.anchors.extend(m.names)
                elif m.role == SHORT and len(m.names) == 1:
                    self.anchors.append(m.names[0])
        out = _Collector(self.gaz)
        for text, field, tokens, matches in scanned:
            out.within(text, field, tokens)
            matches = self._compose_posts(tokens, matches)
            self._resolve_shorts(tokens, matches, full_persons)
            self._find_new_persons(tokens, matches)
            self._emit(tokens, matches, out)
        for text, field, tokens, _ in scanned:
            out.within(text, field, tokens)
            for place, start, end in self._pattern_places(text):
                out.place(place, chars=(start, end))
        return out.mentions()

    def _pattern_places(self, text: str) -> list[tuple[Place, int, int]]:
        """Places the gazetteer lacks, told by their form: "Logar Province", "Ledra Street",
        "Allama Iqbal International Airport", "the town of Potiskum"; with their offsets."""
        found: list[tuple[Place, int, int]] = []
        for match in _PLACE_FORMS.finditer(text):
            name = match.group("name") or match.group("town")
            words = name.split()
            owners = [i for i, w in enumerate(words) if w.endswith(("'s", "’s", "'", "’"))]
            if owners:
                words = words[owners[-1] + 1:]  # "Afghanistan's Nangarhar Province"
            while words and words[0] in _NOT_NAMES:
                words = words[1:]
            if not words or (match.group("name") and len(words) < 2):
                continue
            name = " ".join(words)
            # The words left are the end of the matched group, one space apart.
            end = match.end("name") if match.group("name") else match.end("town")
            start = end - len(name)
            known = [e for e in self.gaz.lookup(name) if e.kind == "place"]
            if known:
                found.append((self.gaz.place(known[0].name), start, end))
                continue
            if self.gaz.lookup(name):
                continue  # a state, an organisation or a person of that name
            suffix = words[-1] if match.group("name") else ""
            bare = " ".join(words[:-1])
            if suffix in _ADMINISTRATIVE and any(
                e.kind == "place" for e in self.gaz.lookup(bare)
            ):
                continue  # "Puno Region": the gazetteer's Puno
            found.append((Place(name=name), start, end))
        return found

    # -- surnames --------------------------------------------------------------------
    def _resolve_shorts(
        self, tokens: list[_Token], matches: list[_Match], full_persons: list[str]
    ) -> None:
        for index, m in enumerate(matches):
            if m.role != SHORT:
                continue
            if m.start > 0 and _is_name_word(tokens[m.start - 1].text) and not (
                index > 0 and matches[index - 1].end == m.start
                and matches[index - 1].role in (TITLE, NAME)
            ):
                continue  # "Laura Bush", "Central Park": part of another name
            in_text = [n for n in full_persons if n in m.names]
            if in_text:
                m.resolved = in_text[0]
                continue
            title = matches[index - 1] if index > 0 and matches[index - 1].end == m.start else None
            if title is not None and title.role in (TITLE, NAME) and title.kind in ("title",
                                                                                     "post"):
                holders = self._holders_with_title(m.names, title)
                if len(holders) == 1:
                    m.resolved = holders[0]
                    continue
            if tokens[m.start].text in _WORDLIKE_SHORT:
                continue
            if m.end < len(tokens) and _is_name_word(tokens[m.end].text) and not any(
                x.start == m.end for x in matches
            ):
                continue  # "Howard Dean": the first name of someone else
            if self.on_date is not None:
                serving = [n for n in m.names if self.gaz.posts_held(n, self.on_date)]
                if len(serving) == 1:
                    m.resolved = serving[0]
                    continue
            if len(m.names) == 1:
                m.resolved = m.names[0]
                continue
            contemporaries = self._contemporaries(m.names)
            if len(contemporaries) == 1:
                m.resolved = contemporaries[0]

    def _contemporaries(self, names: tuple[str, ...]) -> list[str]:
        """Of several persons a surname may name, those in office at the same time as the
        persons the text names for sure: an undated "Bush" beside "Putin" is George W. Bush,
        whose presidency overlapped Putin's, not his father."""
        spans = [t for anchor in self.anchors if anchor not in names
                 for t in self._tenures(anchor)]
        if not spans:
            return []
        return [
            name for name in names
            if any(_overlap(t, s) for t in self._tenures(name) for s in spans)
        ]

    def _tenures(self, person: str) -> list[Tenure]:
        return [t for post in self.gaz.posts_held(person) for t in post.holders
                if t.name == person]

    def _holders_with_title(self, names: tuple[str, ...], title: _Match) -> list[str]:
        found = []
        for name in names:
            for post in self.gaz.posts_held(name, self.on_date):
                by_post = title.kind == "post" and post.name in title.names
                by_title = title.kind == "title" and _same_title(post.title, title.names[0])
                if by_post or by_title:
                    found.append(name)
        return list(dict.fromkeys(found))

    # -- "Russian Envoy", "Deputy Prime Minister of the Netherlands" ---------------------
    def _compose_posts(self, tokens: list[_Token], matches: list[_Match]) -> list[_Match]:
        out: list[_Match] = []
        i = 0
        while i < len(matches):
            m = matches[i]
            nxt = matches[i + 1] if i + 1 < len(matches) else None
            if (m.role in (NAME, DEMONYM) and m.kind in ("state", "organization")
                    and nxt is not None and nxt.role == TITLE and _gap(tokens, m, nxt)
                    in ([], ["'", "s"])):
                out.append(self._post_match(m.start, nxt.end, nxt.names[0], m.names[0]))
                i += 2
                continue
            if (m.role == TITLE and nxt is not None and nxt.role == NAME
                    and nxt.kind in ("state", "organization")
                    and [t.key for t in tokens[m.end:nxt.start]] in (["of"], ["of", "the"])):
                out.append(self._post_match(m.start, nxt.end, m.names[0], nxt.names[0]))
                i += 2
                continue
            out.append(m)
            i += 1
        return out

    def _post_match(self, start: int, end: int, title: str, owner: str) -> _Match:
        post_name = f"{_title_case(title)} of {self._owner_phrase(owner)}"
        known = [e for e in self.gaz.lookup(post_name) if e.kind == "post"]
        if known:
            return _Match(start, end, NAME, (known[0].name,), "post")
        return _Match(start, end, NAME, (post_name,), "post", owner=owner)

    # -- "Title Name" ----------------------------------------------------------------
    def _find_new_persons(self, tokens: list[_Token], matches: list[_Match]) -> None:
        starts = {m.start for m in matches}
        for m in list(matches):
            if m.role not in (TITLE, RELATION) and m.kind != "post":
                continue
            after = m.end
            if after < len(tokens) and tokens[after].text == ",":
                if m.kind != "post":
                    continue
                after += 1
            if after in starts:
                continue
            name_end = _name_span(tokens, after, starts)
            if name_end is None or (after > m.end and not _closes_apposition(tokens, name_end)):
                continue
            name = _join(tokens, after, name_end)
            known = self.matcher.prefixes.get(name.casefold(), set())
            if len(known) == 1:
                new = _Match(after, name_end, NAME, (next(iter(known)),), "person")
            else:
                new = _Match(after, name_end, NAME, (), "person")
                new.new_person = name
            matches.append(new)
            starts.add(after)
        matches.sort(key=lambda x: x.start)

    # -- output ----------------------------------------------------------------------
    def _emit(self, tokens: list[_Token], matches: list[_Match], out: _Collector) -> None:
        words = [t.text for t in tokens if t.text[:1].isalpha()]
        title_case = len(words) > 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words)
        for index, m in enumerate(matches):
            prev = matches[index - 1] if index > 0 else None
            nxt = matches[index + 1] if index + 1 < len(matches) else None
            if m.role == BLOCK:
                continue
            if m.new_person is not None:
                out.person(Actor(name=m.new_person, kind=ActorKind.PERSON), at=m)
                continue
            if m.role == SHORT:
                if m.resolved:
                    out.actor(m.resolved, at=m)
                continue
            if m.role == DEMONYM:
                if not self.locations and (
                    _locates_by_demonym(tokens, m) or self._people_demonym(tokens, m)
                ):
                    continue
                out.actor(m.names[0], at=m)
                continue
            if m.role == NAME and m.kind in ("person", "state", "organization"):
                if m.kind == "state" and (
                    self._doubtful_state(tokens, m, matches)
                    or _not_the_state(tokens, m, matches, title_case)
                ):
                    continue
                if not self.locations and m.kind in ("state", "organization") \
                        and _locates(tokens, m, matches):
                    continue
                out.actor(m.names[0], at=m)
                continue
            if m.role == NAME and m.kind == "place":
                state = self._government_seat(tokens, m, matches)
                if state is not None:
                    out.actor(state, at=m)  # "Moscow warns Washington": the states act
                else:
                    out.place(self.gaz.place(m.names[0]), at=m)
                continue
            if m.role == NAME and m.kind == "post":
                self._emit_post(tokens, m, prev, nxt, out)
                continue
            if m.role == TITLE:
                self._emit_title(tokens, m, prev, nxt, out)
            elif m.role == RELATION:
                self._emit_relation(tokens, m, prev, nxt, out)

    def _government_seat(
        self, tokens: list[_Token], m: _Match, matches: list[_Match]
    ) -> str | None:
        """The state a capital (or "the Kremlin") stands for when the text makes it act:
        the subject of a verb of statement or policy ("Tokyo will set up an aid fund",
        "Washington and Moscow fail to agree"), or the other side of talks, ties or
        sanctions ("talks with Pyongyang"), or the object of a warning or an accusation.
        Elsewhere it is the city ("talks in Moscow",
        "trains between Paris and London are delayed")."""
        entry = self.gaz.get(m.names[0])
        if entry is None or not entry.seat or entry.country is None:
            return None
        k = m.start - 1
        if k >= 0 and tokens[k].key == "the":
            k -= 1
        if k >= 1 and tokens[k].key in {"with", "against", "on"} \
                and tokens[k - 1].key in _RELATION_NOUNS:
            return entry.country
        if k >= 0 and tokens[k].key in _GOVERNMENT_OBJECT_VERBS:  # "Moscow warns Washington"
            return entry.country
        # Over a coordination of seats and states ("Washington and Moscow"), to the verb.
        end, by_start = m.end, {x.start: x for x in matches}
        while end + 1 < len(tokens) and tokens[end].key in {"and", ","}:
            other = by_start.get(end + 1)
            if other is None or other.kind not in ("place", "state"):
                break
            end = other.end
        if end < len(tokens) and tokens[end].key in _GOVERNMENT_VERBS:
            return entry.country
        return None

    def _people_demonym(self, tokens: list[_Token], m: _Match) -> bool:
        """ "Palestinian protesters", "Syrian migrants", "Greek and Turkish Cypriots": people
        of a nation, not its state, take part."""
        head = _demonym_head(tokens, m.end)
        if head in _PEOPLE_NOUNS:
            return True
        entry = self.gaz.get(m.names[0])
        singulars = {d.casefold() for d in entry.demonyms} if entry is not None else set()
        plural = [t.key for t in tokens[m.start:m.end]]
        if plural[-1].endswith("s") and " ".join(plural)[:-1].replace(" - ", "-") in {
            d.replace(" - ", "-") for d in singulars
        }:
            return True  # "Palestinians", "Turkish Cypriots"
        i = _head_index(tokens, m.end)
        # "Greek and Turkish Cypriots": a coordinated demonym shares a plural nationality.
        return i > m.end and i < len(tokens) and tokens[i].text[:1].isupper() \
            and tokens[i].text.endswith("s")

    def _doubtful_state(self, tokens: list[_Token], m: _Match, matches: list[_Match]) -> bool:
        """ "Jordan Peterson", "Chad Smith", "Atlanta, Georgia": a state name that is also a
        first name or a US state, read from the words around it."""
        entry = self.gaz.get(m.names[0])
        if entry is None or not entry.ambiguous or m.end - m.start != 1:
            return False
        starts = {x.start for x in matches}
        ends = {x.end for x in matches}
        after = m.end
        if after < len(tokens) and _is_name_word(tokens[after].text) and after not in starts:
            return True  # a following capitalised word that is nothing we know: a name
        if m.start >= 2 and tokens[m.start - 1].text == "," and _is_name_word(
            tokens[m.start - 2].text
        ) and (m.start - 1) not in ends:
            return True  # "Atlanta, Georgia": a place we do not know, then the name
        before = m.start - 1
        return before >= 0 and _is_name_word(tokens[before].text) and m.start not in ends \
            and before not in {x.end - 1 for x in matches}

    def _holder_after(self, tokens: list[_Token], m: _Match, nxt: _Match | None) -> Actor | None:
        if nxt is None:
            return None
        gap = [t.text for t in tokens[m.end:nxt.start]]
        if gap == [","] and (nxt.role != NAME or not _closes_apposition(tokens, nxt.end)):
            return None  # "the President of Russia, Bush said": not an apposition
        if gap not in ([], [","]):
            return None
        return self._person_of(nxt)

    def _holder_before(
        self, tokens: list[_Token], m: _Match, prev: _Match | None
    ) -> Actor | None:
        """ "Robert Mugabe, the President of Zimbabwe" """
        if prev is None:
            return None
        gap = [t.text for t in tokens[prev.end:m.start]]
        if len(gap) < 1 or gap[0] != "," or len(gap) > 4:
            return None
        if len(gap) > 1 and gap[1].casefold() != "the":
            return None
        if any(w.casefold() in _FORMER for w in gap):
            return None
        return self._person_of(prev)

    def _person_of(self, m: _Match) -> Actor | None:
        if m.new_person is not None:
            return Actor(name=m.new_person, kind=ActorKind.PERSON)
        if m.role == NAME and m.kind == "person":
            return self.gaz.actor(m.names[0])
        if m.role == SHORT and m.resolved:
            return self.gaz.actor(m.resolved)
        return None

    def _emit_post(
        self, tokens: list[_Token], m: _Match, prev: _Match | None, nxt: _Match | None,
        out: _Collector,
    ) -> None:
        name = m.names[0]
        holder = self._holder_after(tokens, m, nxt) or self._holder_before(tokens, m, prev)
        if m.owner is not None:
            if holder is not None:  # a made-up post only counts with someone holding it
                out.post(Post(name=name, state=self.gaz.actor(m.owner), holder=holder), at=m)
            return
        if holder is None and not _qualified(tokens, m):
            holder = self.gaz.post_holder(name, self.on_date)
            if holder is not None:
                out.person(holder, at=m)  # "the Russian President": the words name him
        out.post(self.gaz.post(name, holder=holder), at=m)

    def _emit_title(
        self, tokens: list[_Token], m: _Match, prev: _Match | None, nxt: _Match | None,
        out: _Collector,
    ) -> None:
        """A bare title before a known person: the post of that title the person held."""
        holder = self._holder_after(tokens, m, nxt)
        if holder is None or self.gaz.get(holder.name) is None:
            return
        for post in self.gaz.posts_held(holder.name, self.on_date):
            if _same_title(post.title, m.names[0]):
                # "President Vladimir Putin": the title and the name say which post.
                out.post(self.gaz.post(post.name, holder=holder), at=m, until=nxt)
                return

    def _owner_phrase(self, state: str) -> str:
        entry = self.gaz.get(state)
        if entry is not None and entry.kind == "state":
            for form in (entry.name, *entry.aliases):
                if form.startswith("the "):
                    return form
            for prefix in ("United ", "Republic ", "Democratic ", "Holy ", "Czech "):
                if entry.name.startswith(prefix):
                    return f"the {entry.name}"
            if entry.name.endswith(("Islands", "Emirates", "Netherlands", "Philippines",
                                    "Bahamas", "Gambia", "Comoros", "Maldives", "Seychelles")):
                return f"the {entry.name}"
        return state

    def _emit_relation(
        self, tokens: list[_Token], m: _Match, prev: _Match | None, nxt: _Match | None,
        out: _Collector,
    ) -> None:
        holder = self._holder_after(tokens, m, nxt)
        if holder is None or prev is None or prev.end != m.start:
            return
        principal = self._person_of(prev)
        if principal is None:
            return
        role = _title_case(m.names[0]).replace("Advisor", "Adviser")
        posts = self.gaz.posts_held(principal.name, self.on_date) if self.on_date else []
        if posts:
            post_name = f"{role} to the {posts[0].name}"
            state = self.gaz.actor(posts[0].of) if posts[0].of else None
        else:
            post_name = f"{role} to {principal.name}"
            state = None
        known = [e for e in self.gaz.lookup(post_name) if e.kind == "post"]
        post = self.gaz.post(known[0].name, holder=holder) if known else Post(
            name=post_name, state=state, holder=holder)
        out.post(post, at=prev, until=nxt)  # "Putin adviser Sergei Prikhodko"


_ADMINISTRATIVE = {"Province", "Region", "Prefecture", "Governorate", "Oblast", "District"}
_FACILITIES = ("International Airport", "Airport", "Street", "Stadium", "Square")
_PLACE_FORMS = re.compile(
    r"\b(?P<name>(?:[A-Z][\w'’-]+ ){1,4}(?:"
    + "|".join(sorted(_ADMINISTRATIVE)) + "|" + "|".join(_FACILITIES)
    + r"))\b|\b(?:town|city|village) of (?P<town>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)"
)
# Nouns after a demonym or before "of" + a state that make the state a location or a
# nationality: "the Saudi-Yemeni border", "the coast of Portugal", "citizens of Oman".
_BORDER_NOUNS = {"border", "borders", "frontier", "coast", "coastline", "waters"}
_PEOPLE_NOUNS = {
    "citizen", "citizens", "national", "nationals", "migrant", "migrants", "refugee",
    "refugees", "protester", "protesters", "protestors", "demonstrators", "pilgrim",
    "pilgrims", "civilian", "civilians", "tourist", "tourists", "worker", "workers",
    "student", "students", "fishermen", "passengers", "residents", "immigrants", "man", "men",
    "woman", "women", "child", "children", "family", "families", "people", "hostages",
    "climbers", "villagers", "asylum",
}
# Verbs whose subject, when it is a capital, is the government: "Moscow warns ...".
_GOVERNMENT_VERBS = {
    "says", "said", "warns", "warned", "accuses", "accused", "rejects", "rejected", "urges",
    "urged", "denies", "denied", "condemns", "condemned", "agrees", "agreed", "agree", "fail",
    "fails", "failed", "signs", "signed", "sign", "threatens", "threatened", "expels",
    "expelled", "recalls", "recalled", "imposes", "imposed", "impose", "protests",
    "protested", "insists", "insisted", "refuses", "refused", "announces", "announced",
    "confirms", "confirmed", "will", "plans", "planned", "demands", "demanded", "responds",
    "responded", "retaliates", "retaliated", "summons", "summoned", "welcomes", "welcomed",
    "criticizes", "criticised", "criticises", "criticized", "blames", "blamed", "vows",
    "vowed", "pledges", "pledged", "offers", "offered", "sends", "sent", "seeks", "sought",
    "hopes", "wants", "calls", "called", "backs", "backed", "opposes", "opposed",
    "recognizes", "recognises", "recognized", "recognised", "suspends", "suspended",
}
# Verbs whose object, when it is a capital, is the government.
_GOVERNMENT_OBJECT_VERBS = {
    "warns", "warned", "accuses", "accused", "urges", "urged", "condemns", "condemned",
    "criticizes", "criticises", "criticized", "criticised", "blames", "blamed", "threatens",
    "threatened", "backs", "backed", "opposes", "opposed", "recognizes", "recognises",
    "recognized", "recognised", "sanctions", "sanctioned", "pressures", "pressured",
}
# The other side of these, when it is a capital, is its government: "talks with Pyongyang".
_RELATION_NOUNS = {
    "talks", "relations", "ties", "dispute", "negotiations", "deal", "tensions", "row",
    "standoff", "sanctions", "pressure", "cooperation", "agreement", "accord", "treaty",
}
_DISCUSS = {"discuss", "discusses", "discussed", "discussing", "discussion", "discussions",
            "talks", "about", "regarding", "concerning", "situation"}
_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
               "central", "northeastern", "northwestern", "southeastern", "southwestern",
               "northeast", "northwest", "southeast", "southwest", "mainland", "rural"}
_PLACE_NOUNS = {"town", "city", "village", "province", "region", "capital", "port", "island",
                "district", "state", "county", "resort"}


def _not_the_state(
    tokens: list[_Token], m: _Match, matches: list[_Match], title_case: bool
) -> bool:
    """A state name inside another name or a currency: "Portugal Telecom", "US Masters",
    "US$831,200". (Not in Title Case text, where every word is capitalised.)"""
    after = m.end
    if after >= len(tokens):
        return False
    if tokens[after].text == "$" and tokens[after].start == tokens[after - 1].end:
        return True
    return not title_case and _is_name_word(tokens[after].text) \
        and all(x.start != after for x in matches)


def _locates_by_demonym(tokens: list[_Token], m: _Match) -> bool:
    """ "the Nigerian town of Potiskum": a demonym that only says where a place is."""
    return _demonym_head(tokens, m.end) in _PLACE_NOUNS | _BORDER_NOUNS | {"prefecture"}


def _demonym_head(tokens: list[_Token], end: int) -> str:
    """The word a demonym or state qualifies, past coordinated ones: "Saudi-Yemeni border"
    and "Afghanistan-Tajikistan border" give "border", "Greek and Turkish Cypriots"
    gives "cypriots"."""
    i = _head_index(tokens, end)
    return tokens[i].key if i < len(tokens) else ""


def _head_index(tokens: list[_Token], end: int) -> int:
    i = end
    while i + 1 < len(tokens) and tokens[i].text in {"-", "and", "/"} \
            and tokens[i + 1].text[:1].isupper():
        i += 2
    return i


def _owns_a_place(tokens: list[_Token], start: int) -> bool:
    """Whether the words after "State's" name a place ("Yunnan province", "quake-prone
    Ishkashim district") rather than a thing of the state ("attitude at talks")."""
    for token in tokens[start:start + 4]:
        if token.key in {"at", "on", "in", "of", "for", "with", "to", "and", ",", "."}:
            return False
        if token.text[:1].isupper() or token.key in _PLACE_NOUNS:
            return True
    return False


def _locates_in(tokens: list[_Token], m: _Match) -> bool:
    """ "floods in Japan", "in northern Iraq", "in the Democratic Republic of the Congo",
    "the coast of Portugal", "citizens of Oman", "Yemen-based", "the Afghanistan-Tajikistan
    border": words that make a state the scene or a nationality, not a participant."""
    after = tokens[m.end:m.end + 2]
    if after and (after[0].key == "based" or [t.key for t in after] == ["-", "based"]):
        return True
    if _demonym_head(tokens, m.end) in _BORDER_NOUNS:
        return True
    k = m.start - 1
    if k >= 0 and tokens[k].key == "the":
        k -= 1
    if k >= 0 and tokens[k].key in _DIRECTIONS:
        k -= 1
    if k >= 0 and tokens[k].key in {"in", "across", "throughout"}:
        # "discuss the uprising in Syria": the state is what is discussed.
        if any(t.key in _DISCUSS for t in tokens[max(0, k - 8):k]):
            return False
        if [t.text for t in tokens[m.end:m.end + 2]] == ["'", "s"]:
            return _owns_a_place(tokens, m.end + 2)  # "in China's Yunnan province"
        return True
    return k >= 1 and tokens[k].key == "of" and tokens[k - 1].key in (
        _PEOPLE_NOUNS | _BORDER_NOUNS | {"part", "parts", "rest"}
    )


def _locates(tokens: list[_Token], m: _Match, matches: list[_Match]) -> bool:
    """Whether a state is named only to locate the place before it: "Vienna, Austria",
    "Benzdorp, Suriname", or is a dateline ("UNITED NATIONS (AP) —"). ("Yemen's capital"
    and "in northern Iraq" stay: in "warplanes bomb Yemen's capital" the state is the
    target.)"""
    if m.start == 0 and m.end < len(tokens) and tokens[m.end].text in {",", "("} and all(
        not c.islower() for t in tokens[:m.end] for c in t.text
    ):
        return True
    if m.kind == "state" and _locates_in(tokens, m):
        return True
    if m.kind != "state" or m.start < 2 or tokens[m.start - 1].text != ",":
        return False
    before = next((x for x in matches if x.end == m.start - 1), None)
    if before is not None:
        return before.kind == "place"
    return _is_name_word(tokens[m.start - 2].text)  # a place the gazetteer does not know


def _overlap(a: Tenure, b: Tenure) -> bool:
    """Whether two tenures share a day (ends exclusive, None still in office)."""
    return (b.end is None or a.start < b.end) and (a.end is None or b.start < a.end)


def _gap(tokens: list[_Token], left: _Match, right: _Match) -> list[str]:
    return [t.text for t in tokens[left.end:right.start]]


def _same_title(post_title: str | None, title: str) -> bool:
    if not post_title:
        return False

    def norm(text: str) -> str:
        return text.casefold().replace("-", " ").replace("defence", "defense")

    return norm(post_title) == norm(title)


def _title_case(title: str) -> str:
    return " ".join(w if w[:1].isupper() else w.capitalize() for w in title.split())


def _qualified(tokens: list[_Token], m: _Match) -> bool:
    """Whether words around a post make its holder someone other than the one in office."""
    before = [t.key for t in tokens[max(0, m.start - 3):m.start]]
    after = [t.key for t in tokens[m.end:m.end + 2]]
    if any(w in _FORMER for w in before):
        return True
    if "of" in before and any(w in _KIN for w in before):
        return True  # "the eldest daughter of the President of Angola" is not the President
    return after[:2] == ["-", "elect"] or (after[:1] == ["elect"])


def _closes_apposition(tokens: list[_Token], end: int) -> bool:
    """Whether a name ending at ``end`` closes an apposition ("..., Vladimir Putin, said")."""
    return end >= len(tokens) or tokens[end].text in {",", ".", ")", ";", ":"} \
        or tokens[end].key == "and"


def _is_name_word(text: str) -> bool:
    return (
        text[:1].isupper()
        and any(c.islower() for c in text)
        and text not in _NOT_NAMES
    )


def _name_span(tokens: list[_Token], start: int, starts: set[int]) -> int | None:
    """The end of a personal name ("Sergei Ryabkov", "Yun Byung-se") starting at ``start``."""
    i = start
    words = 0
    count = len(tokens)
    while i < count:
        text = tokens[i].text
        if _is_name_word(text) and (i == start or i not in starts):
            words += 1
            i += 1
        elif len(text) == 1 and text.isupper() and i + 1 < count and tokens[i + 1].text == ".":
            words += 1  # an initial: "George W. Bush"
            i += 2
        elif text.casefold() in _PARTICLES and words and i + 1 < count and (
            _is_name_word(tokens[i + 1].text)
            or (tokens[i + 1].text == "-" and i + 2 < count)
        ):
            i += 1
        elif text == "-" and words and i + 1 < count and tokens[i + 1].text.isalpha() \
                and tokens[i].start == tokens[i - 1].end and tokens[i + 1].start == tokens[i].end:
            i += 2  # "Byung-se", "al-Bashir"
        else:
            break
        if words > 5:
            return None
    if words < 2:
        return None
    return i


def _join(tokens: list[_Token], start: int, end: int) -> str:
    parts: list[str] = []
    for k in range(start, end):
        if k > start and tokens[k].start > tokens[k - 1].end:
            parts.append(" ")
        parts.append(tokens[k].text)
    return "".join(parts)


class _Collector:
    """Deduplicating, order-keeping accumulator for one record's mentions and their
    evidence (the words of each match, as offsets into the text being read)."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.actors: dict[tuple[ActorKind, str], Actor] = {}
        self.posts: dict[str, Post] = {}
        self.places: dict[str, Place] = {}
        self.evidence: dict[tuple[object, ...], Evidence] = {}
        self._text = ""
        self._field = ""
        self._tokens: list[_Token] = []

    def within(self, text: str, field: str, tokens: list[_Token]) -> None:
        """Matches from now on are in ``text``, the record's ``field``."""
        self._text, self._field, self._tokens = text, field, tokens

    def actor(self, name: str, *, at: _Match | None = None) -> None:
        actor = self.gaz.actor(name)
        self.actors.setdefault((actor.kind, actor.name), actor)
        self._evidence(actor, at)

    def person(self, actor: Actor, *, at: _Match | None = None) -> None:
        self.actors.setdefault((actor.kind, actor.name), actor)
        self._evidence(actor, at)

    def post(self, post: Post, *, at: _Match | None = None, until: _Match | None = None) -> None:
        self._evidence(post, at, until)
        key = f"{post.name}\x00{post.holder.name if post.holder else ''}"
        if post.holder is not None:
            self.person(post.holder)
            self.posts.pop(f"{post.name}\x00", None)
        elif any(k.startswith(f"{post.name}\x00") for k in self.posts):
            return
        self.posts.setdefault(key, post)

    def place(
        self, place: Place, *, at: _Match | None = None, chars: tuple[int, int] | None = None
    ) -> None:
        self.places.setdefault(place.name, place)
        if chars is not None:
            self._add_evidence(place, *chars)
        else:
            self._evidence(place, at)

    def _evidence(
        self, target: Actor | Post | Place, at: _Match | None, until: _Match | None = None
    ) -> None:
        if at is not None:
            last = until if until is not None and until.end > at.end else at
            self._add_evidence(target, self._tokens[at.start].start,
                               self._tokens[last.end - 1].end)

    def _add_evidence(self, target: Actor | Post | Place, start: int, end: int) -> None:
        span = Span(start, end, self._text[start:end], self._field)
        self.evidence.setdefault(evidence_key(target, span), Evidence(target, span))

    def mentions(self) -> Mentions:
        return Mentions(
            actors=tuple(self.actors.values()),
            posts=tuple(self.posts.values()),
            places=tuple(self.places.values()),
            evidence=tuple(self.evidence.values()),
        )


def evidence_key(target: Actor | Post | Place, span: Span) -> tuple[object, ...]:
    """What makes two pieces of evidence the same: the same node named by the same words."""
    if isinstance(target, Actor):
        who: tuple[object, ...] = ("actor", target.kind, target.name)
    else:
        who = (type(target).__name__, target.name)
    return (*who, span.field, span.start, span.end)


def merge_mentions(*parts: Mentions) -> Mentions:
    """Several Mentions as one, first appearance first, without duplicates."""
    actors: dict[tuple[ActorKind, str], Actor] = {}
    posts: dict[str, Post] = {}
    topics: dict[str, None] = {}
    seen_topics: set[str] = set()
    places: dict[str, Place] = {}
    evidence: dict[tuple[object, ...], Evidence] = {}
    for part in parts:
        for item in part.evidence:
            evidence.setdefault(evidence_key(item.target, item.span), item)
        for actor in part.actors:
            actors.setdefault((actor.kind, actor.name), actor)
        for post in part.posts:
            holder = post.holder.name if post.holder else ""
            if holder:
                posts.pop(f"{post.name}\x00", None)
            elif any(k.startswith(f"{post.name}\x00") for k in posts):
                continue
            posts.setdefault(f"{post.name}\x00{holder}", post)
        for topic in part.topics:
            if topic.casefold() not in seen_topics:
                seen_topics.add(topic.casefold())
                topics.setdefault(topic, None)
        for place in part.places:
            places.setdefault(place.name, place)
    return Mentions(
        actors=tuple(actors.values()),
        posts=tuple(posts.values()),
        topics=tuple(topics),
        places=tuple(places.values()),
        evidence=tuple(evidence.values()),
    )
