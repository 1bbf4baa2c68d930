"""The gazetteer: known persons, states, organisations, posts and places, with their aliases.

The shipped list lives in ``kg/data/gazetteer.json``; users add or amend entries with
their own files of the same form (``load_gazetteer(extra_paths=[...])``). An entry is::

    {"kind": "person", "name": "Vladimir Putin", "qid": "Q7747",
     "aliases": ["Vladimir Vladimirovich Putin"], "short": ["Putin"]}

Kinds are ``person``, ``state``, ``organization``, ``post`` and ``place``. States also
carry ``demonyms`` ("Russian", "Russians"); posts carry ``of`` (the state or organisation
they belong to), ``title`` ("President") and ``holders`` with tenures; places carry
``country``. From a post's ``title`` and its state's names and demonyms the gazetteer
derives the usual phrasings ("Russian President", "President of Russia").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kg.model import Actor, ActorKind, Place, Post
from kg.nesting import load_json

KINDS = ("person", "state", "organization", "post", "place")
ACTOR_KINDS = {
    "person": ActorKind.PERSON,
    "state": ActorKind.STATE,
    "organization": ActorKind.ORGANIZATION,
}
_QID = re.compile(r"^Q[1-9][0-9]*$")
_FIELDS = {
    "kind", "name", "qid", "aliases", "demonyms", "wikipedia", "of", "title", "holders",
    "country", "short", "strict", "ambiguous", "seat", "note",
}
_LIST_FIELDS = ("aliases", "demonyms", "short", "strict")
_WIKI_HOST = re.compile(r"^(?:[a-z]+\.)?(?:m\.)?wikipedia\.org$")

#: The largest gazetteer file read (the shipped one is well under 1 MiB).
MAX_GAZETTEER_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Tenure:
    """One period in which a person held a post; ``end`` None means still in office."""

    name: str
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        """Whether the person held the post on ``day`` (start inclusive, end exclusive)."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry, as read from a data file."""

    kind: str
    name: str
    qid: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    wikipedia: str | None = None
    of: str | None = None
    title: str | None = None
    holders: tuple[Tenure, ...] = ()
    country: str | None = None
    short: tuple[str, ...] | None = None
    strict: tuple[str, ...] = ()
    ambiguous: bool = False
    seat: bool = False  # a place that stands for its country's government ("Moscow", "the Kremlin")
    source: str = field(default="", compare=False)


