"""Export formats: size and time of each writer of kg.rdfio on the examples or a synthetic set.

Compares what issue 15 changed: JSON-LD compacted with the shipped context against
pyoxigraph's expanded JSON-LD, and Turtle with only the prefixes it uses (and no escaped
names) against pyoxigraph's Turtle with every prefix.

    python bench/formats.py                    # the ingested examples
    python bench/formats.py --synthetic 200000 # that many synthetic quads in 50,000 events
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.pipeline import ingest  # noqa: E402
from kg.rdfio import write_rdf  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.vocab import PREFIXES  # noqa: E402

BASE = "https://w3id.org/diplomacy-kg/"


def example_quads() -> list[ox.Quad]:
    """The named-graph quads of the examples, ingested into a temporary store."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "store") as store:
        report = ingest(store, [ROOT / "examples"])
        assert not report.failures
        out = io.BytesIO()
        store.dump(out, "nquads")
    return list(ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS))


def synthetic_quads(count: int) -> list[ox.Quad]:
    """``count`` quads, four per event, ten events per document graph."""
    dip = BASE + "ontology#"
    quads = []
    for i in range(count // 4):
        event = ox.NamedNode(f"{BASE}id/event/2007-06-{i % 28 + 1:02d}/talks-{i}")
        graph = ox.NamedNode(f"{BASE}graph/doc/{i // 10}")
        quads += [
            ox.Quad(event, ox.NamedNode(dip + "participant"),
                    ox.NamedNode(f"{BASE}id/person/p{i % 500}"), graph),
            ox.Quad(event, ox.NamedNode(dip + "headline"), ox.Literal(f"headline {i}"), graph),
            ox.Quad(event, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode(dip + "Meeting"), graph),
            ox.Quad(event, ox.NamedNode(dip + "date"), ox.Literal(
                "2007-06-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
                graph),
        ]
    return quads


def timed(write: Callable[[io.BytesIO], None]) -> tuple[float, int]:
    out = io.BytesIO()
    start = time.perf_counter()
    write(out)
    return time.perf_counter() - start, len(out.getvalue())


def main() -> None:
    """Print one line per writer: seconds and bytes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, help="this many synthetic quads")
    args = parser.parse_args()
    quads = synthetic_quads(args.synthetic) if args.synthetic else example_quads()
    triples = [q.triple for q in quads]
    print(f"{len(quads)} quads ({'synthetic' if args.synthetic else 'examples'})")
    rows = [
        ("json-ld, kg.rdfio (compact)", lambda o: write_rdf(quads, o, "json-ld")),
        ("json-ld, pyoxigraph (expanded)",
         lambda o: ox.serialize(quads, o, ox.RdfFormat.JSON_LD)),
        ("turtle, kg.rdfio (prefixes used)",
         lambda o: write_rdf(triples, o, "turtle", prefixes=PREFIXES)),
        ("turtle, pyoxigraph (all prefixes)",
         lambda o: ox.serialize(triples, o, ox.RdfFormat.TURTLE, prefixes=PREFIXES)),
        ("trig, kg.rdfio (prefixes used)",
         lambda o: write_rdf(quads, o, "trig", prefixes=PREFIXES)),
        ("nquads, kg.rdfio", lambda o: write_rdf(quads, o, "nquads")),
    ]
    print(f"{'writer':36} {'seconds':>8} {'bytes':>12}")
    for name, write in rows:
        seconds, size = timed(write)
        print(f"{name:36} {seconds:8.2f} {size:12,}")


if __name__ == "__main__":
    main()
