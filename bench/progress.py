"""What showing progress costs: the long phases timed unwatched and with a live bar.

Generates the synthetic corpus (bench/corpus.py), ingests it without linking, then runs each
long phase (the article links, the same-event links, the fast inference, the text index made
again) twice: once with the library's default (:func:`kg.progress.no_progress`) and once
with the CLI's rich bars drawn on a pseudo-terminal (read by a thread, as a terminal would),
and prints both times, the phase's total and how many times ``advance`` was called.

    python bench/progress.py --events 2000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kg.cli.progress import Reporter
from kg.pipeline import (
    SOFTWARE_IRI,
    infer,
    ingest,
    link_all,
    link_same_events_all,
    reindex,
)
from kg.progress import Advance, Progress, no_progress
from kg.store import Store, open_store


class _Counting:
    """Wraps a progress hook, counting the phases' totals and the calls of ``advance``."""

    def __init__(self, inner: Progress) -> None:
        self.inner, self.totals, self.calls = inner, [], 0

    def __call__(self, name: str, total: int | None, unit: str) -> Advance:
        self.totals.append(f"{name}: {total} {unit}")
        advance = self.inner(name, total, unit)

        def counted(n: int) -> None:
            self.calls += 1
            advance(n)

        return counted


def _terminal() -> tuple[Reporter, Callable[[], None]]:
    """A live reporter drawing on a pty whose other end a thread reads and discards."""
    master, slave = os.openpty()
    stream = os.fdopen(slave, "w", encoding="utf-8")
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()

    def close() -> None:
        stop.set()
        stream.close()
        os.close(master)

    return Reporter(stream=stream), close


PHASES: dict[str, Callable[[Store, Progress], object]] = {
    "kg link": lambda s, p: link_all(s, software=SOFTWARE_IRI, progress=p),
    "kg same-events": lambda s, p: link_same_events_all(s, software=SOFTWARE_IRI, progress=p),
    "kg infer": lambda s, p: infer(s, progress=p),
    "kg reindex": lambda s, p: reindex(s, progress=p),
}


def run(events: int) -> None:
    """Build the corpus and store for ``events`` events and print each phase's two times."""
    from corpus import write_corpus

    with tempfile.TemporaryDirectory(prefix="kg-bench-progress-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, events)
        with open_store(Path(tmp) / "store") as store:
            ingest(store, [corpus], validate=False, link=False)
            for name, phase in PHASES.items():
                started = time.perf_counter()
                phase(store, no_progress)
                quiet = time.perf_counter() - started
                out, close = _terminal()
                try:
                    with out.phases() as hook:
                        watched = _Counting(hook)
                        started = time.perf_counter()
                        phase(store, watched)
                        live = time.perf_counter() - started
                finally:
                    close()
                print(f"{events:>6} events | {name:<15} unwatched {quiet:6.2f} s | "
                      f"live bar {live:6.2f} s ({live - quiet:+.2f}) | "
                      f"{watched.calls} advances; {'; '.join(watched.totals)}")


def main() -> None:
    """Print the figures for each corpus size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="2000", help="comma-separated sizes")
    args = parser.parse_args()
    for size in (int(s) for s in args.events.split(",")):
        run(size)


if __name__ == "__main__":
    main()
