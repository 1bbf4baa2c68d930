"""How long the explorer's pages take on a corpus bigger than the examples.

Generates the synthetic corpus (bench/corpus.py), ingests it into an embedded store with its
text index, serves it with ``kg serve`` and times, for the busiest actor and one of its
events, each explorer page (all its named queries and the HTML) and each picture's data (the
JSON its script reads), each the same number of times, one request at a time.

    python bench/explorer.py --events 2000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kg.search import INDEX_FILE


def get(url: str, accept: str = "text/html") -> bytes:
    """One GET; the body."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as response:
        body: bytes = response.read()
        return body


def timed(url: str, repeat: int, accept: str = "text/html") -> tuple[list[float], int]:
    """Milliseconds of ``repeat`` GETs after one to warm up; the body's size."""
    size = len(get(url, accept))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(url, accept)
        times.append((time.perf_counter() - started) * 1000)
    return times, size


def build(folder: Path, events: int) -> tuple[Path, dict[str, object]]:
    """Corpus → ingested store with its text index, copied to a folder to serve."""
    from corpus import write_corpus

    from kg.pipeline import ingest, reindex
    from kg.store import OxigraphStore

    files = write_corpus(folder / "corpus", events)
    store = OxigraphStore(folder / "store")
    started = time.perf_counter()
    ingest(store, [folder / "corpus"], validate=False)
    reindex(store)
    info: dict[str, object] = {"events": events, "files": files,
                               "triples": store.triple_count(),
                               "ingest_s": round(time.perf_counter() - started, 1)}
    served = folder / "served"
    store.backup(served)
    assert store.path is not None
    with contextlib.closing(sqlite3.connect(store.path / INDEX_FILE)) as source, \
            contextlib.closing(sqlite3.connect(served / INDEX_FILE)) as target:
        source.backup(target)
    store.close()
    return served, info


def main() -> None:
    """Build, serve, time, print a table."""
    from endpoint import kg_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-explorer-") as tmp:
        served, info = build(Path(tmp), args.events)
        with kg_server(served, Path(tmp) / "serve.log") as endpoint:
            root = endpoint.removesuffix("sparql").rstrip("/")
            results = "application/sparql-results+json"
            busiest = json.loads(get(root + "/queries/busiest_actors", results))
            top = busiest["results"]["bindings"][0]
            actor, name = top["actor"]["value"], top["name"]["value"]
            events = json.loads(get(root + "/queries/events_with_actor?" + urllib.parse.urlencode(
                {"actor": actor}), results))["results"]["bindings"]
            event = events[len(events) // 2]["event"]["value"]
            urls = {
                "/explore (busiest actors)": (root + "/explore", "text/html"),
                "/explore?q=summit": (root + "/explore?q=summit", "text/html"),
                f"/explore/actor ({name}, {top['events']['value']} events)":
                    (root + "/explore/actor?" + urllib.parse.urlencode({"iri": actor}),
                     "text/html"),
                "actor_timeline JSON": (root + "/queries/actor_timeline?" +
                                        urllib.parse.urlencode({"actor": actor}), results),
                "actor_network JSON": (root + "/queries/actor_network?" +
                                       urllib.parse.urlencode({"actor": actor}), results),
                "/explore/event": (root + "/explore/event?" +
                                   urllib.parse.urlencode({"iri": event}), "text/html"),
                "event_network JSON": (root + "/queries/event_network?" +
                                       urllib.parse.urlencode({"event": event}), results),
            }
            print(f"{info['events']} events, {info['files']} files, {info['triples']} triples "
                  f"(ingest and index {info['ingest_s']} s); {args.repeat} requests each\n")
            print("| request | p50 ms | p95 ms | max ms | KB |")
            print("|---|---:|---:|---:|---:|")
            for label, (url, accept) in urls.items():
                times, size = timed(url, args.repeat, accept)
                ordered = sorted(times)
                p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
                print(f"| {label} | {statistics.median(times):.0f} | {p95:.0f} | "
                      f"{max(times):.0f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
