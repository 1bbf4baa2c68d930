"""Publishers and wire agencies from link texts ("AP via the Guardian") and URLs.

The shipped list is ``kg/data/outlets.json``: each outlet has a ``name``, a ``qid``,
``aliases``, web ``domains`` and ``agency`` (a wire agency rather than a publisher).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kg.model import Outlet

_QID = re.compile(r"^Q[1-9][0-9]*$")
_KEY_DROP = re.compile(r"[^\w]+")
_WIKI_QUOTES = re.compile(r"'{2,}")
# Link texts that name no outlet; the URL decides.
GENERIC_LABELS = frozenset({
    "cover image", "image", "photo", "picture", "video", "source", "sources", "link",
    "here", "article", "story", "report", "archive", "archived", "pdf", "press release",
    "statement", "transcript", "full text", "wires", "agencies", "wire", "various",
})
# Proxies that carry the real article in a query parameter.
_WRAPPERS = {"translate.google.com": "u", "translate.googleusercontent.com": "u",
             "www.google.com": "url", "news.google.com": "url"}


@dataclass(frozen=True)
class OutletEntry:
    """One outlet as listed in the data file."""

    name: str
    qid: str | None
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    agency: bool

    def outlet(self) -> Outlet:
        """The model record for this outlet."""
        return Outlet(name=self.name, qid=self.qid, is_agency=self.agency)


class OutletIndex:
    """Outlets by normalised name and by web domain."""

    def __init__(self, entries: list[OutletEntry]):
        self.entries = entries
        self.by_key: dict[str, OutletEntry] = {}
        self.by_domain: dict[str, OutletEntry] = {}
        for entry in entries:
            for text in (entry.name, *entry.aliases):
                self.by_key.setdefault(outlet_key(text), entry)
            for domain in entry.domains:
                self.by_domain.setdefault(domain.lower(), entry)

    def by_name(self, text: str) -> OutletEntry | None:
        """The outlet this text names, if known."""
        return self.by_key.get(outlet_key(text))

    def by_url(self, url: str) -> OutletEntry | None:
        """The outlet whose domain (or a parent domain of it) serves ``url``."""
        host = _host(url)
        while host:
            entry = self.by_domain.get(host)
            if entry is not None:
                return entry
            if "." not in host:
                break
            host = host.split(".", 1)[1]
        return None


def outlet_key(text: str) -> str:
    """The comparison form of an outlet name: no case, no punctuation, no leading "the"."""
    key = _KEY_DROP.sub(" ", _WIKI_QUOTES.sub("", text).casefold().replace("&", " and "))
    key = " ".join(key.split())
    return key.removeprefix("the ")


def _host(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    param = _WRAPPERS.get(host)
    if param:
        inner = parse_qs(parts.query).get(param)
        if inner:
            return _host(unquote(inner[0]))
    return host.removeprefix("www.")


@cache
def outlet_index() -> OutletIndex:
    """The shipped outlet list (read once)."""
    ref = resources.files("kg") / "data" / "outlets.json"
    return OutletIndex(parse_outlets(ref.read_text(encoding="utf-8"), "kg/data/outlets.json"))


def parse_outlets(text: str, source: str) -> list[OutletEntry]:
    """Outlet entries from the JSON text of an outlets file; ValueError names bad entries."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON: {exc}") from exc
    if isinstance(data, Mapping):
        data = data.get("outlets")
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a list of outlets or an object with 'outlets'")
    entries = []
    for number, raw in enumerate(data, start=1):
        where = f"{source}: outlet {number}"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            raise ValueError(f"{where}: each outlet needs a 'name' string")
        qid = raw.get("qid")
        if qid is not None and (not isinstance(qid, str) or not _QID.match(qid)):
            raise ValueError(f"{where} ({raw['name']!r}): bad 'qid' {qid!r}")
        lists = {}
        for key in ("aliases", "domains"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{where} ({raw['name']!r}): {key!r} must be a list of strings")
            lists[key] = tuple(value)
        entries.append(OutletEntry(
            name=raw["name"], qid=qid, aliases=lists["aliases"], domains=lists["domains"],
            agency=bool(raw.get("agency", False)),
        ))
    return entries


def resolve_outlet(text: str | None, url: str | None) -> Outlet | None:
    """The outlet a link text names, else the one serving the URL, else one named as written.

    ``"the Guardian"`` -> The Guardian; ``"Spiegel"`` -> Der Spiegel; an unknown text with a
    guardian.co.uk URL -> The Guardian; an unknown text with an unknown URL -> an Outlet
    with that text as its name ("the Daily Planet" -> "The Daily Planet").
    """
    index = outlet_index()
    label = clean_label(text) if text else ""
    by_url = index.by_url(url) if url else None
    if label and outlet_key(label) not in GENERIC_LABELS:
        entry = index.by_name(label)
        if entry is not None:
            if by_url is not None and by_url is not entry and outlet_key(label) in {
                outlet_key(t) for t in (by_url.name, *by_url.aliases)
            }:
                return by_url.outlet()  # "ABC News" on abc.net.au is the Australian one
            return entry.outlet()
    if by_url is not None:
        return by_url.outlet()
    if label and outlet_key(label) not in GENERIC_LABELS and outlet_key(label):
        return Outlet(name=display_name(label))
    return None


def resolve_outlets(text: str | None) -> tuple[Outlet, ...]:
    """Every outlet in a text that joins several ("AFP/Reuters"); one when it does not split."""
    if not text:
        return ()
    whole = resolve_outlet(text, None)
    index = outlet_index()
    if "/" in text and (whole is None or index.by_name(clean_label(text)) is None):
        parts = [p for p in (clean_label(p) for p in text.split("/")) if p]
        if len(parts) > 1 and all(index.by_name(p) for p in parts):
            found = [resolve_outlet(p, None) for p in parts]
            return tuple(o for o in found if o is not None)
    return (whole,) if whole is not None else ()


def clean_label(text: str) -> str:
    """A link text without wiki quotes, stray quotes, brackets and trailing punctuation."""
    label = _WIKI_QUOTES.sub("", text)
    label = label.strip().strip("\"'“”‘’()[]").strip(" ,;:.-")
    return " ".join(label.split())


def display_name(label: str) -> str:
    """How an unknown outlet's name is written: a leading "the" capitalised, an all-lower
    name title-cased."""
    words = label.split()
    if words and words[0].casefold() == "the":
        words[0] = "The"
    if label.islower():
        words = [w.capitalize() for w in words]
    return " ".join(words)
