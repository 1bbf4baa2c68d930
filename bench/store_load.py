"""Load throughput of ``Store.replace_graphs``: N documents of ~30 triples, in batches.

Prints documents and triples per second for a fresh load and for replacing every document
again, per backend and batch size. Never fails on timing.

Example:

    python bench/store_load.py --docs 10000 --batch 1 --batch 100 --batch 1000 --backend disk
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.store import Store, Triple, open_store
from kg.vocab import DEFAULT_BASE, DIP, GRAPH_BASE


def document(i: int, size: int = 30) -> tuple[str, list[Triple]]:
    """One document's graph IRI and triples, shaped like the mapper's output."""
    rng = random.Random(i)
    day = f"2020-01-{i % 28 + 1:02d}"
    event = URIRef(f"{DEFAULT_BASE}event/{day}/leaders-meet-{i}")
    article = URIRef(f"{DEFAULT_BASE}article/{i:016x}")
    triples: list[Triple] = [
        (event, RDF.type, DIP.Meeting),
        (event, DIP.date, Literal(day, datatype=XSD.date)),
        (article, RDF.type, DIP.Article),
        (article, DIP.headline, Literal(f'Leaders meet "again" #{i}\nin Geneva', lang="en")),
        (article, DIP.reports, event),
        (article, DIP.text, Literal("Lorem ipsum dolor sit amet, " * 10)),
        (event, DIP.place, URIRef(f"{DEFAULT_BASE}place/p{rng.randrange(100)}")),
        (event, DIP.topic, URIRef(f"{DEFAULT_BASE}topic/t{rng.randrange(30)}")),
        (article, DIP.published, Literal(f"{day}T10:00:00", datatype=XSD.dateTime)),
        (article, DIP.url, Literal(f"https://news.example/{i}", datatype=XSD.anyURI)),
    ]
    for n in rng.sample(range(500), k=max(0, size - len(triples) + 1) // 2):
        actor = URIRef(f"{DEFAULT_BASE}person/p{n}")
        triples.append((event, DIP.participant, actor))
        triples.append((actor, RDFS.label, Literal(f"Person {n}")))
    return f"{GRAPH_BASE}doc/{i:020x}", triples[:size]


def load(store: Store, docs: list[tuple[str, list[Triple]]], batch: int) -> float:
    """Seconds to write every document, ``batch`` documents per replace_graphs call."""
    start = time.perf_counter()
    for i in range(0, len(docs), batch):
        store.replace_graphs(dict(docs[i : i + batch]))
    return time.perf_counter() - start


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[str]:
    """The query URL of an ``oxigraph serve`` process, stopped on exit."""
    binary = Path(sys.executable).parent / "oxigraph"
    command = str(binary) if binary.is_file() else shutil.which("oxigraph")
    if command is None:
        raise SystemExit("the oxigraph server binary is not installed (pip install oxigraph)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [command, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D",
                                            timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("oxigraph serve did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def backend_store(kind: str, folder: Path) -> Iterator[Store]:
    if kind == "remote":
        with oxigraph_server(folder) as url, open_store(url) as store:
            yield store
    else:
        with open_store("memory:" if kind == "memory" else folder) as store:
            yield store


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--triples", type=int, default=30)
    parser.add_argument("--batch", type=int, action="append")
    parser.add_argument("--backend", action="append", choices=["disk", "memory", "remote"])
    args = parser.parse_args()
    batches = args.batch or [1, 10, 100, 1000]
    backends = args.backend or ["disk", "memory", "remote"]
    docs = [document(i, args.triples) for i in range(args.docs)]
    total = sum(len(t) for _, t in docs)
    print(f"{args.docs} documents, {total} triples")
    print(f"{'backend':8} {'batch':>6} {'load s':>8} {'docs/s':>8} {'triples/s':>10} "
          f"{'replace s':>10} {'docs/s':>8}")
    for kind in backends:
        for batch in batches:
            with tempfile.TemporaryDirectory() as tmp, backend_store(kind, Path(tmp)) as store:
                fresh = load(store, docs, batch)
                again = load(store, docs, batch)
                assert store.quad_count() == total
            print(f"{kind:8} {batch:6d} {fresh:8.2f} {args.docs / fresh:8.0f} "
                  f"{total / fresh:10.0f} {again:10.2f} {args.docs / again:8.0f}", flush=True)


if __name__ == "__main__":
    main()
