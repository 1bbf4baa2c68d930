"""The ingest gate alone, per document: pySHACL against the compiled gate on the synthetic corpus.

Each page of a ``bench/corpus.py`` corpus is mapped as ``kg ingest`` maps it, then
``kg.validate.gate.validate_documents`` checks them one alone (the endpoint's single write) and in
batches of 100 (the ingester's batches), with each engine. No store: the context is empty.

    python bench/gate.py --events 1000
    python bench/gate.py --events 1000 --per-check     # the compiled checks' own costs
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import write_corpus
from rdflib import URIRef

from kg.pipeline.read import read_graph
from kg.terms import Triple
from kg.validate.gate import GATE_ENGINES, validate_documents


def measure(docs: list[tuple[str, list[Triple]]], engine: str, size: int, alone: int) -> str:
    """One line: the mean gate time per document for batches of ``size``."""
    count = len(docs) if size > 1 else min(alone, len(docs))
    batches = [dict(docs[i:i + size]) for i in range(0, count, size)]
    validate_documents(batches[0], engine=engine)  # shapes compiled, caches warm
    started, checked, failing = time.perf_counter(), 0, 0
    for batch in batches:
        out = validate_documents(batch, engine=engine)
        checked += len(batch)
        failing += sum(1 for rs in out.values() if any(r.severity == "Violation" for r in rs))
    ms = (time.perf_counter() - started) * 1000 / checked
    return (f"{engine:9} batches of {size:3}: {ms:6.2f} ms/document over {checked} documents "
            f"({failing} with violations)")


def per_check(docs: list[tuple[str, list[Triple]]], size: int, top: int) -> list[str]:
    """Lines: each compiled check's time over batches of ``size``, the costliest first."""
    import pyoxigraph as ox

    from kg.validate.compiled import compiled_plan, default_quads, ontology_quads
    from kg.validate.gate import default_shapes
    from kg.validate.rows import run_checks

    shapes = default_shapes()
    plan = compiled_plan(shapes, distinct_focus=True)
    spent = dict.fromkeys(range(len(plan.checks)), 0.0)
    for start in range(0, len(docs), size):
        # A store of the batch and the ontology, as the gate loads one for a batch of ingest
        # (without the stored facts the batch links to: there is no store here).
        store = ox.Store()
        store.bulk_extend(ontology_quads())
        store.bulk_extend(default_quads({t for _, ts in docs[start:start + size] for t in ts}))
        for number, check in enumerate(plan.checks):
            started = time.perf_counter()
            for _ in run_checks(store, shapes, [check]):
                pass
            spent[number] += time.perf_counter() - started
    total = sum(spent.values())
    lines = [f"{len(plan.checks)} compiled checks, {total:.3f} s in all over batches of {size}"]
    for number in sorted(spent, key=spent.__getitem__, reverse=True)[:top]:
        check = plan.checks[number]
        # A property shape is a blank node: the node shapes holding it name it.
        shape = check.source_shape if isinstance(check.source_shape, URIRef) else (
            ",".join(str(parent) for parent in check.parents) or "a property shape")
        lines.append(f"{spent[number]:7.3f} s {spent[number] / total:6.1%}  "
                     f"{str(shape).rpartition('#')[2]} {check.constraint} {check.path or ''}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--alone", type=int, default=50, help="documents checked one by one")
    parser.add_argument("--per-check", action="store_true",
                        help="time each compiled check instead of the engines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-gate-") as folder:
        write_corpus(Path(folder), args.events)
        pages = sorted(p for p in Path(folder).rglob("*") if p.is_file())
        docs = [(str(p), list(read_graph(p))) for p in pages]
    print(f"{len(docs)} documents, {sum(len(t) for _, t in docs)} triples")
    if args.per_check:
        print("\n".join(per_check(docs, 100, 12)))
        return
    for engine in reversed(GATE_ENGINES):
        for size in (1, 100):
            print(measure(docs, engine, size, args.alone))


if __name__ == "__main__":
    main()
