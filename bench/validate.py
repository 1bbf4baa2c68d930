"""Validation and inference costs as the store grows.

For each store size (events of the synthetic corpus, bench/corpus.py, ingested with the
validation gate on into an embedded on-disk store) it prints:

- the gate's cost per document while ingesting the corpus;
- the gate's cost for new documents against that store: one document alone (one
  pySHACL run) and per document in a batch of ``--probe`` documents (one run for all);
- ``kg infer`` (the fast engine) and, up to ``--owlrl-max`` events, the owlrl reference;
- ``kg validate --all`` (pipeline.validate_store) with ``--engine``: ``compiled`` (the
  shapes compiled to SPARQL, run by the store on a checkpoint; the slowest checks listed) or
  ``pyshacl`` (batch by batch), or both (the default) with a check that they give the same
  results; up to ``--whole-max`` events also the whole graph in memory (the reference); each
  in a child process, so its peak RSS is its own.

    python bench/validate.py --sizes 1000 10000
    python bench/validate.py --sizes 1000 10000 --all-only --engine compiled --workdir W
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from kg.ingest_report import FileResult
from kg.pipeline import Ingester
from kg.pipeline import ingest as ingest_quickly
from kg.pipeline.ingester import Verdicts, _Pending
from kg.pipeline.store_validation import DEFAULT_BATCH, validate_store, validate_whole_store
from kg.reason import infer
from kg.sources import InputFile, collect_files
from kg.store import Store, open_store
from kg.validate import default_shapes
from kg.validate.compiled import Check, compiled_plan


class TimedIngester(Ingester):
    """An Ingester that adds up the time its validation gate takes."""

    gate_seconds = 0.0
    gated = 0

    def _check(
        self, pending: list[_Pending], found: Verdicts | None = None
    ) -> tuple[list[_Pending], list[FileResult]]:
        started = time.perf_counter()
        try:
            return super()._check(pending, found)
        finally:
            self.gate_seconds += time.perf_counter() - started
            self.gated += sum(1 for item in pending if not item.duplicate)


def ingest(store: Store, files: list[InputFile], *, batch_size: int = 100) -> TimedIngester:
    ingester = TimedIngester(store, batch_size=batch_size)
    failed = [r for r in ingester.ingest(files) if r.status == "failed"]
    if failed:
        raise SystemExit(f"{len(failed)} documents failed, e.g. {failed[0].message}")
    return ingester


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def validate_all_in_child(store_path: Path, mode: str, batch: int) -> dict[str, object]:
    """``kg validate --all`` on a store in a fresh process: its time, peak RSS and results."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(store_path), "--mode", mode,
         "--batch", str(batch)],
        check=True, capture_output=True, text=True,
    ).stdout
    answer: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return answer


def child(store_path: Path, mode: str, batch: int) -> None:
    """Run one ``kg validate --all`` and print its figures as one JSON line."""
    ticks: list[float] = []
    with open_store(store_path, create=False) as store:
        started = time.perf_counter()
        if mode == "whole":
            report = validate_whole_store(store)
        elif mode == "compiled":
            # The progress of the compiled engine is told after each check: its cost.
            report = validate_store(store, engine="compiled",
                                    progress=lambda done, _: ticks.append(time.perf_counter()))
        else:
            report = validate_store(store, engine="pyshacl", batch_size=batch)
        seconds = time.perf_counter() - started
    keys = sorted(repr((r.file, r.severity, r.focus_node, r.path, r.shape, r.value, r.message))
                  for r in report.results)
    slowest: list[tuple[float, str]] = []
    if mode == "compiled" and len(ticks) > 1:
        checks = compiled_plan(default_shapes()).checks
        costs = [(b - a, c) for a, b, c in zip(ticks, ticks[1:], checks, strict=False)]
        slowest = [(cost, _name(c)) for cost, c in sorted(costs, key=lambda x: -x[0])[:5]]
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "summary": report.summary(),
                      "digest": hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16],
                      "slowest": slowest}))


def _name(check: Check) -> str:
    """A check for people: its shapes, path and constraint."""
    names = ",".join(str(s).rsplit("#", 1)[-1] for s in check.parents or (check.source_shape,))
    return f"{names} {check.path or ''} {check.constraint}"


def report_validate_all(store_path: Path, size: int, *, whole_max: int, batch: int,
                        engines: tuple[str, ...]) -> None:
    """Print ``kg validate --all`` with each engine, and whole-graph up to ``whole_max`` events."""
    first: dict[str, object] | None = None
    for engine in engines:
        found = validate_all_in_child(store_path, engine, batch)
        how = ("compiled checks on a checkpoint" if engine == "compiled"
               else f"pySHACL in batches of {batch} graphs")
        same = ""
        if first is not None:
            same = "; same results" if found["digest"] == first["digest"] else "; DIFFERENT RESULTS"
        print(f"  kg validate --all, {how}: {found['seconds']:.1f} s, "
              f"peak RSS {found['peak_mb']:.0f} MB ({found['summary']}){same}")
        for cost, name in found.get("slowest") or []:  # type: ignore[attr-defined]
            print(f"    slowest check: {cost:7.2f} s  {name}")
        first = first or found
    if size <= whole_max:
        whole = validate_all_in_child(store_path, "whole", batch)
        same = "same results" if first and whole["digest"] == first["digest"] else "DIFFERENT"
        print(f"  kg validate --all, whole graph in memory: {whole['seconds']:.1f} s, "
              f"peak RSS {whole['peak_mb']:.0f} MB ({whole['summary']}); {same}")


