"""The SPARQL endpoint under load: ``kg serve`` against ``oxigraph serve`` on the same data.

Generates the synthetic corpus (bench/corpus.py), ingests it once, copies the store (so both
servers read identical RocksDB data), starts both servers on 127.0.0.1 and sends the same
named-query texts to each at concurrency 1 and 8, counting requests per second and the
median and 95th-percentile latency. Every load loop is bounded in requests and in time.

    python bench/endpoint.py --events 10000            # prints the table
    python bench/endpoint.py --events 10000 --record   # and appends it to bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: The named queries measured, with their parameters.
QUERIES: dict[str, dict[str, str]] = {
    "events_with_actor": {"actor": "Vladimir Putin"},
    "events_with_two_actors": {"actor1": "George W. Bush", "actor2": "Vladimir Putin"},
    "post_holders": {},
}
CONCURRENCY = (1, 8)
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Figures:
    """What one (server, query, concurrency) run measured."""

    requests: int
    seconds: float
    latencies: list[float]
    rows: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            parts = urllib.parse.urlsplit(url)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            connection.request("GET", parts.path + "?query=ASK%7B%7D")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextlib.contextmanager
def kg_server(store: Path, log: Path) -> Iterator[str]:
    """``kg serve`` on ``store``; yields its SPARQL endpoint URL."""
    command = [sys.executable, "-c", "from kg.cli import main; main()", "--store", str(store),
               "serve", "--port", "0", "--max-rows", "1000000"]
    env = {**os.environ, "KG_ACCESS_LOG": ""}
    with log.open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, env=env)
        try:
            assert process.stdout is not None
            line = process.stdout.readline().decode()
            url = line.split(" at ", 1)[1].split(" ", 1)[0] + "sparql"
            wait_for(url)
            yield url
        finally:
            process.terminate()
            process.wait(30)


@contextlib.contextmanager
def oxigraph_server(store: Path, log: Path) -> Iterator[str]:
    """``oxigraph serve`` on ``store``; yields its query endpoint URL."""
    binary = Path(sys.executable).parent / "oxigraph"
    command = [str(binary if binary.exists() else shutil.which("oxigraph")), "serve",
               "--location", str(store), "--bind", f"127.0.0.1:{free_port()}"]
    with log.open("wb") as err:
        process = subprocess.Popen(command, stdout=err, stderr=subprocess.STDOUT)
        try:
            url = f"http://{command[-1]}/query"
            wait_for(url)
            yield url
        finally:
            process.terminate()
            process.wait(30)


def load(url: str, query: str, concurrency: int, *, requests: int, seconds: float) -> Figures:
    """Send ``query`` from ``concurrency`` threads until ``requests`` or ``seconds`` run out."""
    parts = urllib.parse.urlsplit(url)
    body = query.encode("utf-8")
    headers = {"Content-Type": "application/sparql-query",
               "Accept": "application/sparql-results+json"}
    latencies: list[float] = []
    rows: list[int] = []
    lock = threading.Lock()
    sent = 0
    deadline = time.monotonic() + seconds
    errors: list[str] = []

    def client() -> None:
        nonlocal sent
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            while True:
                with lock:
                    if sent >= requests or time.monotonic() > deadline:
                        return
                    sent += 1
                started = time.perf_counter()
                connection.request("POST", parts.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
                if response.status != 200:
                    errors.append(f"{response.status}: {data[:200]!r}")
                    return
                with lock:
                    latencies.append(elapsed)
                    if not rows:
                        rows.append(len(json.loads(data)["results"]["bindings"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{url}: {errors[0]}")
    return Figures(len(latencies), wall, latencies, rows[0] if rows else 0)


def prepare(folder: Path, events: int) -> tuple[Path, Path, dict[str, object]]:
    """Corpus → ingested store → an identical copy for Oxigraph; returns both folders."""
    from corpus import write_corpus

    from kg.pipeline import ingest
    from kg.store import OxigraphStore

    corpus = folder / "corpus"
    files = write_corpus(corpus, events)
    store_path = folder / "kg-store"
    store = OxigraphStore(store_path)
    started = time.perf_counter()
    report = ingest(store, [corpus], validate=False)
    info: dict[str, object] = {
        "files": files,
        "events": sum(r.events for r in report.results),
        "documents": report.count("stored"),
        "triples": store.triple_count(),
        "quads": store.quad_count(),
        "ingest_seconds": round(time.perf_counter() - started, 1),
    }
    copy = folder / "oxigraph-store"
    started = time.perf_counter()
    store.backup(copy)
    info["backup_seconds"] = round(time.perf_counter() - started, 3)
    store.close()
    return store_path, copy, info


def query_texts() -> dict[str, str]:
    """The named queries with their parameters bound, as the endpoint binds them."""
    from kg.queries import bind_params, load_queries
    from kg.store import _with_values  # the same VALUES binding both servers can read

    named = load_queries()
    return {name: _with_values(named[name].text, bind_params(named[name], params))
            for name, params in QUERIES.items()}


def main() -> None:
    """Prepare the data, measure both servers, print the table (and record it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400, help="per run, at most")
    parser.add_argument("--seconds", type=float, default=15.0, help="per run, at most")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    texts = query_texts()
    with tempfile.TemporaryDirectory(prefix="kg-bench-endpoint-") as tmp:
        folder = Path(tmp)
        kg_store, ox_store, info = prepare(folder, args.events)
        print(f"data: {json.dumps(info)}", flush=True)
        results: dict[tuple[str, str, int], Figures] = {}
        servers = {"kg serve": (kg_server, kg_store), "oxigraph serve": (oxigraph_server,
                                                                       ox_store)}
        for label, (start, store) in servers.items():
            with start(store, folder / f"{label.split()[0]}.log") as url:
                for name, text in texts.items():
                    load(url, text, 1, requests=3, seconds=30)  # warm up
                    for concurrency in CONCURRENCY:
                        figures = load(url, text, concurrency, requests=args.requests,
                                       seconds=args.seconds)
                        results[(label, name, concurrency)] = figures
                        print(f"{label:<15} {name:<24} c={concurrency}  "
                              f"{figures.rps:8.1f} req/s  median {figures.median_ms:7.1f} ms  "
                              f"p95 {figures.p95_ms:7.1f} ms  ({figures.requests} requests, "
                              f"{figures.rows} rows)", flush=True)
    table = render(results, info, args)
    print()
    print(table)
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n" + table)
        print(f"appended to {RESULTS}")


