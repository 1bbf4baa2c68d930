"""Fair serving: cheap queries and /health beside clients that send slow queries.

Starts a real ``kg serve`` (a subprocess on 127.0.0.1) on a store of examples/ and tests/data,
then measures, in the same run:

- baseline: 4 cheap-query clients alone;
- load: the same 4 cheap clients beside 6 clients (``--slow-clients``) sending slow queries
  (a cross join that takes seconds), for ``--seconds``;
- a prober reading /health every 0.25 s in both phases;
- memory: a second server on a larger synthetic store (bench/corpus.py, ``--events``) with
  ``--max-rows 1000000``, and 6 concurrent ``GET /store?default``: the server's peak and
  kept RSS.

Every client has its own loopback address (127.0.0.x), as separate machines would. Cheap
clients send the next query at once (0.1 s after an error); slow clients wait what
``Retry-After`` says (at most 5 s) and send the same query again, a new one after an answer.

    python bench/fairness.py                              # the code in this checkout
    python bench/fairness.py --kg-root /tmp/before        # the server from another checkout
    python bench/fairness.py --record "after"             # and append to bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
CHEAP_CLIENTS, SLOW_CLIENTS, READERS = 4, 6, 6
#: About 3 s of one core on the examples store: every type pair, twice.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a a ?t . ?b a ?u . VALUES ?k {{ 1 2 }} }} # {tag}"


@dataclass
class Tally:
    """What one kind of client saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.latencies.append(seconds)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def errors(self) -> int:
        return self.total - self.statuses.get(200, 0)

    def quantile_ms(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000

    def summary(self, seconds: float) -> str:
        rate = 100 * self.errors() / self.total if self.total else 0.0
        median = statistics.median(self.latencies) * 1000 if self.latencies else float("nan")
        return (f"{self.total} requests ({self.total / seconds:.1f}/s), p50 {median:.0f} ms, "
                f"p95 {self.quantile_ms(0.95):.0f} ms, max {self.quantile_ms(1.0):.0f} ms, "
                f"errors {rate:.1f}% {dict(sorted(self.statuses.items()))}")


def source_address(index: int) -> str:
    """A loopback address of its own for client ``index`` (127.0.0.1 if the system has none)."""
    candidate = f"127.0.0.{10 + index}"
    import socket

    with socket.socket() as probe:
        try:
            probe.bind((candidate, 0))
        except OSError:
            return "127.0.0.1"
    return candidate


def send(connection: http.client.HTTPConnection, method: str, path: str,
         body: bytes | None = None, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    """One request on a kept-alive connection."""
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def client_loop(url: str, index: int, stop: threading.Event, work: str, tally: Tally,
                texts: list[str]) -> None:
    """A cheap client (``work == "cheap"``), a slow one, or the /health prober."""
    parts = urllib.parse.urlsplit(url)
    address = source_address(index)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120,
                                            source_address=(address, 0))
    count = 0
    pending: str | None = None
    while not stop.is_set():
        if work == "health":
            method, path, body = "GET", "/health", None
        elif work == "cheap":
            method, path, body = "POST", "/sparql", texts[count % len(texts)].encode()
        else:
            pending = pending or SLOW.format(tag=f"client {index} query {count}")
            method, path, body = "POST", "/sparql", pending.encode()
        count += 1
        started = time.perf_counter()
        try:
            status, headers, _ = send(connection, method, path, body, {
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json"})
        except (OSError, http.client.HTTPException):
            status, headers = 599, {}
            connection.close()
        tally.add(status, time.perf_counter() - started)
        if work == "health":
            stop.wait(0.25)
        elif work == "slow":
            if status == 200:
                pending = None
            elif status == 503:
                stop.wait(min(float(headers.get("retry-after", "1")), 5.0))
            else:
                stop.wait(1.0)
        elif status != 200:
            stop.wait(0.1)
    connection.close()


def run_phase(url: str, seconds: float, slow_clients: int, texts: list[str]
              ) -> dict[str, Tally]:
    """Cheap clients, slow clients and the /health prober for ``seconds``."""
    stop = threading.Event()
    tallies = {"cheap": Tally(), "slow": Tally(), "health": Tally()}
    plan = ([("cheap", i) for i in range(CHEAP_CLIENTS)]
            + [("slow", CHEAP_CLIENTS + i) for i in range(slow_clients)]
            + [("health", CHEAP_CLIENTS + slow_clients)])
    threads = [threading.Thread(target=client_loop, args=(url, index, stop, work,
                                                          tallies[work], texts))
               for work, index in plan]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(180)
    return tallies


@contextlib.contextmanager
def kg_server(store: Path, log: Path, kg_root: Path, *args: str) -> Iterator[tuple[str, int]]:
    """``kg serve`` from ``kg_root`` on ``store``; yields its URL and pid."""
    command = [sys.executable, "-c", "from kg.cli import main; main()", "--store", str(store),
               "serve", "--port", "0", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(KG_ACCESS_LOG="", PYTHONPATH=str(kg_root))
    with log.open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, env=env,
                                   cwd=kg_root)
        try:
            assert process.stdout is not None
            line = process.stdout.readline().decode()
            if " at " not in line:
                raise RuntimeError(f"kg serve did not start: {log.read_text()[-2000:]}")
            url = line.split(" at ", 1)[1].split(" ", 1)[0].rstrip("/")
            yield url, process.pid
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    """A process's resident memory (or its peak, ``VmHWM``) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_reads(url: str, pid: int) -> dict[str, object]:
    """Six concurrent ``GET /store?default`` (each sent again after a 503, as Retry-After
    says): the server's RSS before, at peak, after."""
    parts = urllib.parse.urlsplit(url)
    before = rss_mb(pid)
    answers: list[tuple[int, int, int]] = []  # status, bytes, tries

    def read(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300,
                                                source_address=(source_address(index), 0))
        status, size, tries, deadline = 0, 0, 0, time.monotonic() + 300
        try:
            while tries == 0 or (status == 503 and time.monotonic() < deadline):
                tries += 1
                status, headers, body = send(connection, "GET", "/store?default",
                                             headers={"Accept": "application/n-triples"})
                size = len(body)
                if status == 503:
                    time.sleep(min(float(headers.get("retry-after", "1")), 5.0))
        except (OSError, http.client.HTTPException):
            status = 599
        finally:
            connection.close()
        answers.append((status, size, tries))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    seconds = time.perf_counter() - started
    time.sleep(2)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    workers = json.loads(send(connection, "GET", "/health")[2]).get("workers", [])
    connection.close()
    return {"before_mb": round(before), "peak_mb": round(rss_mb(pid, "VmHWM")),
            "kept_mb": round(rss_mb(pid)), "seconds": round(seconds, 1),
            "worker_peak_mb": round(max((rss_mb(w, "VmHWM") for w in workers), default=0)),
            "answers (status, bytes, tries)": sorted(answers)}


def prepare(folder: Path, events: int) -> tuple[Path, Path, dict[str, int]]:
    """The examples store (for the load phases) and a synthetic one (for the reads)."""
    from corpus import write_corpus

    from kg.pipeline import ingest
    from kg.store import OxigraphStore

    small = folder / "small"
    store = OxigraphStore(small)
    ingest(store, [ROOT / "examples", ROOT / "tests" / "data"], validate=False)
    info = {"small_triples": store.triple_count()}
    store.close()
    write_corpus(folder / "corpus", events)
    large = folder / "large"
    store = OxigraphStore(large)
    ingest(store, [folder / "corpus"], validate=False)
    info["large_triples"] = store.triple_count()
    store.close()
    return small, large, info


def cheap_texts() -> list[str]:
    """Named queries with their parameters bound, and an ASK."""
    from endpoint import query_texts

    return [*query_texts().values(), "ASK { ?s a ?t }"]


def main() -> None:
    """Prepare the stores, run the phases, print the figures (and record them)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=45.0, help="the load phase")
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    parser.add_argument("--events", type=int, default=1000, help="the store read whole")
    parser.add_argument("--kg-root", type=Path, default=ROOT,
                        help="the checkout whose `kg serve` is measured")
    parser.add_argument("--slow-clients", type=int, default=SLOW_CLIENTS)
    parser.add_argument("--reads-only", action="store_true", help="only the memory part")
    parser.add_argument("--record", metavar="LABEL", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    texts = cheap_texts()
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="kg-bench-fairness-") as tmp:
        folder = Path(tmp)
        small, large, info = prepare(folder, args.events)
        say(f"kg serve from {args.kg_root}; {os.cpu_count()} cores; data: {json.dumps(info)}")
        phases: dict[str, dict[str, Tally]] = {}
        if not args.reads_only:
            with kg_server(small, folder / "serve.log", args.kg_root) as (url, _):
                run_phase(url, 3, 0, texts)  # warm up
                phases = {"baseline": run_phase(url, args.baseline_seconds, 0, texts),
                          "load": run_phase(url, args.seconds, args.slow_clients, texts)}
        for name, tallies in phases.items():
            seconds = args.seconds if name == "load" else args.baseline_seconds
            say(f"{name:<8} cheap   {tallies['cheap'].summary(seconds)}")
            if name == "load":
                slow = tallies["slow"]
                say(f"{name:<8} slow    {slow.statuses.get(200, 0)} completed, "
                    f"{slow.statuses.get(503, 0)} got 503, statuses "
                    f"{dict(sorted(slow.statuses.items()))}")
            say(f"{name:<8} /health {tallies['health'].summary(seconds)}")
        with kg_server(large, folder / "reads.log", args.kg_root,
                       "--max-rows", "1000000") as (url, pid):
            run_phase(url, 2, 0, texts)
            say(f"reads    {READERS} x GET /store?default: "
                f"{json.dumps(measure_reads(url, pid))}")
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"\n### {args.record} ({datetime.now(UTC):%Y-%m-%d})\n\n```\n"
                      f"$ python bench/fairness.py {' '.join(sys.argv[1:])}\n"
                      + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
