"""Issue 15: clients and formats that stumbled."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, Namespace

from kg.store import open_store
from kg.vocab import PREFIXES

EX = Namespace("http://example.org/")
TEXT = 'two lines\nand\ta tab "quoted"'


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json"])
def test_kg_query_output_reads_back(tmp_path: Path, fmt: str) -> None:
    """"`kg query -f tsv` writes multi-line literals as \"\"\"...\"\"\" and raw tabs: strict
    parsers reject it." Programs get pyoxigraph's serialisers, as from the endpoint; TSV and
    JSON read back in pyoxigraph, CSV (which pyoxigraph will not read: it is lossy) in csv."""
    store_path = tmp_path / "store"
    with open_store(store_path) as store:
        store.replace_graphs({PREFIXES["graph"] + "t": [(EX.s, EX.p, Literal(TEXT))]})
    done = subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", "--store", str(store_path),
         "query", "SELECT ?o WHERE { ?s ?p ?o }", "-f", fmt],
        capture_output=True, timeout=60, check=True)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
        assert rows == [["o"], [TEXT]]
        return
    formats = {"tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
    parsed = ox.parse_query_results(io.BytesIO(done.stdout), formats[fmt])
    assert isinstance(parsed, ox.QuerySolutions)
    values = [solution["o"] for solution in parsed]
    assert [v.value for v in values if v is not None] == [TEXT]



def test_a_write_to_rdflibs_default_graph_name_is_a_default_graph_write() -> None:
    """"`INSERT DATA { GRAPH <urn:x-rdflib:default> ... }` creates a graph of that name while
    queries treat it as default." It is refused as the default-graph write it is."""
    from kg.sparql.analysis import plan_update

    plan = plan_update("INSERT DATA { GRAPH <urn:x-rdflib:default> { <x:s> <x:p> <x:o> } }")
    assert plan.default_writes and not plan.targets
