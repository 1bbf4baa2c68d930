"""What the safety checks cost, each against a baseline measured in the same run.

1. The SPARQL analysis (the grammar's parse, bounds included) of every named query and of
   INSERT DATA updates of 1k and 10k triples, against pyoxigraph running the same text on an
   in-memory store (the work the analysis guards).
2. A query's latency on a real ``kg serve`` with 150 slow or idle connections open, against
   the same query with none open. Every loop is bounded; traffic stays on 127.0.0.1.

    python bench/security.py
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.pipeline import ingest  # noqa: E402
from kg.queries import load_queries  # noqa: E402
from kg.sparql.analysis import plan_update, read_query  # noqa: E402
from kg.store import OxigraphStore  # noqa: E402


def median_ms(run: object, repeat: int) -> float:
    """The median time of ``repeat`` calls of ``run``, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def analysis() -> None:
    """The parse of each named query, and of big updates, against pyoxigraph on the text."""
    read_query("ASK {}")  # build the parser once, as a server does at its first request
    store = ox.Store()
    print("text                          analysis ms  pyoxigraph ms  ratio")
    for name, named in load_queries().items():
        parse = median_ms(lambda t=named.text: read_query(t), 20)
        run = median_ms(lambda t=named.text: list(store.query(t)), 20)  # type: ignore[arg-type]
        print(f"{name:<30}{parse:>11.2f}{run:>15.2f}{parse / run:>7.1f}x")
    for count in (1_000, 10_000):
        lines = "\n".join(f'<http://ex/s{i}> <http://ex/p> "value {i}"@en .'
                          for i in range(count))
        text = "INSERT DATA { GRAPH <http://ex/g> {\n" + lines + "\n} }"
        parse = median_ms(lambda t=text: plan_update(t), 3)
        run = median_ms(lambda t=text: ox.Store().update(t), 3)
        print(f"{f'INSERT DATA {count} triples':<30}{parse:>11.2f}{run:>15.2f}"
              f"{parse / run:>7.1f}x  ({len(text) / 1e6 / (parse / 1000):.2f} MB/s)")


def slow_connections() -> None:
    """A query's latency with no, then 150, slow connections open on a real kg serve."""
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-security-"))
    try:
        store = OxigraphStore(folder / "store")
        ingest(store, [ROOT / "examples"])
        store.close()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
        server = subprocess.Popen(
            [sys.executable, "-c", "from kg.cli import main; main()", "--store",
             str(folder / "store"), "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        try:
            assert server.stdout is not None
            url = server.stdout.readline().decode().split(" at ", 1)[1].split(" ", 1)[0]
            host, port = url.removeprefix("http://").rstrip("/").split(":")
            query = url + "sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(query, timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)

            def ask() -> None:
                with urllib.request.urlopen(query, timeout=30) as response:
                    response.read()

            alone = median_ms(ask, 20)
            held = []
            for number in range(150):
                sock = socket.create_connection((host, int(port)), timeout=5)
                if number % 2:
                    sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                held.append(sock)
            loaded = median_ms(ask, 20)
            for sock in held:
                sock.close()
            print(f"query latency, no other connection:     {alone:7.1f} ms")
            print(f"query latency, 150 slow connections open: {loaded:7.1f} ms "
                  f"({loaded / alone:.2f}x)")
        finally:
            server.terminate()
            server.wait(20)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    analysis()
    slow_connections()