def render(results: dict[tuple[str, str, int], Figures], info: dict[str, object],
           args: argparse.Namespace) -> str:
    """The Markdown section for bench/RESULTS.md."""
    lines = [
        f"## Endpoint: `kg serve` against `oxigraph serve` ({datetime.now(UTC):%Y-%m-%d})",
        "",
        f"`python bench/endpoint.py --events {args.events}` on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; data: {info['events']} events in "
        f"{info['documents']} documents, {info['triples']} triples ({info['quads']} quads), "
        f"the same RocksDB data for both servers (a backup of the ingested store, "
        f"{info['backup_seconds']} s). Each run: at most {args.requests} requests or "
        f"{args.seconds:g} s, POST `application/sparql-query`, JSON results, keep-alive. "
        "`kg serve` with its defaults (2 query worker processes on checkpoints, 8 threads).",
        "",
        "| query | concurrency | kg req/s | kg median ms | kg p95 ms | oxigraph req/s "
        "| oxigraph median ms | oxigraph p95 ms | kg/oxigraph req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in QUERIES:
        for concurrency in CONCURRENCY:
            ours = results[("kg serve", name, concurrency)]
            theirs = results[("oxigraph serve", name, concurrency)]
            lines.append(
                f"| {name} ({ours.rows} rows) | {concurrency} | {ours.rps:.1f} | "
                f"{ours.median_ms:.1f} | {ours.p95_ms:.1f} | {theirs.rps:.1f} | "
                f"{theirs.median_ms:.1f} | {theirs.p95_ms:.1f} | {ours.rps / theirs.rps:.2f} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
