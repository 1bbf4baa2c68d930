"""Article–event linking at scale: its time, and how often an article's best link is right.

Generates the synthetic corpus (bench/corpus.py: events, and an article reporting every 5th
event), ingests it without linking, then times ``kg link`` over the whole store, and an
incremental ingest of one more event page and one more article with linking on (the time
of keeping the links current after each). The corpus articles have no date (the linker's
costlier path: candidates from shared actors alone); ``--dated`` gives each a publication
date 0-3 days after its event, in the Markdown layout.

    python bench/link.py --events 1000,10000 --dated
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kg.ingest_report import IngestReport
from kg.iri import article_iri, event_iri
from kg.link.find import find_links, link_all
from kg.pipeline import SOFTWARE_IRI, ingest
from kg.store import Store, open_store


def date_articles(folder: Path, events: int, seed: int = 11) -> None:
    """Rewrite each corpus article in the Markdown layout, with a date line."""
    from corpus import make_events

    rng = random.Random(seed)
    made = {f"article_{i:06d}.txt": e for i, e in enumerate(make_events(events))}
    for path in sorted(folder.glob("article_*.txt")):
        event = made[path.name]
        title, body = path.read_text(encoding="utf-8").split("\n", 1)
        day = event.day + timedelta(days=rng.randint(0, 3))
        path.with_suffix(".md").write_text(
            f"## {title}\n\nAFP, {day.strftime('%B %d, %Y')}\n\n{body}", encoding="utf-8"
        )
        path.unlink()


def accuracy(store: Store, events: int) -> tuple[float, float, float, int]:
    """Of the articles, the share whose best link is their own event; whose best link is
    an event with the same headline but for its "(round N)" serial (which the linker does
    not read: numbers are no topic words); and whose links include their own event."""
    from corpus import make_events

    made = make_events(events)
    serial = re.compile(r" \(round \d+\)\.$")
    headline = {event_iri(e.day, e.headline): serial.sub("", e.headline) for e in made}
    truth = {
        article_iri(None, e.headline.rstrip(".")): event_iri(e.day, e.headline)
        for i, e in enumerate(made)
        if i % 5 == 0
    }
    found = find_links(store, sorted(truth))
    best = [(links[0].event, truth[a], links) for a, links in found.items() if links]
    right = sum(1 for got, want, _ in best if got == want)
    alike = sum(1 for got, want, _ in best if headline.get(got) == headline[want])
    among = sum(1 for _, want, links in best if want in {link.event for link in links})
    return right / len(truth), alike / len(truth), among / len(truth), len(truth)


def run(events: int, dated: bool) -> None:
    """Build the corpus and store for ``events`` events and print the linking figures."""
    from corpus import event_page, make_events, write_corpus

    with tempfile.TemporaryDirectory(prefix="kg-bench-link-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, events)
        if dated:
            date_articles(corpus, events)
        extra = Path(tmp) / "extra"
        extra.mkdir()
        with open_store(Path(tmp) / "store") as store:
            started = time.perf_counter()
            report = ingest(store, [corpus], validate=False, link=False)
            ingest_s = time.perf_counter() - started
            linked = link_all(store, software=SOFTWARE_IRI)
            right, alike, among, articles = accuracy(store, events)
            # One more article and one more event page, ingested with linking on.
            made = make_events(events + 1)
            new = made[-1]
            (extra / "page.md").write_text(event_page(new, [], random.Random(1)), "utf-8")
            page = ingest(store, [extra / "page.md"], validate=False)
            first = next(corpus.glob("article_*"))
            text = first.read_text(encoding="utf-8")
            other = extra / f"article{first.suffix}"  # the same layout, another title
            other.write_text(text.replace(" (round ", " (again, round ", 1), "utf-8")
            one = ingest(store, [other], validate=False)
        kind = "dated" if dated else "undated"
        print(
            f"{events:>7} events {articles:>6} {kind:<7} articles | ingest {ingest_s:7.1f} s"
            f" ({report.count('stored')} docs) | kg link {linked.seconds:6.1f} s"
            f" = {linked.seconds / articles * 1000:5.1f} ms/article, {linked.links} links"
            f" | best link: own event {right:6.1%}, same headline {alike:6.1%};"
            f" own event among the links {among:6.1%}"
            f" | linking after +1 page {_seconds(page):5.2f} s"
            f" ({page.links.articles if page.links else 0} articles relinked),"
            f" after +1 article {_seconds(one):5.2f} s"
        )


def _seconds(report: IngestReport) -> float:
    return report.links.seconds if report.links is not None else 0.0


def main() -> None:
    """Print the figures for each corpus size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="1000,10000", help="comma-separated sizes")
    parser.add_argument("--dated", action="store_true", help="also run with dated articles")
    args = parser.parse_args()
    for events in (int(n) for n in args.events.split(",")):
        run(events, dated=False)
        if args.dated:
            run(events, dated=True)


if __name__ == "__main__":
    main()
