"""Linguistic cues: the words around a match that say what it names.

Whether a capitalised word is a name, where a personal name ends, whether a state is
named only as a scene or a nationality ("floods in Japan", "Syrian migrants"), whether a
capital stands for its government ("Moscow warns ..."), whether a post's holder is
someone other than the one in office ("former President"), and places the gazetteer
lacks, told by their form ("Logar Province").
"""

from __future__ import annotations

import re

from kg.extract.belongings import names_a_belonging
from kg.extract.gazetteer import Gazetteer
from kg.extract.matcher import Match, Token
from kg.extract.name_words import NOT_NAMES, is_name_word
from kg.model import Place

_KIN = {"daughter", "son", "wife", "husband", "widow", "widower", "brother", "sister", "mother",
        "father", "nephew", "niece", "cousin", "grandson", "granddaughter", "children"}
FORMER = {"former", "ex", "late", "then", "outgoing", "incoming", "future", "acting",
           "interim", "deposed", "ousted", "previous", "erstwhile", "elect"}
# Surnames that are also everyday words, months or places: only resolved when the full
# name is in the same text, or by a title right before them ("Prime Minister May").
WORDLIKE_SHORT = {
    "May", "Brown", "Rice", "Major", "Young", "Power", "Gates", "Key", "Wade", "Fox",
    "Hague", "Moon", "Park", "Rich", "Hill", "Castle", "King", "Price", "Blue", "Green",
    "Black", "White", "Gray", "Grey", "Baker", "Cook", "Jordan", "Gordon", "Francis",
    "Ban", "Long", "Little", "Love", "Hope", "Church", "Lane", "Wood", "Rock", "Chad",
}

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
    "climbers", "villagers", "asylum", "girl", "girls", "boy", "boys", "teenager",
    "teenagers", "baby", "babies", "travelers", "travellers", "prisoner", "prisoners",
    "sources", "militants", "rebels", "nationalist", "nationalists", "separatists",
}
# Things of a nation that act for no state: "a Vietnamese cargo ship sinks", "a South Korean
# palm oil company", "the Israeli Amos-6 communication satellite".
_THING_NOUNS = {
    "ship", "ships", "vessel", "vessels", "boat", "boats", "freighter", "tanker", "trawler",
    "airliner", "company", "firm", "satellite", "carmaker", "brand",
    "conglomerate", "manufacturer", "organization", "organisation", "club", "team", "probe",
    "investigation", "court", "railways", "railway", "fires", "maker", "automaker",
    "wildfires",
}

# A state's organs after its name or demonym: "a Pakistan Air Force base", "Saudi border
# guards", "the Greek Coast Guard": the state acts, whatever noun comes next.
_ORGANS = (("air", "force"), ("armed", "forces"), ("army",), ("navy",), ("coast", "guard"),
           ("border", "guards"), ("border", "guard"), ("border", "police"), ("police",),
           ("government",))
# Words that end the noun phrase a demonym begins.
_PHRASE_ENDS = {",", ".", ";", ":", "(", ")", "and", "or", "of", "in", "on", "at", "to", "for",
                "with", "by", "from", "that", "which", "who", "is", "are", "was", "were"}
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
# People "in" a state who are its organs or its electorate: the state acts through them.
_OF_THE_STATE = {"authorities", "officials", "voters"}
_DISCUSS = {"discuss", "discusses", "discussed", "discussing", "discussion", "discussions",
            "talks", "about", "regarding", "concerning", "situation"}
_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
               "central", "northeastern", "northwestern", "southeastern", "southwestern",
               "northeast", "northwest", "southeast", "southwest", "mainland", "rural"}
_PLACE_NOUNS = {"towns", "cities", "villages", "islands",
                "town", "city", "village", "province", "region", "capital", "port", "island",
                "district", "state", "county", "resort"}



def not_the_state(
    tokens: list[Token], m: Match, matches: list[Match], title_case: bool
) -> bool:
    """A state name inside another name or a currency: "Portugal Telecom", "US Masters",
    "US$831,200". (Not in Title Case text, where every word is capitalised.)"""
    after = m.end
    if after >= len(tokens):
        return False
    if tokens[after].text == "$" and tokens[after].start == tokens[after - 1].end:
        return True
    if names_an_organ(tokens, after):
        return False  # "a Pakistan Air Force base": the state's own
    return not title_case and is_name_word(tokens[after].text) \
        and all(x.start != after for x in matches)


def locates_by_demonym(tokens: list[Token], m: Match) -> bool:
    """ "the Nigerian town of Potiskum": a demonym that only says where a place is."""
    if names_an_organ(tokens, m.end):
        return False
    return _demonym_head(tokens, m.end) in _PLACE_NOUNS | _BORDER_NOUNS | {"prefecture"}


