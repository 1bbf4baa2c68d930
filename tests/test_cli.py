"""The ``kg`` command, run with click's CliRunner against a real store on disk."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.cli import cli
from kg.jsonld import inline_context
from kg.store import open_store

from .conftest import EXAMPLES

KENNEBUNKPORT = next(EXAMPLES.glob("2007-07-2_*.md"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store folder with the examples ingested through the CLI."""
    store = str(tmp_path_factory.mktemp("cli") / "store")
    result = CliRunner().invoke(cli, ["--store", store, "ingest", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    return store


def test_ingest_prints_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--store", str(tmp_path / "s"), "ingest", str(KENNEBUNKPORT)])
    assert result.exit_code == 0, result.output
    assert "1 documents stored, 0 unchanged, 0 skipped, 0 failed" in result.output
    again = runner.invoke(cli, ["--store", str(tmp_path / "s"), "ingest", str(KENNEBUNKPORT)])
    assert "0 documents stored, 1 unchanged" in again.output
    assert "+0 triples" in again.output


def test_ingest_reads_the_store_from_the_environment(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "from-env"
    result = runner.invoke(cli, ["ingest", str(KENNEBUNKPORT)], env={"KG_STORE": str(store)})
    assert result.exit_code == 0, result.output
    assert store.is_dir()


def test_bad_input_exits_non_zero_without_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# no date heading here\n\n### Source:\n\n1. [CNN](http://cnn.com/a)\n")
    good = tmp_path / "good.md"
    shutil.copy(KENNEBUNKPORT, good)
    result = runner.invoke(
        cli,
        ["--store", str(tmp_path / "s"), "ingest", str(bad), str(tmp_path / "nope.md"), str(good)],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"error: {bad}" in result.output
    assert "nope.md: no such file or folder" in result.output
    assert "1 documents stored" in result.output and "2 failed" in result.output


def test_an_unknown_format_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["--store", str(tmp_path / "s"), "ingest", "--format", "pdf", str(KENNEBUNKPORT)]
    )
    assert result.exit_code == 2
    assert "'pdf' is not one of" in result.output


def test_a_store_in_use_gives_a_clear_message(runner: CliRunner, tmp_path: Path) -> None:
    with open_store(tmp_path / "busy"):
        result = runner.invoke(cli, ["--store", str(tmp_path / "busy"), "ingest",
                                     str(KENNEBUNKPORT)])
    assert result.exit_code == 1
    assert "error:" in result.output and "in use" in result.output
    assert "Traceback" not in result.output


def test_a_read_command_reads_a_store_in_use_in_a_read_only_view(
    runner: CliRunner, tmp_path: Path
) -> None:
    # Issue 15: `kg stats`, `kg query`... failed while another process (kg serve) held it.
    with open_store(tmp_path / "busy"):  # held by this process, as kg serve would hold it
        result = runner.invoke(cli, ["--store", str(tmp_path / "busy"), "stats"])
    assert result.exit_code == 0, result.output
    assert "read-only view" in result.output
    assert "documents" in result.output


def test_stats(runner: CliRunner, loaded: str) -> None:
    result = runner.invoke(cli, ["--store", loaded, "stats"])
    assert result.exit_code == 0, result.output
    counts = dict(line.split(None, 1) for line in result.output.splitlines())
    assert int(counts["documents"]) >= 11
    assert int(counts["events"]) > 20
    assert int(counts["people"]) > 5


def test_query_a_named_query_with_parameters(runner: CliRunner, loaded: str) -> None:
    result = runner.invoke(
        cli,
        [
            "--store",
            loaded,
            "query",
            "events_with_two_actors",
            "-p",
            "actor1=George W. Bush",
            "-p",
            "actor2=vladimir putin",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2007-06-07" in result.output and "2008-04-06" in result.output
    assert "Kennebunkport" in result.output


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_query_formats(runner: CliRunner, loaded: str, fmt: str) -> None:
    result = runner.invoke(
        cli,
        [
            "--store",
            loaded,
            "query",
            "-f",
            fmt,
            "related_events",
            "-p",
            "event=meet to discuss missile defense",
        ],
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        bindings = json.loads(result.output)["results"]["bindings"]
        assert len({b["related"]["value"] for b in bindings}) == 5
    else:
        lines = result.output.strip().splitlines()
        assert len(lines) == 6  # header + 5 related events
        assert lines[0].split("," if fmt == "csv" else "\t")[0] in ("eventIri", "?eventIri")


def test_query_from_a_file_and_from_text(runner: CliRunner, loaded: str, tmp_path: Path) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/diplomacy-kg/ontology#Event> }"
    )
    from_file = runner.invoke(cli, ["--store", loaded, "query", "-f", "csv", str(rq)])
    from_text = runner.invoke(cli, ["--store", loaded, "query", "-f", "csv", rq.read_text()])
    assert from_file.exit_code == 0, from_file.output
    assert from_file.output == from_text.output
    assert int(from_file.output.splitlines()[1]) > 20


def test_a_parameter_is_bound_as_a_value_never_as_query_text(
    runner: CliRunner, loaded: str
) -> None:
    evil = 'Putin" ) } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o FILTER("'
    result = runner.invoke(
        cli, ["--store", loaded, "query", "events_with_actor", "-p", f"actor={evil}"]
    )
    assert result.exit_code == 0, result.output
    assert "(0 rows)" in result.output
    still = runner.invoke(
        cli, ["--store", loaded, "query", "events_with_actor", "-p", "actor=Vladimir Putin"]
    )
    assert "(0 rows)" not in still.output


def test_query_errors_are_one_line(runner: CliRunner, loaded: str) -> None:
    missing = runner.invoke(cli, ["--store", loaded, "query", "events_with_actor"])
    assert missing.exit_code == 1 and "needs --param actor=" in missing.output
    unknown = runner.invoke(cli, ["--store", loaded, "query", "events_with_actor", "-p", "who=x"])
    assert unknown.exit_code == 1 and "has no parameter who" in unknown.output
    bad_date = runner.invoke(
        cli,
        [
            "--store",
            loaded,
            "query",
            "events_on_topic",
            "-p",
            "topic=missile",
            "-p",
            "from=yesterday",
        ],
    )
    assert bad_date.exit_code == 1 and "not a date" in bad_date.output
    syntax = runner.invoke(cli, ["--store", loaded, "query", "SELECT ?x WHERE { ?x"])
    assert syntax.exit_code == 1 and "syntax" in syntax.output.lower()
    name = runner.invoke(cli, ["--store", loaded, "query", "no_such_query"])
    assert name.exit_code == 1 and "named queries:" in name.output
    for result in (missing, unknown, bad_date, syntax, name):
        assert "Traceback" not in result.output


def test_queries_lists_the_named_queries(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0, result.output
    assert "events_with_actor: Events involving an actor" in result.output
    assert "--param actor=" in result.output


def store_graphs(store_path: str) -> tuple[Graph, dict[str, set[tuple[object, ...]]]]:
    with open_store(store_path) as store:
        merged = Graph()
        for row in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows:
            merged.add(row)  # type: ignore[arg-type]
        named = {g: set(store.graph_triples(g)) for g in store.named_graphs()}
    return merged, named


def test_turtle_export_round_trips(runner: CliRunner, loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    result = runner.invoke(cli, ["--store", loaded, "export", "-f", "turtle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "@prefix dip: <https://w3id.org/diplomacy-kg/ontology#>" in text
    merged, _ = store_graphs(loaded)
    assert isomorphic(Graph().parse(out, format="turtle"), merged)
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE))) == len(merged)


def test_json_ld_export_round_trips_with_its_named_graphs(
    runner: CliRunner, loaded: str, tmp_path: Path
) -> None:
    out = tmp_path / "graph.jsonld"
    result = runner.invoke(cli, ["--store", loaded, "export", "-f", "json-ld", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _, named = store_graphs(loaded)
    # The export names the shipped context by URL: put inline, it is read without fetching.
    inlined = json.dumps(inline_context(json.loads(out.read_bytes())))
    out.write_text(inlined, encoding="utf-8")
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        dataset = Dataset()
        dataset.parse(out, format="json-ld")
    parsed = {str(g.identifier): set(g) for g in dataset.graphs() if len(g)}
    assert parsed == named
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.JSON_LD))
    assert len(quads) == sum(len(t) for t in named.values())


@pytest.mark.parametrize("fmt", ["nquads", "trig", "ntriples", "rdf-xml"])
def test_other_export_formats_parse(runner: CliRunner, loaded: str, fmt: str) -> None:
    result = runner.invoke(cli, ["--store", loaded, "export", "-f", fmt])
    assert result.exit_code == 0, result.output
    parser = {
        "nquads": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "rdf-xml": ox.RdfFormat.RDF_XML,
    }[fmt]
    assert len(list(ox.parse(result.stdout_bytes, parser))) > 1000


def test_a_user_gazetteer_adds_actors(runner: CliRunner, tmp_path: Path) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(
        json.dumps(
            {
                "entries": [
                    {
                        "kind": "person",
                        "name": "Ivo Envoyson",
                        "qid": "Q999999999",
                        "aliases": ["Envoy Ivo"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    page = tmp_path / "page.md"
    page.write_text(
        "### [2009-03-4](/news/2009/03/4/index.md)\n\n"
        "# Ivo Envoyson meets Vladimir Putin in Moscow. \n\n"
        "### Source:\n\n1. [BBC](http://news.bbc.co.uk/2/hi/europe/1.stm)\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "s")
    result = runner.invoke(cli, ["--store", store, "ingest", "--gazetteer", str(mine), str(page)])
    assert result.exit_code == 0, result.output
    found = runner.invoke(
        cli,
        ["--store", store, "query", "-f", "csv", "events_with_actor", "-p", "actor=Ivo Envoyson"],
    )
    assert "meets Vladimir Putin" in found.output

    broken = tmp_path / "broken.json"
    broken.write_text('{"entries": [{"kind": "wizard", "name": "X"}]}', encoding="utf-8")
    bad = runner.invoke(cli, ["--store", store, "ingest", "--gazetteer", str(broken), str(page)])
    assert bad.exit_code == 1
    assert "broken.json" in bad.output and "Traceback" not in bad.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_shows_an_example(name: str, runner: CliRunner) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
