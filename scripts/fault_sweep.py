"""Kill a `kg` command after each of its writes to the store, run it again, and say what is left.

For every N from 1 to the number of writes a clean run makes, a copy of the store BASE gets
the command with ``KG_FAULT_AFTER=N`` (kg.store.fault: the process hard-exits just after its
Nth write), then the command again; each line tells the orphans and missing quads left by the
kill and by the rerun, whether the named graphs equal a clean run's (timestamps and blank node
labels aside) and which `kg check` invariants fail. Chunks are made small, as in
tests/issues/test_issue_12_derived.py, so that a few documents take every write path.

    python scripts/fault_sweep.py --base STORE infer
    python scripts/fault_sweep.py --base EMPTY_STORE ingest -q examples/000_30323f190908bd9a.txt

With ``--web METHOD PATH``, the process killed is ``kg serve`` (writes allowed, on loopback)
while it answers that request (``--body FILE``, ``--content-type``); the next command is then
``kg check --repair``. Each line also tells whether every asserted graph is as before or as a
clean run leaves it (not torn), whether a write the gate rejected was kept, and whether `kg
check` called the derived data current before the repair while the documents had changed.

    python scripts/fault_sweep.py --base STORE --web POST /sparql --body update.rq \\
        --content-type application/sparql-update
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import NamedTuple

from rdflib import BNode, Literal

from kg.iri import is_derived_graph
from kg.pipeline import SOFTWARE_IRI, check_store, repair_store
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


Graphs = dict[str, frozenset[tuple[str, ...]]]


def asserted(store: Store) -> Graphs:
    """Every asserted (not derived) named graph's triples, written as :func:`quads` writes them."""
    graphs: dict[str, set[tuple[str, ...]]] = {}
    for *triple, graph in quads(store):
        if not is_derived_graph(graph):
            graphs.setdefault(graph, set()).add(tuple(triple))
    return {g: frozenset(t) for g, t in graphs.items()}


def torn(killed: Graphs, before: Graphs, after: Graphs) -> list[str]:
    """The asserted graphs that are neither as before the write nor as a clean run leaves them."""
    empty: frozenset[tuple[str, ...]] = frozenset()
    return sorted(g for g in {*killed, *before, *after}
                  if killed.get(g, empty) not in (before.get(g, empty), after.get(g, empty)))


class WebWrite(NamedTuple):
    """A client's write to `kg serve`."""

    method: str
    path: str
    body: bytes = b""
    content_type: str = "text/plain"


def serve_write(store: Path, write: WebWrite, **env: str) -> tuple[int | None, int]:
    """`kg serve` on ``store`` in a process of its own, sent ``write``, then stopped.

    Returns the answer's status (None if the server died first) and the server's exit status.
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    command = [sys.executable, "-c", DRIVER, "--store", str(store), "serve", "--port", "0",
               "--workers", "0", "--allow-update", "--no-update-token"]
    process = subprocess.Popen(command, env={**environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    status: int | None = None
    try:
        assert process.stdout is not None
        banner = process.stdout.readline().decode()
        if " at http://" not in banner:
            raise RuntimeError(f"kg serve did not start: {banner!r}")
        url = urllib.parse.urlsplit(banner.split(" at ", 1)[1].split(" ", 1)[0])
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=120)
        # A server killed halfway answers nothing: the connection just ends.
        with contextlib.suppress(http.client.HTTPException, OSError):
            connection.request(write.method, write.path, body=write.body,
                               headers={"Content-Type": write.content_type})
            response = connection.getresponse()
            response.read()
            status = response.status
        connection.close()
    finally:
        if process.poll() is None:
            process.terminate()
        code = process.wait(60)
        if process.stdout is not None:
            process.stdout.close()
    return status, code


def sweep_web(base: Path, write: WebWrite, work: Path) -> int:
    """Kill `kg serve` after each write it makes for ``write``; print a line each; how many
    kill points end wrong."""
    clean, log = work / "clean", work / "writes"
    shutil.copytree(base, clean)
    with open_store(clean) as store:
        before = asserted(store)
    status, _ = serve_write(clean, write, KG_FAULT_COUNT_FILE=str(log))
    if status is None or status >= 500:
        sys.exit(f"the clean run failed: {status}")
    rejected = status == 422
    writes = log.read_text(encoding="utf-8").split() if log.exists() else []
    with open_store(clean) as store:
        after = asserted(store)
    print(f"{write.method} {write.path}: {status}; {len(writes)} writes: {' '.join(writes)}")
    wrong = 0
    for n, kind in enumerate(writes, 1):
        copy = work / f"killed-{n}"
        shutil.copytree(base, copy)
        _, code = serve_write(copy, write, KG_FAULT_AFTER=str(n))
        if code != 137:
            sys.exit(f"the server to be killed after write {n} was not ({code})")
        with open_store(copy) as store:
            orphans = store.merge_faults()
            killed = asserted(store)
            broken = torn(killed, before, after)
            kept = rejected and killed != before
            # Documents changed, yet the derived data recorded current: it would stay wrong.
            unnoticed = killed != before and all(f.ok for f in check_store(store, scan=False))
            repair_store(store, software=SOFTWARE_IRI)
            failing = [f.name for f in check_store(store) if not f.ok]
        wrong += orphans != (0, 0) or bool(broken) or kept or unnoticed or bool(failing)
        print(f"kill after write {n} ({kind}): orphans, missing {orphans}; torn graphs "
              f"{len(broken)}; rejected kept: {kept}; stale unnoticed: {unnoticed}; "
              f"after kg check --repair failing: {failing or 'none'}")
        shutil.rmtree(copy)
    print(f"{wrong} of {len(writes)} kill points end wrong")
    return wrong


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
    parser.add_argument("--web", nargs=2, metavar=("METHOD", "PATH"),
                        help="kill kg serve answering this request instead of a command")
    parser.add_argument("--body", type=Path, help="the request's body (with --web)")
    parser.add_argument("--content-type", default="text/plain", help="the body's media type")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the kg command and its args")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-fault-sweep-"))
    if args.web:
        body = args.body.read_bytes() if args.body else b""
        method, path = args.web
        try:
            sys.exit(1 if sweep_web(args.base, WebWrite(method, path, body, args.content_type),
                                    work) else 0)
        finally:
            shutil.rmtree(work, ignore_errors=True)
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
