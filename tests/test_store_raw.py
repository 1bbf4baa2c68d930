"""Store.query_raw: answers serialised by pyoxigraph, with datasets and a row cap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.store import OxigraphStore, QuerySyntaxError, StoreError, open_store

EX = "http://example.org/"


@pytest.fixture
def store(tmp_path: Path) -> OxigraphStore:
    opened = OxigraphStore(tmp_path / "store")
    opened.replace_graphs({
        f"{EX}g1": [(URIRef(f"{EX}a"), URIRef(f"{EX}p"), Literal(f"v{i}")) for i in range(10)],
        f"{EX}g2": [(URIRef(f"{EX}b"), URIRef(f"{EX}p"), Literal("line\nbreak"))],
    })
    return opened


def bindings(body: bytes) -> list[dict[str, dict[str, str]]]:
    return list(json.loads(body)["results"]["bindings"])


def test_select_in_every_format(store: OxigraphStore) -> None:
    query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    answer = store.query_raw(query)
    assert answer.kind == "select" and answer.rows == 11 and not answer.truncated
    assert answer.media_type == "application/sparql-results+json"
    assert bindings(answer.body)[0]["o"]["value"] == "line\nbreak"
    assert b"<sparql" in store.query_raw(query, results_format="xml").body
    assert store.query_raw(query, results_format="csv").body.startswith(b"o\r\n")
    assert store.query_raw(query, results_format="tsv").body.startswith(b"?o\n")
    with pytest.raises(StoreError, match="unknown results format"):
        store.query_raw(query, results_format="pdf")


def test_row_cap(store: OxigraphStore) -> None:
    answer = store.query_raw("SELECT * WHERE { ?s ?p ?o }", max_rows=4)
    assert answer.truncated and answer.rows == 4 and len(bindings(answer.body)) == 4
    exact = store.query_raw("SELECT * WHERE { ?s ?p ?o }", max_rows=11)
    assert not exact.truncated and exact.rows == 11
    graph = store.query_raw("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples", max_rows=3)
    assert graph.truncated and len(graph.body.splitlines()) == 3


def test_ask_and_construct(store: OxigraphStore) -> None:
    asked = store.query_raw(f"ASK {{ <{EX}a> ?p ?o }}")
    assert asked.kind == "ask" and json.loads(asked.body)["boolean"] is True
    built = store.query_raw(f"CONSTRUCT WHERE {{ <{EX}b> ?p ?o }}", graph_format="turtle")
    assert built.kind == "graph" and built.media_type == "text/turtle" and built.rows == 1
    assert b"line\\nbreak" in built.body
    jsonld = store.query_raw(f"CONSTRUCT WHERE {{ <{EX}b> ?p ?o }}", graph_format="json-ld")
    assert json.loads(jsonld.body)


def test_datasets_are_applied(store: OxigraphStore) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**dataset: object) -> int:
        return int(bindings(store.query_raw(count, **dataset).body)[0]["n"]["value"])  # type: ignore[arg-type]

    assert n() == 11
    assert n(default_graphs=[f"{EX}g2"]) == 1
    assert n(default_graphs=[f"{EX}nothing"]) == 0
    assert n(default_graphs=[None]) == 11
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = store.query_raw(named, named_graphs=[f"{EX}g1"])
    assert bindings(answer.body)[0]["n"]["value"] == "1"


def test_bindings_base_and_errors(store: OxigraphStore) -> None:
    answer = store.query_raw("SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": Literal("v3")})
    assert [b["s"]["value"] for b in bindings(answer.body)] == [f"{EX}a"]
    based = store.query_raw("ASK { <a> ?p ?o }", base_iri=EX)
    assert json.loads(based.body)["boolean"] is True
    with pytest.raises(QuerySyntaxError):
        store.query_raw("SELECT * {")


def test_backup_and_read_only(store: OxigraphStore, tmp_path: Path) -> None:
    store.backup(tmp_path / "copy")
    copy = OxigraphStore.read_only(tmp_path / "copy")
    again = OxigraphStore.read_only(tmp_path / "copy")  # many readers at once
    try:
        assert copy.triple_count() == store.triple_count() == 11
        assert again.named_graphs() == [f"{EX}g1", f"{EX}g2"]
        with pytest.raises(StoreError):
            copy.drop_graphs([f"{EX}g1"])
    finally:
        copy.close()
        again.close()
        store.close()
    with pytest.raises(StoreError, match="in-memory"):
        OxigraphStore(None).backup(tmp_path / "never")


@pytest.mark.server
def test_remote_store_query_raw(oxigraph_server: str) -> None:
    remote = open_store(f"{oxigraph_server}/query")
    remote.replace_graphs({f"{EX}r": [(URIRef(f"{EX}x"), URIRef(f"{EX}p"), Literal("y"))]})
    try:
        answer = remote.query_raw("SELECT ?o WHERE { ?s ?p ?o }", results_format="csv",
                                  default_graphs=[f"{EX}r"])
        assert answer.body.splitlines() == [b"o", b"y"]
        graph = remote.query_raw("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples",
                                 max_rows=1)
        assert graph.rows == 1
    finally:
        remote.drop_graphs([f"{EX}r"])
        remote.close()