def run_all_only(size: int, workdir: Path, *, whole_max: int, batch: int,
                 engines: tuple[str, ...]) -> None:
    """Only ``kg validate --all``: the corpus ingested without the gate (it all conforms)."""
    store_path = workdir / f"store-{size}"
    if not store_path.exists():
        corpus = workdir / f"corpus-{size}"
        files_written = write_corpus(corpus, size)
        with open_store(store_path) as store:
            started = time.perf_counter()
            ingest_quickly(store, [corpus], validate=False)
            print(f"{size} events ({files_written} documents, {store.triple_count()} triples): "
                  f"ingested without the gate in {time.perf_counter() - started:.1f} s")
    else:
        print(f"{size} events: the store in {store_path}")
    report_validate_all(store_path, size, whole_max=whole_max, batch=batch, engines=engines)


def run(size: int, workdir: Path, *, probe: int, owlrl_max: int, whole_max: int,
        batch: int, engines: tuple[str, ...]) -> None:
    corpus = workdir / f"corpus-{size}"
    files_written = write_corpus(corpus, size)
    probes = workdir / f"probe-{size}"
    write_corpus(probes, 2 * probe + 1, seed=1000 + size)
    store_path = workdir / f"store-{size}"
    shutil.rmtree(store_path, ignore_errors=True)
    with open_store(store_path) as store:
        files, _ = collect_files([corpus])
        started = time.perf_counter()
        loader = ingest(store, files)
        elapsed = time.perf_counter() - started
        print(f"{size} events ({files_written} documents, {store.triple_count()} triples): "
              f"ingest {elapsed:.1f} s, {ms(elapsed / files_written)}/document, of which the "
              f"gate {ms(loader.gate_seconds / loader.gated)}/document (batches of 100)")

        probe_files, _ = collect_files([probes])
        event_pages = [f for f in probe_files if not f.path.name.startswith("article_")]
        alone = ingest(store, event_pages[:1], batch_size=1)
        print(f"  gate, one new event page alone:       {ms(alone.gate_seconds)}")
        together = ingest(store, event_pages[1:probe + 1], batch_size=probe)
        print(f"  gate, {together.gated} new event pages in one batch: "
              f"{ms(together.gate_seconds / together.gated)}/document")

        report = infer(store)
        print(f"  kg infer (fast): {report.seconds:.1f} s, {report.triples} triples inferred")
        report = infer(store)
        print(f"  kg infer (fast) again, nothing changed: {report.seconds:.1f} s "
              f"(+{report.added} -{report.removed})")
        changed = ingest(store, event_pages[probe + 1:], batch_size=probe)
        report = infer(store)
        print(f"  kg infer (fast) after {changed.gated} more documents: {report.seconds:.1f} s "
              f"(+{report.added} -{report.removed})")
        if size <= owlrl_max:
            report = infer(store, engine="owlrl")
            print(f"  kg infer --engine owlrl: {report.seconds:.1f} s, "
                  f"{report.triples} triples inferred")
    print(f"  peak memory so far: {peak_mb():.0f} MB")
    report_validate_all(store_path, size, whole_max=whole_max, batch=batch, engines=engines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--probe", type=int, default=100, help="new documents per batch probe")
    parser.add_argument("--owlrl-max", type=int, default=1000,
                        help="run the owlrl reference engine up to this many events")
    parser.add_argument("--workdir", type=Path, help="keep corpora and stores here")
    parser.add_argument("--all-only", action="store_true",
                        help="only kg validate --all (a store already in --workdir is reused)")
    parser.add_argument("--whole-max", type=int, default=1000,
                        help="also validate the whole graph in memory up to this many events")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH,
                        help="document graphs per batch of kg validate --all")
    parser.add_argument("--engine", choices=("compiled", "pyshacl"),
                        help="the engine of the gate (sets KG_GATE_ENGINE) and of kg validate "
                        "--all (default: the gate kg's default, kg validate --all both)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("compiled", "pyshacl", "whole"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:  # read by kg.validate.gate, here and in the child processes
        os.environ["KG_GATE_ENGINE"] = args.engine
    if args.child is not None:
        child(args.child, args.mode, args.batch)
        return
    engines = (args.engine,) if args.engine else ("compiled", "pyshacl")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-validate-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes:
            if args.all_only:
                run_all_only(size, workdir, whole_max=args.whole_max, batch=args.batch,
                             engines=engines)
            else:
                run(size, workdir, probe=args.probe, owlrl_max=args.owlrl_max,
                    whole_max=args.whole_max, batch=args.batch, engines=engines)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
