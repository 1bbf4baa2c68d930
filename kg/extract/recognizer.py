"""Persons, states, organisations, posts and places named in a piece of text.

The matcher (``kg.extract.matcher``) finds the longest gazetteer match at each position.
A second pass then links posts to their holders ("President of Russia Vladimir Putin",
"Robert Mugabe, the President of Zimbabwe"), turns "Title Name" phrases into new persons
("Deputy Foreign Minister Sergei Ryabkov"), and resolves surname-only references ("Putin")
to a person named in full in the same text or, failing that, to the one person of that
name the gazetteer knows or who was in office that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kg.extract.affiliations import names_an_affiliation
from kg.extract.appositions import persons_before_roles
from kg.extract.cues import (
    FORMER,
    WORDLIKE_SHORT,
    acts_as_subject,
    doubtful_state,
    government_seat,
    in_a_scene_sentence,
    kin_of,
    locates,
    locates_by_demonym,
    not_the_state,
    pattern_places,
    people_demonym,
    qualified,
    qualifies_a_noun,
    thing_demonym,
)
from kg.extract.families import persons_of_a_family
from kg.extract.full_names import longer_names, persons_after_titles, persons_by_given_name
from kg.extract.gazetteer import Gazetteer, Tenure
from kg.extract.matcher import (
    BLOCK,
    DEMONYM,
    NAME,
    RELATION,
    SHORT,
    TITLE,
    Match,
    Matcher,
    Token,
    matcher_of,
    tokenize,
)
from kg.extract.mentions import Collector
from kg.extract.name_words import closes_apposition, is_name_word
from kg.extract.nationals import describes_a_person, posted_to
from kg.extract.organisations import Body, find_bodies
from kg.extract.post_names import compose_posts, owner_phrase, title_case
from kg.extract.scenes import named_as_scene
from kg.model import Actor, ActorKind, Mentions, Post


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
        self.matcher: Matcher = matcher_of(gazetteer)

    def run(self, texts: list[str], fields: Sequence[str]) -> Mentions:
        scanned: list[tuple[str, str, list[Token], list[Match]]] = []
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
        out = Collector(self.gaz)
        for text, field, tokens, matches in scanned:
            out.within(text, field, tokens)
            matches = compose_posts(self.gaz, tokens, matches)
            matches = self._administrations(tokens, matches)
            self._resolve_shorts(tokens, matches, full_persons)
            matches = longer_names(tokens, matches, self.gaz)
            persons_after_titles(tokens, matches, self.matcher)
            persons_by_given_name(tokens, matches, self.matcher, self.gaz)
            persons_before_roles(tokens, matches, self.matcher)
            persons_of_a_family(tokens, matches, self.gaz)
            self._emit(tokens, matches, out)
        for text, field, tokens, _ in scanned:
            out.within(text, field, tokens)
            for place, start, end in pattern_places(text, self.gaz):
                out.place(place, chars=(start, end))
        return out.mentions()

    # -- surnames --------------------------------------------------------------------
    def _resolve_shorts(
        self, tokens: list[Token], matches: list[Match], full_persons: list[str]
    ) -> None:
        for index, m in enumerate(matches):
            if m.role != SHORT:
                continue
            if m.start > 0 and is_name_word(tokens[m.start - 1].text) and not (
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
            if tokens[m.start].text in WORDLIKE_SHORT:
                continue
            if m.end < len(tokens) and is_name_word(tokens[m.end].text) and not any(
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

    def _holders_with_title(self, names: tuple[str, ...], title: Match) -> list[str]:
        found = []
        for name in names:
            for post in self.gaz.posts_held(name, self.on_date):
                by_post = title.kind == "post" and post.name in title.names
                by_title = title.kind == "title" and _same_title(post.title, title.names[0])
                if by_post or by_title:
                    found.append(name)
        return list(dict.fromkeys(found))

    # -- "the Obama Administration": the state its leader led that day ------------------
    def _administrations(self, tokens: list[Token], matches: list[Match]) -> list[Match]:
        out: list[Match] = []
        for m in matches:
            state = None
            if m.end < len(tokens) and tokens[m.end].key in _ADMINISTRATION and (
                    m.kind == "person" and m.role in (NAME, SHORT)):
                state = self._led_state(m.names)
            if state is not None:
                out.append(Match(m.start, m.end + 1, NAME, (state,), "state"))
            else:
                out.append(m)
        return out

    def _led_state(self, names: tuple[str, ...]) -> str | None:
        """The one state a person of ``names`` led (held a post of) on the text's date."""
        states = {entry.of for name in names
                  for entry in self.gaz.posts_held(name, self.on_date)
                  if entry.of is not None and (owner := self.gaz.get(entry.of)) is not None
                  and owner.kind == "state"}
        return states.pop() if len(states) == 1 else None

    # -- output ----------------------------------------------------------------------
    def _emit(self, tokens: list[Token], matches: list[Match], out: Collector) -> None:
        words = [t.text for t in tokens if t.text[:1].isalpha()]
        # Title Case ("Putin Meets Bush In Sochi") capitalises every longer word; a sentence
        # with one lower-case word of four letters or more is not in Title Case.
        title_case = len(words) > 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words) \
            and all(w[0].isupper() for w in words if len(w) >= 4)
        # Bodies named by form ("the Parliament of Cambodia"); in Title Case every word is
        # capitalised, so the form says nothing there.
        bodies = [] if title_case else find_bodies(tokens, matches)
        waiting = list(bodies)
        for index, m in enumerate(matches):
            prev = matches[index - 1] if index > 0 else None
            nxt = matches[index + 1] if index + 1 < len(matches) else None
            while waiting and waiting[0].owner_start <= m.start:
                self._emit_body(tokens, waiting.pop(0), out)
            if m.role == BLOCK or any(b.owner_start <= m.start and m.end <= b.end
                                      for b in bodies):
                continue  # a word of a body's name, or the state that owns it
            if m.new_person is not None:
                out.person(Actor(name=m.new_person, kind=ActorKind.PERSON), at=m)
                continue
            if m.role == SHORT:
                if m.resolved:
                    out.actor(m.resolved, at=m)
                continue
            if m.role == DEMONYM:
                if not self.locations and (
                    locates_by_demonym(tokens, m) or people_demonym(tokens, m, self.gaz)
                    or thing_demonym(tokens, m) or describes_a_person(tokens, m, nxt)
                    or in_a_scene_sentence(tokens, m)
                ):
                    continue
                out.actor(m.names[0], at=m)
                continue
            if m.role in (NAME, SHORT) and m.kind == "person" and kin_of(tokens, m.end):
                continue  # "Najib Razak's step-son Riza Aziz": the step-son is the one
            if m.role == NAME and m.kind in ("person", "state", "organization"):
                if m.kind == "state" and (
                    doubtful_state(tokens, m, matches, self.gaz)
                    or not_the_state(tokens, m, matches, title_case)
                    or (not self.locations and describes_a_person(tokens, m, nxt))
                ):
                    continue
                if not self.locations and m.kind in ("state", "organization") and (
                        locates(tokens, m, matches) or qualifies_a_noun(tokens, m)
                        or named_as_scene(tokens, m, matches)):
                    continue
                if not self.locations and m.kind == "organization" \
                        and names_an_affiliation(tokens, m.start, m.end):
                    continue
                if not self.locations and m.kind == "state" and in_a_scene_sentence(tokens, m):
                    continue
                if m.kind == "state" and (
                        posted_to(tokens, m, prev)
                        or (not self.locations and thing_demonym(tokens, m)
                            and tokens[m.end].key != "'")
                        or (m.start > 0 and tokens[m.start - 1].key == "former")):
                    continue  # "US cable television company", "the former Soviet Union"
                out.actor(m.names[0], at=m)
                continue
            if m.role == NAME and m.kind == "place":
                state = government_seat(tokens, m, matches, self.gaz)
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
        for body in waiting:
            self._emit_body(tokens, body, out)

    def _emit_body(self, tokens: list[Token], body: Body, out: Collector) -> None:
        if not body.acts:
            return  # a company or a treaty: only the states in its name are left out
        if not self.locations and names_an_affiliation(tokens, body.start, body.end):
            return  # "scientists at the University of ...": the scientists act
        name = body.name
        if body.state is not None:  # "Philippine Supreme Court", as the body is known
            name = f"{body.title} of {owner_phrase(self.gaz, body.state)}"
        at = Match(body.start, body.end, NAME, (name,), "organization")
        out.person(Actor(name=name, kind=ActorKind.ORGANIZATION), at=at)

    def _holder_after(self, tokens: list[Token], m: Match, nxt: Match | None) -> Actor | None:
        if nxt is None:
            return None
        gap = [t.text for t in tokens[m.end:nxt.start]]
        if gap == [","] and (nxt.role != NAME or not closes_apposition(tokens, nxt.end)):
            return None  # "the President of Russia, Bush said": not an apposition
        if gap not in ([], [","]):
            return None
        return self._person_of(nxt)

    def _holder_before(
        self, tokens: list[Token], m: Match, prev: Match | None
    ) -> Actor | None:
        """ "Robert Mugabe, the President of Zimbabwe" """
        if prev is None:
            return None
        gap = [t.text for t in tokens[prev.end:m.start]]
        if len(gap) < 1 or gap[0] != "," or len(gap) > 4:
            return None
        if len(gap) > 1 and gap[1].casefold() != "the":
            return None
        if any(w.casefold() in FORMER for w in gap):
            return None
        return self._person_of(prev)

    def _person_of(self, m: Match) -> Actor | None:
        if m.new_person is not None:
            return Actor(name=m.new_person, kind=ActorKind.PERSON)
        if m.role == NAME and m.kind == "person":
            return self.gaz.actor(m.names[0])
        if m.role == SHORT and m.resolved:
            return self.gaz.actor(m.resolved)
        return None

    def _emit_post(
        self, tokens: list[Token], m: Match, prev: Match | None, nxt: Match | None,
        out: Collector,
    ) -> None:
        name = m.names[0]
        holder = self._holder_after(tokens, m, nxt) or self._holder_before(tokens, m, prev)
        if holder is not None and nxt is not None and kin_of(tokens, nxt.end):
            return  # "Prime Minister Najib Razak's step-son Riza Aziz": the step-son acts
        if m.owner is not None:
            if holder is not None:  # a made-up post only counts with someone holding it
                out.post(Post(name=name, state=self.gaz.actor(m.owner), holder=holder), at=m)
            elif m.names[0].startswith("Ambassador of") and acts_as_subject(tokens, m.end):
                out.actor(m.owner, at=m)  # "the Iranian ambassador says": Iran speaks
            return
        if holder is None and not qualified(tokens, m):
            holder = self.gaz.post_holder(name, self.on_date)
            if holder is not None:
                out.person(holder, at=m)  # "the Russian President": the words name him
        out.post(self.gaz.post(name, holder=holder), at=m)

    def _emit_title(
        self, tokens: list[Token], m: Match, prev: Match | None, nxt: Match | None,
        out: Collector,
    ) -> None:
        """A bare title before a known person: the post of that title the person held."""
        if m.kind == "role":
            return  # "diplomat", "Sergeant": a person, no post of a state
        holder = self._holder_after(tokens, m, nxt)
        if holder is None or self.gaz.get(holder.name) is None:
            return
        for post in self.gaz.posts_held(holder.name, self.on_date):
            if _same_title(post.title, m.names[0]):
                # "President Vladimir Putin": the title and the name say which post.
                out.post(self.gaz.post(post.name, holder=holder), at=m, until=nxt)
                return

    def _emit_relation(
        self, tokens: list[Token], m: Match, prev: Match | None, nxt: Match | None,
        out: Collector,
    ) -> None:
        holder = self._holder_after(tokens, m, nxt)
        if holder is None or prev is None or prev.end != m.start:
            return
        principal = self._person_of(prev)
        if principal is None:
            return
        role = title_case(m.names[0]).replace("Advisor", "Adviser")
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




# "the Obama administration", "the Putin government": the state acts, not the person.
_ADMINISTRATION = {"administration", "government", "cabinet", "regime"}


def _overlap(a: Tenure, b: Tenure) -> bool:
    """Whether two tenures share a day (ends exclusive, None still in office)."""
    return (b.end is None or a.start < b.end) and (a.end is None or b.start < a.end)


def _same_title(post_title: str | None, title: str) -> bool:
    if not post_title:
        return False

    def norm(text: str) -> str:
        return text.casefold().replace("-", " ").replace("defence", "defense")

    return norm(post_title) == norm(title)
