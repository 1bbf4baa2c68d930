"""`kg infer` alone: a first run, a rerun on the unchanged store, and the peak memory.

Either on a store of the synthetic corpus (bench/corpus.py) that it ingests first, without
the validation gate (``--events N``), or on a copy of an existing store folder (``--store``;
its inferred graph is dropped first, so the first run computes it all).

    python bench/infer.py --events 10000
    python bench/infer.py --store /tmp/bv/store-10000
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from kg.pipeline import ingest
from kg.reason import drop_inferred, infer
from kg.store import open_store


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--events", type=int, help="ingest this many synthetic events first")
    source.add_argument("--store", type=Path, help="copy this store folder and use the copy")
    parser.add_argument("--workdir", type=Path, help="keep the corpus and the store here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-infer-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store_path = workdir / "store"
    shutil.rmtree(store_path, ignore_errors=True)
    try:
        if args.store is not None:
            shutil.copytree(args.store, store_path)
        else:
            corpus = workdir / "corpus"
            write_corpus(corpus, args.events)
            with open_store(store_path) as store:
                started = time.perf_counter()
                ingest(store, [corpus], validate=False, link=False)
                print(f"ingested {args.events} events in {time.perf_counter() - started:.1f} s")
        with open_store(store_path) as store:
            drop_inferred(store)
            print(f"store: {store.triple_count()} triples, {store.quad_count()} quads")
            first = infer(store)
            print(f"kg infer, first run: {first.seconds:.1f} s, {first.triples} triples "
                  f"(+{first.added} -{first.removed}), peak RSS so far {peak_mb():.0f} MB")
            again = infer(store)
            print(f"kg infer, rerun:     {again.seconds:.1f} s (+{again.added} "
                  f"-{again.removed}), peak RSS {peak_mb():.0f} MB")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
