"""Kill a `kg` command after each of its writes to the store, run it again, and say what is left.

For every N from 1 to the number of writes a clean run makes, a copy of the store BASE gets
the command with ``KG_FAULT_AFTER=N`` (kg.store.fault: the process hard-exits just after its
Nth write), then the command again; each line tells the orphans and missing quads left by the
kill and by the rerun, whether the named graphs equal a clean run's (timestamps and blank node
labels aside) and which `kg check` invariants fail. Chunks are made small, as in
tests/issues/test_issue_12_derived.py, so that a few documents take every write path.

    python scripts/fault_sweep.py --base STORE infer
    python scripts/fault_sweep.py --base EMPTY_STORE ingest -q examples/000_30323f190908bd9a.txt
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rdflib import BNode, Literal

from kg.pipeline import check_store
from kg.store import Store, open_store
from kg.vocab import XSD

DRIVER = """
import sys
import kg.link.find, kg.pipeline.ingester, kg.reason.spool, kg.store.merge
kg.reason.spool._SPOOL_CHUNK = 5
kg.reason.spool._SPOOL_FILE_TRIPLES = 8
kg.store.merge._CHUNK_CHECKS = 40
kg.link.find.CHUNK = 1
kg.pipeline.ingester.Ingester.__init__.__kwdefaults__["batch_size"] = 1
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
main()
"""


def quads(store: Store) -> set[tuple[str, ...]]:
    """The named graphs' quads, but timestamps, with every blank node written alike."""
    rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {tuple("_:b" if isinstance(t, BNode) else str(t) for t in row) for row in rows
            if not (isinstance(row[2], Literal) and row[2].datatype == XSD.dateTime)}


def run(store: Path, command: list[str], **env: str) -> int:
    """The command on ``store`` in a process of its own; its exit status."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    done = subprocess.run([sys.executable, "-c", DRIVER, "--store", str(store), *command],
                          env={**environ, **env}, capture_output=True, text=True, check=False)
    return done.returncode


def main() -> None:
    """Sweep the kill points of one command; exit status 1 if one ends wrong."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the store to start from")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the kg command and its args")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-fault-sweep-"))
    try:
        clean, log = work / "clean", work / "writes"
        shutil.copytree(args.base, clean)
        if run(clean, args.command, KG_FAULT_COUNT_FILE=str(log)) != 0:
            sys.exit("the clean run failed")
        writes = log.read_text(encoding="utf-8").split()
        with open_store(clean) as store:
            expected = quads(store)
        print(f"{len(writes)} writes: {' '.join(writes)}")
        wrong = 0
        for n, kind in enumerate(writes, 1):
            copy = work / f"killed-{n}"
            shutil.copytree(args.base, copy)
            if run(copy, args.command, KG_FAULT_AFTER=str(n)) != 137:
                sys.exit(f"the run to be killed after write {n} was not")
            with open_store(copy) as store:
                killed = store.merge_faults()
            if run(copy, args.command) != 0:
                sys.exit(f"the rerun after a kill after write {n} failed")
            with open_store(copy) as store:
                after, same = store.merge_faults(), quads(store) == expected
                failing = [f.name for f in check_store(store) if not f.ok]
            wrong += after != (0, 0) or not same or bool(failing)
            print(f"kill after write {n} ({kind}): orphans, missing {killed}; after the rerun "
                  f"{after}, as a clean run: {same}, kg check failing: {failing or 'none'}")
            shutil.rmtree(copy)
        print(f"{wrong} of {len(writes)} kill points end wrong")
        sys.exit(1 if wrong else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