class Gazetteer:
    """Entries by name, alias, Wikipedia title and QID, plus post tenures."""

    def __init__(self, entries: Iterable[Entry]):
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            self._entries[entry.name] = entry
        self._by_wiki: dict[str, Entry] = {}
        self._by_alias: dict[str, list[Entry]] = {}
        self._posts_by_holder: dict[str, list[Entry]] = {}
        self._by_demonym: dict[str, Entry] = {}
        for entry in self._entries.values():
            for demonym in entry.demonyms if entry.kind == "state" else ():
                self._by_demonym.setdefault(demonym, entry)
            if entry.wikipedia:
                self._by_wiki.setdefault(wikipedia_key(entry.wikipedia), entry)
            for alias in self.aliases_of(entry):
                bucket = self._by_alias.setdefault(alias.casefold(), [])
                if entry not in bucket:
                    bucket.append(entry)
            for tenure in entry.holders:
                held = self._posts_by_holder.setdefault(tenure.name, [])
                if entry not in held:
                    held.append(entry)
        self._actors: dict[str, Actor] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str) -> Entry | None:
        """The entry with this canonical name."""
        return self._entries.get(name)

    def entries(self, kind: str | None = None) -> list[Entry]:
        """All entries, or those of one kind, in file order."""
        return [e for e in self._entries.values() if kind is None or e.kind == kind]

    def aliases_of(self, entry: Entry) -> list[str]:
        """Every surface form that names ``entry`` itself (no surnames, no demonyms)."""
        forms = [entry.name, *entry.aliases]
        if entry.kind == "post":
            forms.extend(self._post_phrasings(entry))
        return list(dict.fromkeys(f for f in forms if f))

    def _post_phrasings(self, post: Entry) -> list[str]:
        owner = self._entries.get(post.of or "")
        if not post.title or owner is None:
            return []
        title = post.title
        names = [owner.name, *owner.aliases]
        adjectives = [d for d in owner.demonyms if not d.endswith("s") or d.endswith("ss")]
        forms: list[str] = []
        for name in names:
            forms.append(f"{title} of {name}")
            if not name.startswith("the "):
                forms.append(f"{title} of the {name}")
            bare = name.removeprefix("the ")
            if len(bare) <= 4 or bare.isupper() or "." in bare:
                forms.append(f"{bare} {title}")  # "U.S. President", "UK Prime Minister"
        forms.extend(f"{adjective} {title}" for adjective in adjectives)
        return forms

    def lookup(self, text: str) -> list[Entry]:
        """Entries whose name or alias is ``text``, case-insensitively, best first."""
        found = self._by_alias.get(" ".join(text.split()).casefold(), [])
        exact = [e for e in found if text in (e.name, *e.aliases)]
        return exact + [e for e in found if e not in exact]

    def lookup_demonym(self, text: str) -> Entry | None:
        """The state whose demonym is ``text`` ("Italian" -> Italy)."""
        return self._by_demonym.get(text)

    def by_wikipedia(self, url: str) -> Entry | None:
        """The entry for a Wikipedia article URL (any language host, any URL quoting)."""
        key = wikipedia_key(url)
        if not key:
            return None
        entry = self._by_wiki.get(key)
        if entry is not None:
            return entry
        title = key.split("#", 1)[0].replace("_", " ")
        candidates = [e for e in self.lookup(title) if e.kind != "post" or e.name == title]
        if candidates:
            return candidates[0]
        # "Al-Shabaab_(militant_group)": a disambiguated title of an organisation we know.
        bare = re.sub(r"\s*\([^)]*\)$", "", title)
        if bare != title:
            for entry in self.lookup(bare):
                if entry.kind == "organization":
                    return entry
        return None

    def by_qid(self, qid: str) -> Entry | None:
        """The entry with this Wikidata QID."""
        for entry in self._entries.values():
            if entry.qid == qid:
                return entry
        return None

    def actor(self, name: str) -> Actor:
        """The Actor for a person, state or organisation entry (KeyError if there is none)."""
        actor = self._actors.get(name)
        if actor is None:
            entry = self._entries[name]
            if entry.kind not in ACTOR_KINDS:
                raise KeyError(f"{name!r} is a {entry.kind}, not an actor")
            actor = Actor(
                name=entry.name,
                kind=ACTOR_KINDS[entry.kind],
                qid=entry.qid,
                wikipedia=entry.wikipedia,
                aliases=entry.aliases,
            )
            self._actors[name] = actor
        return actor

    def place(self, name: str) -> Place:
        """The Place for a place entry."""
        entry = self._entries[name]
        return Place(name=entry.name, qid=entry.qid, country=entry.country)

    def post(self, name: str, *, holder: Actor | None = None) -> Post:
        """The Post for a post entry, with the given holder."""
        entry = self._entries[name]
        state = self.actor(entry.of) if entry.of in self._entries else None
        return Post(name=entry.name, qid=entry.qid, state=state, holder=holder)

    def post_holder(self, post: str | Post, on_date: date | None) -> Actor | None:
        """Who held ``post`` on ``on_date``, if the tenures say so."""
        if on_date is None:
            return None
        name = post.name if isinstance(post, Post) else post
        entry = self._entries.get(name)
        if entry is None:
            return None
        for tenure in entry.holders:
            if tenure.covers(on_date) and tenure.name in self._entries:
                return self.actor(tenure.name)
        return None

    def posts_held(self, person: str, on_date: date | None = None) -> list[Entry]:
        """The posts ``person`` held on ``on_date`` (every post ever held when None)."""
        posts = self._posts_by_holder.get(person, [])
        if on_date is None:
            return list(posts)
        return [
            p for p in posts if any(t.name == person and t.covers(on_date) for t in p.holders)
        ]


