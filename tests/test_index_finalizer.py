"""A store's text index is forgotten by a finalizer that the garbage collector may run on the
very thread that holds the index table's lock (issue 14: an ingest hung for good, once the
collector ran at another pace)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SCENE = textwrap.dedent("""
    import gc
    import kg.search.sync as sync
    from kg.store import open_store

    store = open_store("memory:")
    store.cycle = store  # only the collector frees it
    sync.index_for(store)
    del store
    with sync._opening:  # as index_for holds it when an allocation sets the collector off
        gc.collect()
    print("done")
""")


def test_a_store_collected_while_the_index_table_is_held_does_not_hang() -> None:
    run = subprocess.run([sys.executable, "-c", SCENE], cwd=REPO, capture_output=True,
                         text=True, timeout=20)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "done"
