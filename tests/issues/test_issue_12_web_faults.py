"""Issue 12, fault injection on the web write paths: `kg serve` killed after each of its writes.

A real ``kg serve`` process (writes allowed on loopback) gets one request: a SPARQL update the
gate accepts, one it rejects, a Graph Store PUT of a document graph, a POST /ingest. A clean
run counts the server's writes (``KG_FAULT_COUNT_FILE``); then, for each of them, a fresh copy
of the store is served with ``KG_FAULT_AFTER=N`` (kg.store.fault: a hard exit just after the
Nth write) and sent the same request. After each death the store is reopened and must hold:
the default graph the merge of the named graphs (no orphan, nothing missing), every asserted
graph as before the request or as the clean run left it (no torn document), nothing of a write
the gate rejected, and derived data that is either current or said not to be; after `kg check
--repair`, every invariant, and the derived data a clean run's documents give. Up to
MAX_POINTS kill points per request (the first and the last among them) keep it short;
scripts/fault_sweep.py --web runs the same sweep by hand, every point.
"""

from __future__ import annotations

import importlib.util
import shutil
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, Literal, URIRef

from kg.pipeline import SOFTWARE_IRI, check_store, infer, ingest, repair_store
from kg.store import Store, open_store
from tests.conftest import EXAMPLES, SEEDS

ROOT = Path(__file__).resolve().parents[2]
EX = "http://example.org/"
KILLED = 137
MAX_POINTS = 4  # kill points per request, the first and the last among them

pytestmark = pytest.mark.server


def _load_sweep() -> ModuleType:
    """scripts/fault_sweep.py: the server run with a fault, and the graphs compared."""
    spec = importlib.util.spec_from_file_location("fault_sweep", ROOT / "scripts" /
                                                  "fault_sweep.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_sweep = _load_sweep()
WebWrite = _sweep.WebWrite
Graphs = dict[str, frozenset[tuple[str, ...]]]
serve_write: Callable[..., tuple[int | None, int]] = _sweep.serve_write
asserted: Callable[[Store], Graphs] = _sweep.asserted
torn: Callable[[Graphs, Graphs, Graphs], list[str]] = _sweep.torn
quads: Callable[[Store], set[tuple[str, ...]]] = _sweep.quads


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three seed documents, inferred and linked: every derivation current."""
    path = tmp_path_factory.mktemp("web-faults") / "store"
    with open_store(path) as store:
        assert not ingest(store, SEEDS).failures
        infer(store)
        assert all(f.ok for f in check_store(store))
    return path


def document_put(store_path: Path) -> tuple[str, bytes]:
    """A PUT path and body that replace a seed document's graph with itself and one more fact."""
    with open_store(store_path) as store:
        graph_iri = next(g for g in store.named_graphs() if "/graph/doc/" in g)
        graph = Graph()
        for triple in store.graph_triples(graph_iri):
            graph.add(triple)
    graph.add((URIRef(EX + "s"), URIRef(EX + "p"), Literal("new")))
    return "/store?graph=" + urllib.parse.quote(graph_iri, safe=""), graph.serialize(
        format="nt", encoding="utf-8")


def request_for(name: str, store_path: Path) -> object:
    """The request of one write path."""
    if name == "update":
        return WebWrite("POST", "/sparql", (
            f"DROP SILENT GRAPH <{EX}doc> ;\n"
            f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}s> <{EX}p> 'x', 'y', 'z' }} }}").encode(),
            "application/sparql-update")
    if name == "rejected update":
        return WebWrite("POST", "/sparql", (
            "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
            f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}event/1> a dip:Event }} }}").encode(),
            "application/sparql-update")
    if name == "graph store PUT":
        path, body = document_put(store_path)
        return WebWrite("PUT", path, body, "application/n-triples")
    page = next(EXAMPLES.glob("2007-07-2_*.md"))
    return WebWrite("POST", "/ingest?name=" + urllib.parse.quote(page.name), page.read_bytes(),
                    "text/markdown")


def kill_points(count: int) -> list[int]:
    """Up to MAX_POINTS write numbers spread over a run's writes, the first and last among them."""
    if count <= MAX_POINTS:
        return list(range(1, count + 1))
    return sorted({round(1 + i * (count - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)})


PATHS = {"update": 204, "rejected update": 422, "graph store PUT": 204, "ingest": 200}


@pytest.mark.parametrize("name", PATHS)
def test_kg_serve_killed_at_each_write_leaves_a_sound_store(name: str, base: Path,
                                                            tmp_path: Path) -> None:
    """No orphan, no torn document, nothing rejected kept, derived data never wrongly current."""
    write = request_for(name, base)
    clean, counter = tmp_path / "clean", tmp_path / "writes"
    shutil.copytree(base, clean)
    with open_store(clean) as store:
        before = asserted(store)
    status, _ = serve_write(clean, write, KG_FAULT_COUNT_FILE=str(counter))
    assert status == PATHS[name]
    writes = counter.read_text(encoding="utf-8").split() if counter.exists() else []
    assert writes or name == "rejected update", "the request wrote nothing to count"
    with open_store(clean) as store:
        after = asserted(store)
        repair_store(store, software=SOFTWARE_IRI)  # the derived data of the new documents
        derived_after = quads(store)
    with open_store(base) as store:
        derived_before = quads(store)
    if name == "rejected update":
        assert after == before
    else:
        assert after != before
    for n in kill_points(len(writes)):
        killed_store = tmp_path / f"killed-{n}"
        shutil.copytree(base, killed_store)
        answer, code = serve_write(killed_store, write, KG_FAULT_AFTER=str(n))
        assert code == KILLED and answer is None, f"not killed after write {n} of {writes}"
        with open_store(killed_store) as store:
            where = f"killed after write {n} ({writes[n - 1]}) of {len(writes)}"
            assert store.merge_faults() == (0, 0), where
            killed = asserted(store)
            assert not torn(killed, before, after), where
            if killed != before:
                # The documents changed: the derived data must not be recorded current.
                findings = {f.name: f for f in check_store(store, scan=False)}
                assert not findings["inferred"].ok, (where, findings["inferred"])
            repair_store(store, software=SOFTWARE_IRI)
            failing = [f.to_text() for f in check_store(store) if not f.ok]
            assert not failing, (where, failing)
            # And the derived data is what the documents give, as after a clean run.
            assert quads(store) in (derived_before, derived_after), where
        shutil.rmtree(killed_store)