def names_an_organ(tokens: list[Token], end: int) -> bool:
    """Whether the words from ``end`` name an organ of the state before them ("Air Force",
    "Coast Guard", "border guards")."""
    keys = tuple(t.key for t in tokens[end:end + 2])
    return any(keys[:len(organ)] == organ for organ in _ORGANS)


def _demonym_head(tokens: list[Token], end: int) -> str:
    """The word a demonym or state qualifies, past coordinated ones: "Saudi-Yemeni border"
    and "Afghanistan-Tajikistan border" give "border", "Greek and Turkish Cypriots"
    gives "cypriots"."""
    i = _head_index(tokens, end)
    return tokens[i].key if i < len(tokens) else ""


def _head_index(tokens: list[Token], end: int) -> int:
    i = end
    while i + 1 < len(tokens) and tokens[i].text in {"-", "and", "/"} \
            and tokens[i + 1].text[:1].isupper():
        i += 2
    return i


def _owns_a_place(tokens: list[Token], start: int) -> bool:
    """Whether the words after "State's" name a place ("Yunnan province", "quake-prone
    Ishkashim district") rather than a thing of the state ("attitude at talks")."""
    for token in tokens[start:start + 4]:
        if token.key in {"at", "on", "in", "of", "for", "with", "to", "and", ",", "."}:
            return False
        if token.text[:1].isupper() or token.key in _PLACE_NOUNS:
            return True
    return False


def _locates_in(tokens: list[Token], m: Match) -> bool:
    """ "floods in Japan", "in northern Iraq", "in the Democratic Republic of the Congo",
    "the coast of Portugal", "citizens of Oman", "Yemen-based", "the Afghanistan-Tajikistan
    border": words that make a state the scene or a nationality, not a participant."""
    if qualifies_a_noun(tokens, m):
        return True
    if _demonym_head(tokens, m.end) in _BORDER_NOUNS and not names_an_organ(tokens, m.end):
        return True
    if m.end < len(tokens) and tokens[m.end].key in _PLACE_NOUNS - {"state"}:
        return True  # "the Yemen capital"
    k = m.start - 1
    if k >= 0 and tokens[k].key == "the":
        k -= 1
    if k >= 0 and tokens[k].key in _DIRECTIONS:
        k -= 1
        if k >= 1 and tokens[k].key == "-" and tokens[k - 1].key in _DIRECTIONS:
            k -= 2  # "across south-east Turkey"
    if k >= 0 and tokens[k].key in {"in", "across", "throughout", "within", "inside", "around"}:
        # "discuss the uprising in Syria": the state is what is discussed.
        if any(t.key in _DISCUSS for t in tokens[max(0, k - 8):k]):
            return False
        if k >= 1 and tokens[k].key == "in" and tokens[k - 1].key in _OF_THE_STATE \
                and not (k >= 2 and tokens[k - 2].text[:1].isupper()):
            return False  # "Authorities in Nepal", not "US officials in Iraq"
        if [t.text for t in tokens[m.end:m.end + 2]] == ["'", "s"]:
            return _owns_a_place(tokens, m.end + 2)  # "in China's Yunnan province"
        return True
    if k >= 0 and tokens[k].key in {"near", "off", "along"} \
            and [t.text for t in tokens[m.end:m.end + 2]] == ["'", "s"] and any(
                t.key in _BORDER_NOUNS | _PLACE_NOUNS for t in tokens[m.end + 2:m.end + 5]):
        return True  # "near Syria's Mediterranean coast"
    if k >= 1 and tokens[k].key == "with" and tokens[k - 1].key in _BORDER_NOUNS:
        return True  # "near the borders with Iraq"
    if k >= 1 and tokens[k].key == "(" and is_name_word(tokens[k - 1].text) \
            and m.end < len(tokens) and tokens[m.end].key == ")":
        return True  # "Cushing, Oklahoma (U.S.)"
    if k >= 0 and tokens[k].key in {"from", "to", "into"} and any(
            t.key in _PEOPLE_NOUNS for t in tokens[max(0, k - 8):k]):
        return True  # "travelers from Liberia", "migrants ... entry to Hungary"
    if k >= 1 and [tokens[k - 1].key, tokens[k].key] == ["out", "of"]:
        return True  # "networks operating out of Libya"
    return k >= 1 and tokens[k].key == "of" and tokens[k - 1].key in (
        _PEOPLE_NOUNS | _BORDER_NOUNS | (_PLACE_NOUNS - {"state"}) | {"part", "parts", "rest"}
    )


def qualifies_a_noun(tokens: list[Token], m: Match) -> bool:
    """ "Yemen-based", "the Al Qaeda-linked Nusra Front", "the United Nations Headquarters":
    a name made an adjective."""
    after = [t.key for t in tokens[m.end:m.end + 2]]
    return after[:1] in (["based"], ["linked"], ["headquarters"]) \
        or after in (["-", "based"], ["-", "linked"])


