"""A realistic synthetic corpus: event pages and articles in the layouts of the real data.

Deterministic (seeded), so every run of a benchmark measures the same input.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kg.iri import slugify

LEADERS = [
    ("President of the United States", "U.S. President", "George W. Bush", "United States"),
    ("President of the United States", "U.S. President", "Barack Obama", "United States"),
    ("President of Russia", "Russian President", "Vladimir Putin", "Russia"),
    ("President of Russia", "Russian President", "Dmitry Medvedev", "Russia"),
    ("President of China", "Chinese President", "Hu Jintao", "China"),
    ("President of China", "Chinese President", "Xi Jinping", "China"),
    ("President of France", "French President", "Nicolas Sarkozy", "France"),
    ("President of France", "French President", "François Hollande", "France"),
    ("Chancellor of Germany", "German Chancellor", "Angela Merkel", "Germany"),
    (
        "Prime Minister of the United Kingdom",
        "British Prime Minister",
        "Gordon Brown",
        "United Kingdom",
    ),
    (
        "Prime Minister of the United Kingdom",
        "British Prime Minister",
        "David Cameron",
        "United Kingdom",
    ),
    ("Prime Minister of Japan", "Japanese Prime Minister", "Shinzō Abe", "Japan"),
    ("Prime Minister of India", "Indian Prime Minister", "Manmohan Singh", "India"),
    ("Prime Minister of India", "Indian Prime Minister", "Narendra Modi", "India"),
    ("Prime Minister of Israel", "Israeli Prime Minister", "Benjamin Netanyahu", "Israel"),
    ("President of Iran", "Iranian President", "Mahmoud Ahmadinejad", "Iran"),
    ("President of Iran", "Iranian President", "Hassan Rouhani", "Iran"),
    ("Prime Minister of Turkey", "Turkish Prime Minister", "Recep Tayyip Erdoğan", "Turkey"),
    (
        "United States Secretary of State",
        "U.S. Secretary of State",
        "Condoleezza Rice",
        "United States",
    ),
    (
        "United States Secretary of State",
        "U.S. Secretary of State",
        "Hillary Clinton",
        "United States",
    ),
    ("United States Secretary of State", "U.S. Secretary of State", "John Kerry", "United States"),
    (
        "Minister of Foreign Affairs of Russia",
        "Russian Foreign Minister",
        "Sergey Lavrov",
        "Russia",
    ),
]
STATES = [
    "Iran",
    "North Korea",
    "Syria",
    "Ukraine",
    "Georgia",
    "Poland",
    "Japan",
    "China",
    "Pakistan",
    "Afghanistan",
    "Iraq",
    "Israel",
    "Egypt",
    "Cuba",
    "Venezuela",
    "Brazil",
]
ORGS = [
    "NATO",
    "the United Nations",
    "the European Union",
    "the G8",
    "the G20",
    "the UN Security Council",
    "OPEC",
    "ASEAN",
    "the African Union",
]
TOPICS = [
    "missile defense",
    "nuclear program",
    "trade",
    "climate change",
    "the Syrian civil war",
    "energy security",
    "arms control",
    "sanctions",
    "human rights",
    "terrorism",
]
VERBS = [
    "meet to discuss {t}",
    "hold talks on {t}",
    "sign an agreement on {t}",
    "fail to agree on {t}",
    "discuss {t} at a summit in {c}",
    "meet in {c} to discuss {t}",
]
SOLO = [
    "The {post} {name} visits {s} for talks on {t}.",
    "{org} imposes sanctions on {s} over {t}.",
    "The {post} {name} says {s} must end its {t}.",
    "{s} expels the ambassador of {s2} over {t}.",
]
CITIES = [
    "Geneva",
    "Vienna",
    "Moscow",
    "Beijing",
    "Washington, D.C.",
    "Brussels",
    "Sochi",
    "Kennebunkport",
    "Paris",
    "London",
    "Tokyo",
    "New Delhi",
]
SOURCES = [
    ("AP via the Guardian", "http://www.guardian.co.uk/world/{n}.html"),
    ("Reuters", "http://www.reuters.com/article/{n}"),
    ("BBC", "http://news.bbc.co.uk/2/hi/{n}.stm"),
    ("CNN", "http://www.cnn.com/{n}/index.html"),
    ("AFP via Google News", "http://afp.google.com/article/{n}"),
    ("The New York Times", "http://www.nytimes.com/{n}.html"),
    ("Al Jazeera", "http://english.aljazeera.net/news/{n}.html"),
    ("Xinhua", "http://news.xinhuanet.com/english/{n}.htm"),
]


@dataclass(frozen=True)
class SyntheticEvent:
    """One generated event: its date, headline and Context tags."""

    day: date
    headline: str
    context: tuple[str, ...]


def _headline(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    topic = rng.choice(TOPICS)
    if rng.random() < 0.6:
        a, b = rng.sample(LEADERS, 2)
        verb = rng.choice(VERBS).format(t=topic, c=rng.choice(CITIES))
        headline = f"{a[1]} {a[2]} and {b[0]} {b[2]} {verb}."
        return headline, (a[2], b[2], a[1], b[1], topic)
    post, short, name, _ = rng.choice(LEADERS)
    s, s2 = rng.sample(STATES, 2)
    template = rng.choice(SOLO)
    org = rng.choice(ORGS)
    headline = template.format(post=post, name=name, s=s, s2=s2, t=topic, org=org)
    headline = headline[0].upper() + headline[1:]
    return headline, (name, short, s, topic)


def make_events(count: int, seed: int = 7) -> list[SyntheticEvent]:
    """``count`` events spread over 2001-2020, all distinct."""
    rng = random.Random(seed)
    start = date(2001, 1, 1)
    events = []
    for i in range(count):
        headline, context = _headline(rng)
        # A serial in the headline keeps events distinct, as real headlines are.
        headline = headline[:-1] + f" (round {i})."
        events.append(
            SyntheticEvent(start + timedelta(days=rng.randrange(7300)), headline, context)
        )
    return events


def _path(event: SyntheticEvent) -> str:
    d = event.day
    return f"/news/{d.year}/{d.month:02d}/{d.day}/{slugify(event.headline, 140)}.md"


def event_page(event: SyntheticEvent, related: list[SyntheticEvent], rng: random.Random) -> str:
    """An event page in the seed layout."""
    d = event.day
    lines = [
        f"### [{d.year}-{d.month:02d}-{d.day}](/news/{d.year}/{d.month:02d}/{d.day}/index.md)",
        "",
        f"# {event.headline} ",
        "",
        "",
        "",
        "",
        "### Source:",
        "",
    ]
    for n, (label, url) in enumerate(rng.sample(SOURCES, rng.randint(1, 4)), 1):
        lines.append(f"{n}. [{label}]({url.format(n=rng.randrange(10**9))})")
    if related:
        lines += ["", "### Related:", ""]
        for n, rel in enumerate(related, 1):
            lines.append(
                f"{n}. [ {rel.headline} ]({_path(rel)}) _Context: {', '.join(rel.context)}_"
            )
    return "\n".join(lines) + "\n"


def article_text(event: SyntheticEvent, rng: random.Random) -> str:
    """A plain-text article reporting ``event``."""
    city = rng.choice(CITIES).split(",")[0].upper()
    body = [f"{city} (AFP) — {event.headline}"]
    for _ in range(6):
        name = rng.choice(LEADERS)
        body.append(
            f"{name[1]} {name[2]} said the talks on {rng.choice(TOPICS)} with "
            f'{rng.choice(STATES)} were "useful", according to officials in '
            f"{rng.choice(CITIES)}. {rng.choice(ORGS)} is expected to respond next week."
        )
    title = event.headline.rstrip(".")
    return f"{title}\n\n" + "\n\n".join(body) + "\n"


def write_corpus(folder: Path, events: int, *, article_every: int = 5, seed: int = 7) -> int:
    """Write ``events`` event pages, and an article for every n-th, into ``folder``.

    Returns the number of files written.
    """
    rng = random.Random(seed)
    all_events = make_events(events, seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = 0
    for i, event in enumerate(all_events):
        related = rng.sample(all_events, min(3, len(all_events)))
        related = [r for r in related if r is not event]
        name = f"{event.day.isoformat()}_{i:06d}.md"
        (folder / name).write_text(event_page(event, related, rng), encoding="utf-8")
        files += 1
        if i % article_every == 0:
            (folder / f"article_{i:06d}.txt").write_text(article_text(event, rng), encoding="utf-8")
            files += 1
    return files
