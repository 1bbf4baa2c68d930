"""The same corpus on each store backend: ingest, infer and export times, and whether they agree.

Generates the synthetic corpus (bench/corpus.py), then for an embedded store on disk and for
each SPARQL endpoint given (an ``oxigraph serve``, a Virtuoso started with a ``ResultSetMaxRows``
above the largest answer): empties it, ingests the corpus, runs ``kg infer``'s engine and
exports the named graphs as N-Quads, printing the seconds of each step and the quad counts,
which must be equal on every backend. The servers are the caller's to start and stop.

    oxigraph serve --location /tmp/ox --bind 127.0.0.1:7878 &
    virtuoso-t -f -c virtuoso.ini &     # [SPARQL] ResultSetMaxRows = 1000000
    python bench/backends.py --events 300 http://127.0.0.1:7878/query http://127.0.0.1:8890/sparql
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import write_corpus
from kg.pipeline import ingest
from kg.reason import infer
from kg.search import use_index
from kg.store import open_store


def measure(url: str, corpus: Path, work: Path) -> str:
    """One backend's line: documents, quads, and the seconds of ingest, infer and export."""
    store = open_store(url)
    try:
        store.clear()
        if store.remote:
            use_index(store, work / f"index-{abs(hash(url))}.sqlite")
        start = time.perf_counter()
        report = ingest(store, [corpus])
        ingested = time.perf_counter() - start
        start = time.perf_counter()
        infer(store)
        inferred = time.perf_counter() - start
        out = io.BytesIO()
        start = time.perf_counter()
        store.dump(out, "nquads")
        exported = time.perf_counter() - start
        return (f"| {store.url} | {report.count('stored')} | {store.quad_count()} | "
                f"{len(out.getvalue().splitlines())} | {ingested:.1f} | {inferred:.1f} | "
                f"{exported:.1f} |")
    finally:
        store.close()


def main() -> None:
    """Measure each backend on one corpus and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("urls", nargs="*", help="SPARQL endpoints to measure beside the disk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        write_corpus(work / "corpus", args.events)
        print("| store | documents | quads | exported quads | ingest s | infer s | export s |")
        print("|---|---|---|---|---|---|---|")
        for url in [str(work / "disk"), *args.urls]:
            print(measure(url, work / "corpus", work), flush=True)


if __name__ == "__main__":
    main()