def locates(tokens: list[Token], m: Match, matches: list[Match]) -> bool:
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
    if m.kind == "state" and m.start >= 3 and tokens[m.start - 1].key in _DIRECTIONS \
            and tokens[m.start - 2].text == "," and is_name_word(tokens[m.start - 3].text):
        return True  # "Adana, southern Turkey"
    if m.kind != "state" or m.start < 2 or tokens[m.start - 1].text != ",":
        return False
    before = next((x for x in matches if x.end == m.start - 1), None)
    if before is not None:
        return before.kind == "place"
    return is_name_word(tokens[m.start - 2].text)  # a place the gazetteer does not know

def qualified(tokens: list[Token], m: Match) -> bool:
    """Whether words around a post make its holder someone other than the one in office."""
    before = [t.key for t in tokens[max(0, m.start - 3):m.start]]
    after = [t.key for t in tokens[m.end:m.end + 2]]
    if any(w in FORMER for w in before):
        return True
    if "of" in before and any(w in _KIN for w in before):
        return True  # "the eldest daughter of the President of Angola" is not the President
    return after[:2] == ["-", "elect"] or (after[:1] == ["elect"])


def pattern_places(text: str, gazetteer: Gazetteer) -> list[tuple[Place, int, int]]:
    """Places the gazetteer lacks, told by their form: "Logar Province", "Ledra Street",
    "Allama Iqbal International Airport", "the town of Potiskum"; with their offsets."""
    found: list[tuple[Place, int, int]] = []
    for match in _PLACE_FORMS.finditer(text):
        name = match.group("name") or match.group("town")
        words = name.split()
        owners = [i for i, w in enumerate(words) if w.endswith(("'s", "’s", "'", "’"))]
        if owners:
            words = words[owners[-1] + 1:]  # "Afghanistan's Nangarhar Province"
        while words and words[0] in NOT_NAMES:
            words = words[1:]
        if not words or (match.group("name") and len(words) < 2):
            continue
        name = " ".join(words)
        # The words left are the end of the matched group, one space apart.
        end = match.end("name") if match.group("name") else match.end("town")
        start = end - len(name)
        known = [e for e in gazetteer.lookup(name) if e.kind == "place"]
        if known:
            found.append((gazetteer.place(known[0].name), start, end))
            continue
        if gazetteer.lookup(name):
            continue  # a state, an organisation or a person of that name
        suffix = words[-1] if match.group("name") else ""
        bare = " ".join(words[:-1])
        if suffix in _ADMINISTRATIVE and any(
            e.kind == "place" for e in gazetteer.lookup(bare)
        ):
            continue  # "Puno Region": the gazetteer's Puno
        found.append((Place(name=name), start, end))
    return found


def doubtful_state(
    tokens: list[Token], m: Match, matches: list[Match], gazetteer: Gazetteer
) -> bool:
    """ "Jordan Peterson", "Chad Smith", "Atlanta, Georgia": a state name that is also a
    first name or a US state, read from the words around it."""
    entry = gazetteer.get(m.names[0])
    if entry is None or not entry.ambiguous or m.end - m.start != 1:
        return False
    starts = {x.start for x in matches}
    ends = {x.end for x in matches}
    after = m.end
    if after < len(tokens) and is_name_word(tokens[after].text) and after not in starts:
        return True  # a following capitalised word that is nothing we know: a name
    if m.start >= 2 and tokens[m.start - 1].text == "," and is_name_word(
        tokens[m.start - 2].text
    ) and (m.start - 1) not in ends:
        return True  # "Atlanta, Georgia": a place we do not know, then the name
    before = m.start - 1
    return before >= 0 and is_name_word(tokens[before].text) and m.start not in ends \
        and before not in {x.end - 1 for x in matches}


def thing_demonym(tokens: list[Token], m: Match) -> bool:
    """ "a Vietnamese cargo ship", "a South Korean palm oil company", "US cable television
    company Cablevision": a demonym (or a state's name) that says whose a ship, a company or
    a satellite is, not that its state takes part."""
    if names_a_belonging(tokens, m.start, m.end):
        return True
    for token in tokens[m.end:m.end + 5]:
        if token.key in _PHRASE_ENDS or token.key in _GOVERNMENT_VERBS:
            return False
        if token.key in _THING_NOUNS:
            return True
    return False


