"""Writing a batch of ingest: pyoxigraph quads made in Python against the batch's N-Quads text.

Reads the first files of a corpus (``bench/corpus.py``), maps them, then times for each batch
of 100 documents: ``document_quads`` and ``bulk_extend`` (the way kept for graphs with a blank
node) against ``prepare_graphs`` and ``bulk_load`` of its text (the way of an ingest), each
into a fresh store in memory; both stores must hold the same quads.

    python bench/batch_write.py --files 300 [--corpus DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from kg.extract.gazetteer import load_gazetteer
from kg.pipeline.reading import ReadDocument, load_entry, read_document
from kg.sources import collect_files
from kg.store.quads import PreparedGraphs, document_quads, load_quads, prepare_graphs
from kg.vocab import DEFAULT_BASE


def main() -> None:
    """Print the time of each way over the batches, three rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    folder = args.corpus
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="kg-batch-")) / "corpus"
        write_corpus(folder, args.files)
    files, _ = collect_files([folder])
    gazetteer = load_gazetteer()
    read = [read_document(load_entry(f), None, gazetteer=gazetteer, base=DEFAULT_BASE,
                          with_triples=True) for f in files[:args.files]]
    documents = [r for r in read if isinstance(r, ReadDocument)]
    batches = [{r.graph_iri: r.triples or [] for r in documents[i:i + 100]}
               for i in range(0, len(documents), 100)]
    print(f"{len(documents)} documents, {sum(len(t) for b in batches for t in b.values())} "
          f"triples, {len(batches)} batches")
    for _ in range(3):
        spent = [0.0, 0.0, 0.0, 0.0]
        for graphs in batches:
            started = time.perf_counter()
            quads = document_quads(graphs)
            made = time.perf_counter()
            by_quads = ox.Store()
            load_quads(by_quads, quads, bulk=True)
            written = time.perf_counter()
            prepared = prepare_graphs(graphs)
            assert isinstance(prepared, PreparedGraphs)
            texted = time.perf_counter()
            by_text = ox.Store()
            load_quads(by_text, prepared.nquads, bulk=True)
            loaded = time.perf_counter()
            assert len(by_quads) == len(by_text) == prepared.quad_count
            for i, span in enumerate((made - started, written - made, texted - written,
                                      loaded - texted)):
                spent[i] += span
        quads_s, extend_s, text_s, load_s = spent
        print(f"quads {quads_s:.3f} s + bulk_extend {extend_s:.3f} s = "
              f"{quads_s + extend_s:.3f} s | text {text_s:.3f} s + bulk_load {load_s:.3f} s = "
              f"{text_s + load_s:.3f} s")


if __name__ == "__main__":
    main()
