"""Resident memory of an ingest as it goes: RSS every N documents, and the peak.

Ingests ``bench/corpus.py``'s corpus of ``--events`` events into a new store with the
defaults of ``kg ingest`` (gate on, links, text index) in this process, and prints its RSS
every ``--every`` documents, then at the end with the peak (``getrusage``):

    python bench/ingest_rss.py --events 4000 --every 1200
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from kg.ingest_report import FileResult
from kg.pipeline import ingest
from kg.store import open_store


def rss_mb() -> int:
    """This process's resident size now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 // 2**20


def main() -> None:
    """Print the RSS series of one ingest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--every", type=int, default=1000, help="documents between figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-rss-") as folder:
        corpus = Path(folder) / "corpus"
        write_corpus(corpus, args.events)
        seen = 0
        started = time.perf_counter()

        def on_result(result: FileResult) -> None:
            nonlocal seen
            seen += 1
            if seen % args.every == 0:
                print(f"{seen:7d} documents {rss_mb():6d} MB "
                      f"{time.perf_counter() - started:7.1f} s", flush=True)

        with open_store(Path(folder) / "store") as store:
            ingest(store, [corpus], on_result=on_result)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"    end {rss_mb():6d} MB, peak {peak} MB, "
              f"{time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
