"""Ingest throughput and peak memory: the embedded store against rdflib's memory store.

Generates a synthetic corpus (bench/corpus.py) once, then ingests it in a fresh
subprocess per run so that each peak-memory figure is its own. The store comparison runs
without the SHACL gate (its cost does not depend on the store; see bench/validate.py);
a last run shows the embedded store with the gate on, as `kg ingest` runs by default.

    python bench/ingest.py --events 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rdflib import Dataset, URIRef

from kg.store import QueryResult, Store

#: (name, backend, SHACL gate on)
RUNS = (
    ("oxigraph-disk", "oxigraph-disk", False),
    ("rdflib-memory", "rdflib-memory", False),
    ("oxigraph+shacl", "oxigraph-disk", True),
)


class RdflibMemoryStore(Store):
    """The baseline: rdflib's in-memory Dataset behind the same interface (ingest only)."""

    url = "rdflib:memory"

    def __init__(self) -> None:
        self.dataset = Dataset()

    def replace_graphs(self, graphs: Mapping[str, Iterable]) -> None:  # type: ignore[type-arg]
        # Like the real stores: each document in its named graph, and merged into the default.
        merged = self.dataset.default_graph
        for iri, triples in graphs.items():
            graph = self.dataset.graph(URIRef(iri))
            graph.remove((None, None, None))
            for triple in triples:
                graph.add(triple)
                merged.add(triple)

    def query(self, sparql: str, *, bindings=None) -> QueryResult:  # type: ignore[no-untyped-def]
        raw = self.dataset.query(sparql, initBindings=bindings or {})
        if raw.type == "ASK":
            return QueryResult("ask", boolean=bool(raw.askAnswer))
        variables = tuple(str(v) for v in raw.vars or ())
        return QueryResult("select", variables, tuple(tuple(row) for row in raw))  # type: ignore[arg-type]

    def triple_count(self) -> int:
        return len(self.dataset.default_graph)

    def quad_count(self) -> int:
        return sum(len(graph) for graph in self.dataset.graphs())

    # Not needed to ingest.
    def drop_graphs(self, graph_iris):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def graph_triples(self, graph_iri):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def named_graphs(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def update(self, sparql):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def dump(self, out, fmt, *, graph=None, prefixes=None):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def close(self) -> None:
        pass


def run_backend(backend: str, corpus: Path, workdir: Path, gate: bool) -> dict[str, float]:
    """Ingest ``corpus`` into one backend; runs inside the child process."""
    from kg.pipeline import ingest
    from kg.store import open_store

    store: Store = (
        open_store(workdir / "store") if backend == "oxigraph-disk" else RdflibMemoryStore()
    )
    started = time.perf_counter()
    # Without the article-event links: bench/link.py measures them.
    report = ingest(store, [corpus], validate=gate, link=False)
    seconds = time.perf_counter() - started
    events = sum(r.events for r in report.results)
    quads = store.quad_count()
    store.close()
    return {
        "seconds": seconds,
        "documents": report.count("stored"),
        "failed": len(report.failures),
        "events": events,
        "quads": quads,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    """Generate the corpus, ingest it in each run, print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--runs", default=",".join(name for name, _, _ in RUNS))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        backend, corpus, workdir, gate = args.child
        print(json.dumps(run_backend(backend, Path(corpus), Path(workdir), gate == "on")))
        return

    from corpus import write_corpus

    wanted = args.runs.split(",")
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        corpus_dir = Path(tmp) / "corpus"
        files = write_corpus(corpus_dir, args.events)
        print(f"corpus: {args.events} events, {files} files in {corpus_dir}")
        results = {}
        for name, backend, gate in RUNS:
            if name not in wanted:
                continue
            workdir = Path(tmp) / name
            workdir.mkdir()
            command = [
                sys.executable,
                __file__,
                "--child",
                backend,
                str(corpus_dir),
                str(workdir),
                "on" if gate else "off",
            ]
            out = subprocess.run(command, check=True, capture_output=True, text=True)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{'run':<16}{'seconds':>9}{'events/s':>10}{'quads/s':>10}{'quads':>10}{'peak MB':>9}"
        )
        for name, r in results.items():
            print(
                f"{name:<16}{r['seconds']:>9.1f}{r['events'] / r['seconds']:>10.0f}"
                f"{r['quads'] / r['seconds']:>10.0f}{r['quads']:>10.0f}{r['peak_mb']:>9.0f}"
            )
        if {"oxigraph-disk", "rdflib-memory"} <= set(results):
            ox, rd = results["oxigraph-disk"], results["rdflib-memory"]
            print(
                f"ratio rdflib-memory/oxigraph-disk: time {rd['seconds'] / ox['seconds']:.2f}x, "
                f"peak memory {rd['peak_mb'] / ox['peak_mb']:.2f}x"
            )


if __name__ == "__main__":
    main()