def wikipedia_key(url: str) -> str:
    """A Wikipedia URL or title as a comparable key ("Vladimir_Putin")."""
    text = url.strip()
    if "://" in text or text.startswith("//"):
        parts = urlsplit(text if "://" in text else "https:" + text)
        if not _WIKI_HOST.match(parts.netloc.lower()) or not parts.path.startswith("/wiki/"):
            return ""
        text = parts.path[len("/wiki/"):] + (f"#{parts.fragment}" if parts.fragment else "")
    text = unicodedata.normalize("NFC", unquote(text)).replace(" ", "_").strip("_")
    return text[:1].upper() + text[1:]


@cache
def _shipped_entries() -> tuple[Entry, ...]:
    ref = resources.files("kg") / "data" / "gazetteer.json"
    return tuple(_parse_file(ref.read_text(encoding="utf-8"), "kg/data/gazetteer.json"))


def load_gazetteer(extra_paths: Sequence[Path | str] = ()) -> Gazetteer:
    """The shipped gazetteer merged with user files (later files override earlier ones).

    Raises:
        ValueError: naming the file and the entry, when an entry is malformed or refers
            to a name that no entry has.
    """
    if not extra_paths:
        return _default_gazetteer()
    merged: dict[tuple[str, str], Entry] = {(e.kind, e.name): e for e in _shipped_entries()}
    for path in extra_paths:
        path = Path(path)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_GAZETTEER_BYTES + 1)
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read gazetteer file: {exc}") from exc
        if len(data) > MAX_GAZETTEER_BYTES:
            raise ValueError(f"{path}: a gazetteer file may hold at most "
                             f"{MAX_GAZETTEER_BYTES // 2**20} MiB")
        for entry in _parse_file(text, str(path)):
            key = (entry.kind, entry.name)
            merged[key] = _merge(merged[key], entry) if key in merged else entry
    kinds: dict[str, Entry] = {}
    for entry in merged.values():
        other = kinds.setdefault(entry.name, entry)
        if other is not entry:
            raise ValueError(
                f"{entry.source}: entry {entry.name!r} is a {entry.kind}, but {other.source} "
                f"already has a {other.kind} of that name"
            )
    gazetteer = Gazetteer(merged.values())
    check_references(gazetteer)
    return gazetteer


@cache
def _default_gazetteer() -> Gazetteer:
    gazetteer = Gazetteer(_shipped_entries())
    check_references(gazetteer)
    return gazetteer


def _merge(base: Entry, update: Entry) -> Entry:
    """A user entry with the same kind and name: given fields override, lists extend."""
    changes: dict[str, Any] = {"source": update.source}
    for name in ("qid", "wikipedia", "of", "title", "country"):
        value = getattr(update, name)
        if value is not None:
            changes[name] = value
    for name in ("aliases", "demonyms", "strict"):
        changes[name] = tuple(dict.fromkeys((*getattr(base, name), *getattr(update, name))))
    if update.short is not None:
        changes["short"] = tuple(dict.fromkeys((*(base.short or ()), *update.short)))
    if update.holders:
        changes["holders"] = tuple(dict.fromkeys((*base.holders, *update.holders)))
    if update.ambiguous:
        changes["ambiguous"] = True
    if update.seat:
        changes["seat"] = True
    return replace(base, **changes)