def people_demonym(tokens: list[Token], m: Match, gazetteer: Gazetteer) -> bool:
    """ "Palestinian protesters", "Syrian migrants", "Greek and Turkish Cypriots",
    "Iranian-born", "an American and a Swede": people of a nation, not its state, take
    part."""
    head = _demonym_head(tokens, m.end)
    if head in _PEOPLE_NOUNS:
        return True
    if [t.key for t in tokens[m.end:m.end + 2]] == ["-", "born"]:
        return True
    if m.start >= 2 and tokens[m.start - 1].key == "-" \
            and tokens[m.start - 2].key in {"pro", "anti"}:
        return True  # "Pro-Serbian opposition": a stance, not the state
    after = tokens[m.end].key if m.end < len(tokens) else "."
    if after == "-" and m.end + 1 < len(tokens) \
            and tokens[m.end + 1].start == tokens[m.end].end and tokens[m.end + 1].key != "-":
        after = "-word"  # "a Saudi-led coalition": not a dash that ends the phrase
    if m.start > 0 and tokens[m.start - 1].key in {"a", "an", "one"} \
            and after in {",", ".", ";", ")", "-", "and", "or"}:
        return True  # "an American and a Swede": a person of that nation
    entry = gazetteer.get(m.names[0])
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


# What happens in a sentence about a disaster, an accident or a game: the states in it are
# where it happens or whose teams play, unless they act ("Japan sends aid").
_HAPPENINGS = {
    "earthquake", "quake", "typhoon", "hurricane", "cyclone", "flood", "floods",
    "flooding", "avalanche", "tsunami", "wildfire", "wildfires", "landslide", "mudslide",
    "eruption", "tornado", "heatwave", "drought", "sinks", "capsizes", "derails",
    "haze", "smog", "sandstorm", "volcano", "erupts", "crash", "crashes",
}
# A game's teams are its states even as its subject: "Georgia defeat Tonga 17-10".
_GAMES = {"qualifier", "tournament", "championship", "olympics", "medal", "match"}


def in_a_scene_sentence(tokens: list[Token], m: Match) -> bool:
    """Whether the state at ``m`` is in a sentence about a disaster, an accident or a game
    and does not itself act there ("Typhoon Dujuan hits mainland China", "a qualifier
    between Malaysia and Saudi Arabia"; not "Japan says the quake ...")."""
    start, end = _sentence(tokens, m.start)
    keys = {t.key for t in tokens[start:end]}
    game = bool(keys & _GAMES)
    if not game and not keys & _HAPPENINGS:
        return False
    first = start + (start < len(tokens) and tokens[start].key == "the")
    if not game and m.start == first and m.end < end and tokens[m.end].text[:1].islower():
        return False  # "Taiwan prepares for the typhoon": the subject acts
    after = m.end
    while after < len(tokens) and tokens[after].key in {"and", ","} | _GOVERNMENT_VERBS:
        if tokens[after].key in _GOVERNMENT_VERBS:
            return False
        after += 1
    return not names_an_organ(tokens, m.end)


def _sentence(tokens: list[Token], at: int) -> tuple[int, int]:
    """The token range of the sentence around ``at``: full stops after a word of two or
    more letters ("U.S." does not end a sentence)."""
    def ends(k: int) -> bool:
        return tokens[k].text in {".", "!", "?"} and k > 0 and len(tokens[k - 1].text) > 1
    start = at
    while start > 0 and not ends(start - 1):
        start -= 1
    end = at
    while end < len(tokens) and not ends(end):
        end += 1
    return start, end


def kin_of(tokens: list[Token], end: int) -> bool:
    """ "Najib Razak's step-son Riza Aziz": the person before the words is named only to say
    whose relative the next one is."""
    keys = [t.key for t in tokens[end:end + 3]]
    return keys[:2] == ["'", "s"] and len(keys) == 3 and (keys[2] in _KIN or keys[2] == "step")


def acts_as_subject(tokens: list[Token], end: int) -> bool:
    """Whether the phrase ending at ``end`` is the subject of a verb of statement or policy,
    past a place it is in: "the Iranian ambassador in Baghdad says" (not "a plot to kill
    the Saudi ambassador in Cairo")."""
    i = end
    if i < len(tokens) and tokens[i].key in {"in", "to", "at"}:
        i += 1
        while i < len(tokens) and (is_name_word(tokens[i].text) or tokens[i].key == "the"):
            i += 1
    return i < len(tokens) and tokens[i].key in _GOVERNMENT_VERBS


def government_seat(
    tokens: list[Token], m: Match, matches: list[Match], gazetteer: Gazetteer
) -> str | None:
    """The state a capital (or "the Kremlin") stands for when the text makes it act:
    the subject of a verb of statement or policy ("Tokyo will set up an aid fund",
    "Washington and Moscow fail to agree"), or the other side of talks, ties or
    sanctions ("talks with Pyongyang"), or the object of a warning or an accusation.
    Elsewhere it is the city ("talks in Moscow",
    "trains between Paris and London are delayed")."""
    entry = gazetteer.get(m.names[0])
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
