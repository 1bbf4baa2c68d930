"""The whole path against a real Oxigraph server: ingest, re-ingest, query, export."""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.cli import cli
from kg.pipeline import ingest
from kg.queries import bind_params, load_queries
from kg.reason import INFERRED_GRAPH, infer
from kg.search import use_index
from kg.store import SparqlStore, Store, StoreError, open_store
from kg.store.dialects import STANDARD

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


# --- exports page through a server that caps its answers (issue 15)


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``kg serve --max-rows 1000`` on the examples, and the folder of a copy of its store."""
    from tests.web.conftest import serve

    folder = tmp_path_factory.mktemp("capped")
    with open_store(folder / "store") as store:
        assert not ingest(store, [EXAMPLES]).failures
    shutil.copytree(folder / "store", folder / "copy")
    with serve(folder / "store", "--max-rows", "1000", log_dir=folder) as running:
        yield f"{running.url}/sparql", folder / "copy"


def dumped(store: Store, fmt: str, graph: str | None = None) -> list[str]:
    out = io.BytesIO()
    store.dump(out, fmt, graph=graph)
    return sorted(out.getvalue().decode().splitlines())


@pytest.mark.parametrize("fmt", ["nquads", "ntriples"])
def test_an_export_through_kg_serve_is_whole_past_its_max_rows(
    capped_server: tuple[str, Path], fmt: str
) -> None:
    url, copy = capped_server
    with open_store(copy) as local:
        expected = dumped(local, fmt)
        document = next(g for g in local.named_graphs() if "/graph/doc/" in g)
        one_graph = dumped(local, "nquads", graph=document)
    assert len(expected) > 4_000  # several times the server's cap of 1,000
    with open_store(url) as remote:
        assert dumped(remote, fmt) == expected
        assert dumped(remote, "nquads", graph=document) == one_graph


def test_kg_export_through_kg_serve_writes_every_quad(capped_server: tuple[str, Path],
                                                      tmp_path: Path) -> None:
    url, copy = capped_server
    target = tmp_path / "all.nq"
    result = CliRunner().invoke(cli, ["--store", url, "export", "-f", "nquads", "-o",
                                       str(target)])
    assert result.exit_code == 0, result.output
    with open_store(copy) as local:
        assert len(target.read_text().splitlines()) == local.quad_count() - local.triple_count()


def test_an_answer_the_server_cut_short_is_an_error(capped_server: tuple[str, Path]) -> None:
    url, _ = capped_server
    with open_store(url) as remote:
        with pytest.raises(StoreError, match="cut its answer short at 1000 rows"):
            remote.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
        with pytest.raises(StoreError, match="cut its answer short"):
            list(remote.stream_triples("CONSTRUCT WHERE { ?s ?p ?o }"))
        assert len(remote.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1000").rows) == 1000


def test_an_export_that_comes_up_short_fails(oxigraph_server: str) -> None:
    with open_store(f"{oxigraph_server}/query?store=") as store:  # by SPARQL, page by page
        assert isinstance(store, SparqlStore)
        store.clear()
        store.replace_graphs({f"http://example.org/g/{i}": [
            (URIRef(f"http://example.org/s{i}"), URIRef("http://example.org/p"), Literal(n))
            for n in range(5)] for i in range(4)})
        # Pages of 3 from the start (as from a server that cuts its answers), so that the store
        # can change between two.
        store._dialect = dataclasses.replace(STANDARD, page_rows=3, whole_answer_first=False,
                                             deep_sorted_offsets=False)
        rows = store._paged(("g", "s", "p", "o"), "{ GRAPH ?g { ?s ?p ?o } }")
        next(rows)  # counted 20 quads, read the first page
        store.drop_graphs(["http://example.org/g/3"])  # the store changes meanwhile
        with pytest.raises(StoreError, match=r"incomplete: .* gave 15 of the 20"):
            list(rows)


def test_a_server_that_gives_no_rows_fails_clearly(tmp_path: Path) -> None:
    from tests.web.conftest import serve

    with open_store(tmp_path / "store") as store:
        store.replace_graphs({"http://example.org/g": [
            (URIRef("http://example.org/s"), URIRef("http://example.org/p"), Literal("o"))]})
    with serve(tmp_path / "store", "--max-rows", "0", log_dir=tmp_path) as running, \
            open_store(f"{running.url}/sparql") as remote:
        result = CliRunner().invoke(cli, ["--store", remote.url, "export", "-f", "nquads"])
        assert result.exit_code != 0
        assert "cut its answer short at 0 rows" in result.output
