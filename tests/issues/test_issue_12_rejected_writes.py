"""Issue 12, a write `kg serve` refuses: nothing written, the derived data's records untouched.

A client's write that derives nothing marks every current derivation stale before it commits
(tests/issues/test_issue_12_serving.py), so that a crash never leaves them wrongly current.
It used to mark them before it even read the request, and put them back when the write was
refused: a rejected SPARQL update cost the store two writes, and a server killed between the
two left the derived data stale for nothing. A real ``kg serve`` (writes allowed on loopback)
counts its writes (``KG_FAULT_COUNT_FILE``, kg.store.fault).
"""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg import derivation
from kg.store import Store, open_store
from kg.terms import Triple
from tests.issues import test_issue_12_web_faults as web_faults

#: The fixture of the seed documents, inferred and linked: every derivation current.
base = web_faults.base
#: `kg serve` run in a process of its own and sent one request (scripts/fault_sweep.py).
WebWrite, serve_write = web_faults.WebWrite, web_faults.serve_write
EX = "http://example.org/"
EVENT = "PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"

pytestmark = pytest.mark.server


#: Writes the server refuses, each with the status it answers.
REFUSED = {
    "update the gate rejects": (WebWrite(
        "POST", "/sparql",
        f"{EVENT}INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}event/1> a dip:Event }} }}".encode(),
        "application/sparql-update"), 422),
    "update that does not parse": (WebWrite(
        "POST", "/sparql", f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}s> }} }}".encode(),
        "application/sparql-update"), 400),
    "update refused (LOAD)": (WebWrite(
        "POST", "/sparql", f"LOAD <{EX}data.ttl> INTO GRAPH <{EX}doc>".encode(),
        "application/sparql-update"), 400),
    "graph store PUT the gate rejects": (WebWrite(
        "PUT", "/store?graph=" + urllib.parse.quote(EX + "doc", safe=""),
        f"<{EX}event/1> a <https://w3id.org/diplomacy-kg/ontology#Event> .".encode(),
        "text/turtle"), 422),
    "graph store PUT of a body that does not parse": (WebWrite(
        "PUT", "/store?graph=" + urllib.parse.quote(EX + "doc", safe=""),
        f"<{EX}s> <{EX}p> .".encode(), "application/n-triples"), 400),
    "graph store DELETE of a graph that does not exist": (WebWrite(
        "DELETE", "/store?graph=" + urllib.parse.quote(EX + "nothing", safe="")),
        404),
}


def records(store: Store) -> tuple[dict[derivation.Derivation, derivation.Record],
                                   list[list[Triple]]]:
    """The derivations' records as read, and their state graphs as stored."""
    graphs = [store.graph_triples(d.state_graph) for d in derivation.DERIVATIONS]
    return derivation.read_records(store), graphs


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_write_leaves_the_records_untouched(name: str, base: Path,
                                                      tmp_path: Path) -> None:
    """A rejected SPARQL update through kg serve costs 2 extra store writes (derived data
    marked stale, then put back)."""
    write, expected = REFUSED[name]
    store_path, counter = tmp_path / "store", tmp_path / "writes"
    shutil.copytree(base, store_path)
    with open_store(store_path) as store:
        before, before_graphs = records(store)
    assert {r.status for r in before.values()} == {derivation.CURRENT}
    status, _ = serve_write(store_path, write, KG_FAULT_COUNT_FILE=str(counter))
    assert status == expected
    writes = counter.read_text(encoding="utf-8").split() if counter.exists() else []
    assert writes == [], f"a refused write wrote to the store: {writes}"
    with open_store(store_path) as store:
        after, after_graphs = records(store)
    assert after == before
    for old, new in zip(before_graphs, after_graphs, strict=True):
        assert isomorphic(_graph(old), _graph(new))


def _graph(triples: list[Triple]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph
