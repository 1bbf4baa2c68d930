"""Ingest throughput and peak memory: the embedded store against rdflib's memory store.

Generates a synthetic corpus (bench/corpus.py) once, then ingests it in a fresh
subprocess per run so that each peak-memory figure is its own. The store comparison runs
without the SHACL gate (its cost does not depend on the store; see bench/validate.py);
the last runs show the embedded store with the gate on, as `kg ingest` runs by default, in
one process and with worker processes (kg.pipeline.parallel). Each ingest into the embedded
store is set against the store's own bulk load of the quads it holds (an N-Quads dump loaded
into a new store, in a fresh process, in the same run): "x bulk" is how many times longer
ingest took, and the bulk load's events/s is the most the store alone allows on this machine.
Peak memory: the ingesting process, and the largest worker.

    python bench/ingest.py --events 10000
    python bench/ingest.py --events 1000 --runs oxigraph+shacl,oxigraph+shacl+workers
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rdflib import Dataset, URIRef

from kg.store import QueryResult, Store

#: (name, backend, SHACL gate on, worker processes: 0 for as many as cores)
RUNS = (
    ("oxigraph-disk", "oxigraph-disk", False, 1),
    ("rdflib-memory", "rdflib-memory", False, 1),
    ("oxigraph+shacl", "oxigraph-disk", True, 1),
    ("oxigraph+shacl+workers", "oxigraph-disk", True, 0),
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

    def _update(self, sparql):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def add_triples(self, graph_iri, triples):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def load_triples(self, graph_iri, path):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def remove_triples(self, graph_iri, triples):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def close(self) -> None:
        pass


def run_backend(
    backend: str, corpus: Path, workdir: Path, gate: bool, workers: int
) -> dict[str, float]:
    """Ingest ``corpus`` into one backend; runs inside the child process."""
    from kg.pipeline import ingest
    from kg.pipeline.parallel import default_workers
    from kg.store import open_store

    store: Store = (
        open_store(workdir / "store") if backend == "oxigraph-disk" else RdflibMemoryStore()
    )
    started, cpu = time.perf_counter(), _cpu()
    # Without the article-event links: bench/link.py measures them.
    report = ingest(store, [corpus], validate=gate, link=False,
                    workers=workers or default_workers())
    seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu  # the dump's aside
    events = sum(r.events for r in report.results)
    quads = store.quad_count()
    store.close()
    if backend == "oxigraph-disk":  # every quad, the default graph's too, for the bulk load
        import pyoxigraph as ox

        ox.Store.read_only(str(workdir / "store")).dump(
            str(workdir / "all.nq"), ox.RdfFormat.N_QUADS)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "documents": report.count("stored"),
        "failed": len(report.failures),
        "events": events,
        "quads": quads,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _cpu() -> float:
    """CPU seconds of this process and its finished children: the machine is shared."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_bulk_load(dump: Path, workdir: Path) -> dict[str, float]:
    """The store's own bulk load of an N-Quads file into a new store; in a child process."""
    import pyoxigraph as ox

    store = ox.Store(str(workdir / "bulk-store"))
    started, cpu = time.perf_counter(), _cpu()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "quads": len(store),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    """Generate the corpus, ingest it in each run, print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--runs", default=",".join(name for name, *_ in RUNS))
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--bulk-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        backend, corpus, workdir, gate, workers = args.child
        print(json.dumps(run_backend(backend, Path(corpus), Path(workdir), gate == "on",
                                     int(workers))))
        return
    if args.bulk_child:
        print(json.dumps(run_bulk_load(Path(args.bulk_child[0]), Path(args.bulk_child[1]))))
        return

    from corpus import write_corpus

    wanted = args.runs.split(",")
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        corpus_dir = Path(tmp) / "corpus"
        files = write_corpus(corpus_dir, args.events)
        print(f"corpus: {args.events} events, {files} files in {corpus_dir}")
        results, bulk = {}, {}
        for name, backend, gate, workers in RUNS:
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
                str(workers),
            ]
            out = subprocess.run(command, check=True, capture_output=True, text=True)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
            if (workdir / "all.nq").exists():
                out = subprocess.run([sys.executable, __file__, "--bulk-child",
                                      str(workdir / "all.nq"), str(workdir)],
                                     check=True, capture_output=True, text=True)
                bulk[name] = json.loads(out.stdout.strip().splitlines()[-1])
                shutil.rmtree(workdir / "bulk-store")
        print(f"{'run':<24}{'seconds':>9}{'CPU s':>8}{'events/s':>10}{'quads/s':>10}"
              f"{'quads':>10}{'peak MB':>9}{'worker MB':>10}{'x bulk':>8}")
        for name, r in results.items():
            ratio = f"{r['seconds'] / bulk[name]['seconds']:.1f}" if name in bulk else "-"
            print(
                f"{name:<24}{r['seconds']:>9.1f}{r['cpu_seconds']:>8.1f}"
                f"{r['events'] / r['seconds']:>10.0f}{r['quads'] / r['seconds']:>10.0f}"
                f"{r['quads']:>10.0f}{r['peak_mb']:>9.0f}{r['worker_peak_mb']:>10.0f}"
                f"{ratio:>8}"
            )
        for name, b in bulk.items():
            # The store alone, given the finished quads in one file: an ingest into it writes
            # the same quads by the same loader, and does more besides.
            print(f"bulk load of {name}'s {b['quads']:.0f} quads: {b['seconds']:.1f} s, "
                  f"{b['cpu_seconds']:.1f} CPU s, {b['quads'] / b['seconds']:.0f} quads/s, "
                  f"{results[name]['events'] / b['seconds']:.0f} events/s, "
                  f"peak {b['peak_mb']:.0f} MB")
        if {"oxigraph-disk", "rdflib-memory"} <= set(results):
            ox, rd = results["oxigraph-disk"], results["rdflib-memory"]
            print(
                f"ratio rdflib-memory/oxigraph-disk: time {rd['seconds'] / ox['seconds']:.2f}x, "
                f"peak memory {rd['peak_mb'] / ox['peak_mb']:.2f}x"
            )


if __name__ == "__main__":
    main()
