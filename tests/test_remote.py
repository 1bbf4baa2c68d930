"""The whole path against a real Oxigraph server: ingest, re-ingest, query, export."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.pipeline import ingest
from kg.queries import bind_params, load_queries
from kg.reason import INFERRED_GRAPH, infer
from kg.search import use_index
from kg.store import open_store

from .conftest import EXAMPLES

pytestmark = pytest.mark.server


def test_ingest_query_and_export_through_a_sparql_server(oxigraph_server: str,
                                                          tmp_path: Path) -> None:
    store = open_store(f"{oxigraph_server}/query")
    store.clear()
    use_index(store, tmp_path / "index.sqlite")  # a remote store's text index is a local file
    first = ingest(store, [EXAMPLES])
    assert not first.failures, first.failures
    assert first.count("stored") == 12

    second = ingest(store, [EXAMPLES])
    assert second.count("stored") == 0 and second.triples_added == 0

    queries = load_queries()
    related = queries["related_events"]
    rows = store.query(
        related.text,
        bindings=bind_params(related, {"event": "meet to discuss missile defense"}, store=store),
    ).rows
    assert sorted(str(r[2]) for r in rows) == [
        "2007-07-02",
        "2007-09-07",
        "2008-04-06",
        "2012-06-18",
        "2016-09-05",
    ]

    two = queries["events_with_two_actors"]
    rows = store.query(
        two.text,
        bindings=bind_params(two, {"actor1": "George W. Bush", "actor2": "Vladimir Putin"}),
    ).rows
    assert len(rows) == 4  # each event once, though several documents state it

    out = io.BytesIO()
    store.dump(out, "turtle")
    assert len(list(ox.parse(out.getvalue(), ox.RdfFormat.TURTLE))) == store.triple_count()
    store.close()


def test_inference_through_a_sparql_server_matches_the_embedded_store(
    oxigraph_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.reason.spool._SPOOL_CHUNK", 100)  # new triples go by file, in chunks
    monkeypatch.setattr("kg.store.merge._CHUNK_TRIPLES", 250)
    remote = open_store(f"{oxigraph_server}/query")
    remote.clear()
    assert not ingest(remote, [EXAMPLES]).failures
    first = infer(remote)
    with open_store("memory:") as local:
        assert not ingest(local, [EXAMPLES]).failures
        infer(local)
        assert set(remote.graph_triples(INFERRED_GRAPH)) == set(local.graph_triples(INFERRED_GRAPH))
    assert first.triples > 0 and first.added == first.triples

    again = infer(remote)  # nothing changed: nothing written
    assert (again.added, again.removed, again.triples) == (0, 0, first.triples)

    document = next(g for g in remote.named_graphs() if "/graph/doc/" in g)
    remote.drop_graphs([document])
    after = infer(remote)
    assert after.removed > 0
    stale = remote.query(
        f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}"
        f" FILTER NOT EXISTS {{ ?s ?p ?o }} }}"
    )
    assert stale.boolean is False  # the default graph holds everything the inferred graph does
    remote.close()
