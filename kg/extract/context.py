"""Context tags ("George W. Bush, Russian President, missile defense shield") sorted into
persons, posts, states, organisations, places and topics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from kg.extract.gazetteer import Entry, Gazetteer
from kg.extract.matcher import TITLES
from kg.extract.mentions import merge_mentions
from kg.extract.recognizer import recognize
from kg.model import Actor, Evidence, Mentions, Place, Post, Span

_BARE_TITLES = {t.casefold() for t in TITLES}


def classify_context(
    tags: Sequence[str],
    *,
    on_date: date | None,
    gazetteer: Gazetteer,
    wikipedia: Mapping[str, str] | None = None,
) -> Mentions:
    """Each tag as a person, post, state, organisation or place if the gazetteer knows it,
    else as a topic. A bare title ("President") becomes the post of that title held by a
    person among the tags on ``on_date``, or nothing.

    Args:
        wikipedia: optional tag -> Wikipedia URL hints (WikiTimes entities); a URL that
            names a gazetteer entry decides the tag.
    """
    parts: list[Mentions] = []
    bare: list[str] = []
    for raw in tags:
        tag = " ".join(raw.split()).strip(" ,;:")
        if not tag:
            continue
        entry = _by_hint(tag, wikipedia, gazetteer)
        if entry is None:
            entry = _by_name(tag, gazetteer)
        if entry is not None:
            parts.append(_with_evidence(_mention_of(entry, on_date, gazetteer), raw, tag))
            continue
        if tag.casefold() in _BARE_TITLES:
            bare.append(tag)
            continue
        whole = _whole_tag_match(tag, on_date, gazetteer)
        parts.append(_with_evidence(whole, raw, tag) if whole is not None
                     else Mentions(topics=(tag,)))
    merged = merge_mentions(*parts)
    if bare:
        merged = merge_mentions(merged, _bare_titles(bare, merged, on_date, gazetteer))
    return merged


def _with_evidence(found: Mentions, raw: str, tag: str) -> Mentions:
    """What a tag names, with the tag's words (offsets into the raw tag) as the evidence."""
    offset = raw.find(tag)
    if offset < 0:  # spaces folded inside the tag: no offsets into the raw string
        return replace(found, evidence=())
    targets: list[Actor | Post | Place] = [*found.actors, *found.posts, *found.places]
    inner = {(type(e.target), e.target.name): e.span for e in found.evidence}
    evidence = []
    for target in targets:
        span = inner.get((type(target), target.name)) or Span(0, len(tag), tag)
        start, end = offset + span.start, offset + span.end
        evidence.append(Evidence(target, Span(start, end, raw[start:end], "context")))
    return replace(found, evidence=tuple(evidence))


def _by_hint(tag: str, hints: Mapping[str, str] | None, gaz: Gazetteer) -> Entry | None:
    if not hints or not hints.get(tag):
        return None
    url = hints[tag]
    entry = gaz.by_wikipedia(url)
    if entry is not None:
        return entry
    # "Turkish_people", "Americans": pages about a nation's people name the state.
    title = url.rstrip("/").rsplit("/", 1)[-1].replace("_", " ")
    for suffix in (" people", " nationals"):
        if title.endswith(suffix):
            return gaz.lookup_demonym(title.removesuffix(suffix))
    return gaz.lookup_demonym(title)


def _by_name(tag: str, gaz: Gazetteer) -> Entry | None:
    for text in (tag, tag.removesuffix("'s").removesuffix("’s")):
        found = [e for e in gaz.lookup(text) if _case_ok(text, e)]
        if found:
            return found[0]
        state = gaz.lookup_demonym(text)
        if state is not None:
            return state
    return None


def _case_ok(text: str, entry: Entry) -> bool:
    """Short forms that are also words ("US", "Chad") only count as written."""
    forms = [entry.name, *entry.aliases]
    if text in forms:
        return True
    return len(text.split()) > 1 or not any(f.casefold() == text.casefold() and len(f) <= 4
                                             for f in forms)


def _mention_of(entry: Entry, on_date: date | None, gaz: Gazetteer) -> Mentions:
    if entry.kind == "post":
        holder = gaz.post_holder(entry.name, on_date)
        post = gaz.post(entry.name, holder=holder)
        return Mentions(actors=(holder,) if holder else (), posts=(post,))
    if entry.kind == "place":
        return Mentions(places=(gaz.place(entry.name),))
    return Mentions(actors=(gaz.actor(entry.name),))


def _whole_tag_match(tag: str, on_date: date | None, gaz: Gazetteer) -> Mentions | None:
    """A tag that is one recognised phrase ("Russian Foreign Minister") and nothing else."""
    found = recognize(tag, on_date=on_date, gazetteer=gaz)
    named = len(found.posts) + len(found.places) + len(
        [a for a in found.actors if not any(p.holder == a for p in found.posts)]
    )
    if named != 1:
        return None
    names = [p.name for p in found.posts] + [p.name for p in found.places] + [
        a.name for a in found.actors
    ]
    words = set(tag.replace("'s", "").split())
    covered = set(" ".join(names).split())
    if found.posts or words <= covered:
        return found
    return None


def _bare_titles(
    titles: list[str], known: Mentions, on_date: date | None, gaz: Gazetteer
) -> Mentions:
    posts: list[Post] = []
    holders: list[Actor] = []
    taken = {p.name for p in known.posts}
    for title in titles:
        candidates = []
        for actor in known.actors:
            for post in gaz.posts_held(actor.name, on_date) if on_date else []:
                if (post.title or "").casefold() == title.casefold() and post.name not in taken:
                    candidates.append((post, actor))
        candidates = list(dict.fromkeys(candidates))
        if len(candidates) == 1:
            post, actor = candidates[0]
            posts.append(gaz.post(post.name, holder=actor))
            holders.append(actor)
    return Mentions(actors=tuple(holders), posts=tuple(posts))