def check_references(gazetteer: Gazetteer) -> None:
    """Raise ValueError if a post's ``of``, a holder or a place's country names no entry."""
    for entry in gazetteer:
        where = f"{entry.source}: entry {entry.name!r}"
        if entry.of is not None:
            owner = gazetteer.get(entry.of)
            if owner is None or owner.kind not in ("state", "organization"):
                raise ValueError(f"{where}: 'of' names no state or organization: {entry.of!r}")
        for tenure in entry.holders:
            holder = gazetteer.get(tenure.name)
            if holder is None or holder.kind != "person":
                raise ValueError(f"{where}: holder {tenure.name!r} is not a person entry")
        if entry.country is not None:
            country = gazetteer.get(entry.country)
            if country is None or country.kind != "state":
                raise ValueError(f"{where}: 'country' names no state: {entry.country!r}")


def _parse_file(text: str, source: str) -> Iterator[Entry]:
    try:
        data = load_json(text, path=source)  # a ParseError (a ValueError) if nested too deep
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON: {exc}") from exc
    if isinstance(data, Mapping):
        data = data.get("entries")
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a list of entries or an object with 'entries'")
    for number, raw in enumerate(data, start=1):
        yield _parse_entry(raw, f"{source}: entry {number}")


def _parse_entry(raw: Any, where: str) -> Entry:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: 'name' must be a non-empty string")
    where = f"{where} ({name!r})"
    unknown = set(raw) - _FIELDS - {"source"}
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    qid = raw.get("qid")
    if qid is not None and (not isinstance(qid, str) or not _QID.match(qid)):
        raise ValueError(f"{where}: 'qid' must look like Q123, got {qid!r}")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_FIELDS:
        value = raw.get(key, [])
        if value is None and key == "short":
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValueError(f"{where}: {key!r} must be a list of non-empty strings")
        lists[key] = tuple(value)
    texts: dict[str, str | None] = {}
    for key in ("wikipedia", "of", "title", "country"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"{where}: {key!r} must be a non-empty string")
        texts[key] = value
    if kind == "post" and not texts["of"]:
        raise ValueError(f"{where}: a post needs 'of' (the state or organization it belongs to)")
    if kind != "post" and (raw.get("holders") or texts["of"] or texts["title"]):
        raise ValueError(f"{where}: only posts have 'of', 'title' and 'holders'")
    ambiguous = raw.get("ambiguous", False)
    seat = raw.get("seat", False)
    if not isinstance(ambiguous, bool) or not isinstance(seat, bool):
        raise ValueError(f"{where}: 'ambiguous' and 'seat' must be true or false")
    if seat and (kind != "place" or not texts["country"]):
        raise ValueError(f"{where}: only a place with a 'country' can be a 'seat'")
    return Entry(
        kind=kind,
        name=name.strip(),
        qid=qid,
        aliases=lists["aliases"],
        demonyms=lists["demonyms"],
        wikipedia=texts["wikipedia"],
        of=texts["of"],
        title=texts["title"],
        holders=tuple(_parse_holders(raw.get("holders", []), where)),
        country=texts["country"],
        short=lists.get("short") if "short" in raw and raw["short"] is not None else None,
        strict=lists["strict"],
        ambiguous=ambiguous,
        seat=seat,
        source=where.split(": entry")[0],
    )


def _parse_holders(raw: Any, where: str) -> Iterator[Tenure]:
    if not isinstance(raw, list):
        raise ValueError(f"{where}: 'holders' must be a list")
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise ValueError(f"{where}: each holder needs a 'name' string, got {item!r}")
        start = _parse_date(item.get("start"), where, item["name"], "start")
        end = _parse_date(item.get("end"), where, item["name"], "end") if item.get("end") else None
        if start is None:
            raise ValueError(f"{where}: holder {item['name']!r} needs a 'start' date")
        if end is not None and end < start:
            raise ValueError(f"{where}: holder {item['name']!r} ends before it starts")
        yield Tenure(name=item["name"], start=start, end=end)


def _parse_date(value: Any, where: str, holder: str, key: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{where}: holder {holder!r} has a bad {key!r} date {value!r} (want YYYY-MM-DD)"
        ) from None
