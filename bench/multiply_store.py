"""A bigger store from a smaller one: its quads N times, IRIs and blank nodes renamed per copy.

For measuring what grows with the store (``kg validate --all``'s memory) beyond what a corpus
ingest can build in the time at hand: ingesting 10k synthetic events takes about 12 minutes on
2 cores, 100k several hours. Each copy renames the data IRIs (``/id/``), the document, link and
same-event graphs (a suffix ``-cN`` at the end, so an event IRI keeps its date) and the blank
nodes; the ontology and the state graphs are shared. Actors and places are renamed too, so the
copy has N times the distinct actors a real corpus of that size would have.

    python bench/multiply_store.py STORE-10000 OUT --copies 5
    python bench/validate.py --child OUT --mode compiled
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

_RENAMED = "id|graph/doc|graph/links|graph/same-event"


def multiply(source: Path, target: Path, copies: int) -> None:
    """Load ``source``'s quads ``copies`` times into the new store ``target``."""
    with tempfile.TemporaryDirectory(prefix="kg-multiply-") as folder:
        dump = Path(folder) / "all.nq"
        started = time.perf_counter()
        ox.Store.read_only(str(source)).dump(str(dump), ox.RdfFormat.N_QUADS)
        print(f"dumped in {time.perf_counter() - started:.0f} s", flush=True)
        store = ox.Store(str(target))
        for copy in range(copies):
            started = time.perf_counter()
            if copy == 0:
                store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            else:
                rename = (f"s#(<https://w3id.org/diplomacy-kg/({_RENAMED})/[^>]*)>#\\1-c{copy}>#g;"
                          f" s#_:([A-Za-z0-9]+)#_:c{copy}x\\1#g")
                sed = subprocess.Popen(["sed", "-E", rename, str(dump)], stdout=subprocess.PIPE)
                assert sed.stdout is not None
                store.bulk_load(sed.stdout, format=ox.RdfFormat.N_QUADS)
                if sed.wait() != 0:
                    raise SystemExit("sed failed")
            print(f"copy {copy}: {time.perf_counter() - started:.0f} s, {len(store)} quads",
                  flush=True)
        store.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="an embedded store folder no process holds")
    parser.add_argument("target", type=Path, help="the new store folder")
    parser.add_argument("--copies", type=int, default=5)
    args = parser.parse_args()
    multiply(args.source, args.target, args.copies)


if __name__ == "__main__":
    main()
