"""`kg validate`, `kg infer` and the validation gate of `kg ingest`, through the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal
from rdflib.namespace import SH

from kg.cli import cli
from kg.reason import INFERRED_GRAPH
from kg.store import open_store
from kg.vocab import RDF

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHAPES = Path(__file__).parent / "shapes"
VALID = SHAPES / "valid" / "event-page.ttl"
INVALID = SHAPES / "invalid" / "event-related-to-itself.ttl"
EVENT_PAGE = EXAMPLES / "000_30323f190908bd9a.txt"
ARTICLE_WITHOUT_URL = EXAMPLES / "002_1bdb0463f316e372.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def store_dir(tmp_path: Path) -> str:
    return str(tmp_path / "store")


def kg(runner: CliRunner, *args: str | Path, store: str | None = None) -> Result:
    prefix = ["--store", store] if store else ["--store", "memory:"]
    return runner.invoke(cli, [*prefix, *(str(a) for a in args)])


def future_page(folder: Path) -> Path:
    """An event page dated in the year 2999: it breaks the shapes."""
    text = EVENT_PAGE.read_text(encoding="utf-8")
    path = folder / "future.txt"
    path.write_text(text.replace("2007-06-7", "2999-06-7").replace("/2007/06/7/", "/2999/06/7/"),
                    encoding="utf-8")
    return path


# -- kg validate: one test per exit code, then the options ---------------------------------------


def test_validate_exit_0_when_conforming(runner: CliRunner) -> None:
    result = kg(runner, "validate", VALID)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{VALID}: conforms"


def test_validate_exit_1_on_violations(runner: CliRunner) -> None:
    result = kg(runner, "validate", INVALID)
    assert result.exit_code == 1, result.output
    assert f"{INVALID}: Violation: <http://example.org/event/e1> dip:relatedTo " in result.output
    assert "[EventRelationShape]" in result.output
    assert f"{INVALID}: does not conform (1 violation)" in result.output


def test_validate_exit_2_on_a_parse_error_naming_file_and_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", encoding="utf-8")
    result = kg(runner, "validate", bad, VALID)
    assert result.exit_code == 2, result.output
    assert f"error: {bad}:3: not valid turtle" in result.output
    assert "Traceback" not in result.output
    assert f"{VALID}: conforms" in result.output  # the other files are still checked


def test_validate_exit_2_on_a_remote_json_ld_context(runner: CliRunner, tmp_path: Path) -> None:
    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://e/a"}',
                   encoding="utf-8")
    result = kg(runner, "validate", doc)
    assert result.exit_code == 2, result.output
    assert "remote JSON-LD @context <http://127.0.0.1:9/context.jsonld> is not fetched" \
        in result.output


def test_validate_exit_2_on_a_missing_file_or_no_arguments(runner: CliRunner) -> None:
    result = kg(runner, "validate", "no-such-file.ttl")
    assert result.exit_code == 2, result.output
    assert "error: no-such-file.ttl: cannot read file" in result.output
    result = kg(runner, "validate")
    assert result.exit_code == 2, result.output
    assert "give one or more FILEs, or --all" in result.output


def test_validate_exit_2_on_unusable_shapes(runner: CliRunner, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("this is not turtle\n", encoding="utf-8")
    result = kg(runner, "validate", "--shapes", shapes, VALID)
    assert result.exit_code == 2, result.output
    assert f"error: {shapes}:1: not valid turtle" in result.output


def test_validate_maps_input_documents_first(runner: CliRunner) -> None:
    result = kg(runner, "validate", EVENT_PAGE, ARTICLE_WITHOUT_URL)
    assert result.exit_code == 0, result.output
    assert f"{ARTICLE_WITHOUT_URL}: Warning: " in result.output
    assert f"{EVENT_PAGE}: conforms" in result.output


def test_validate_reads_json_ld_and_other_formats(runner: CliRunner, tmp_path: Path) -> None:
    graph = Graph().parse(VALID, format="turtle")
    for name, fmt in (("v.jsonld", "json-ld"), ("v.nt", "nt"), ("v.rdf", "xml")):
        (tmp_path / name).write_text(graph.serialize(format=fmt), encoding="utf-8")
    data = tmp_path / "v.data"
    data.write_text(graph.serialize(format="nt"), encoding="utf-8")
    result = kg(runner, "validate", tmp_path / "v.jsonld", tmp_path / "v.nt", tmp_path / "v.rdf")
    assert result.exit_code == 0, result.output
    result = kg(runner, "validate", "--format", "ntriples", data)
    assert result.exit_code == 0, result.output


def test_validate_report_json(runner: CliRunner) -> None:
    result = kg(runner, "validate", "--report", "json", INVALID, VALID)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["conforms"] is False
    assert data["files"] == [str(INVALID), str(VALID)]
    (violation,) = [r for r in data["results"] if r["severity"] == "Violation"]
    assert violation["path"] == "dip:relatedTo"
    assert violation["shape"] == "EventRelationShape"


def test_validate_report_turtle(runner: CliRunner) -> None:
    result = kg(runner, "validate", "--report", "turtle", INVALID)
    assert result.exit_code == 1, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)


def test_validate_with_other_shapes_and_inference(runner: CliRunner, tmp_path: Path) -> None:
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> .\n"
        "@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .\n"
        "<http://example.org/SemActors> a sh:NodeShape ; sh:targetClass dip:Event ;\n"
        "  sh:property [ sh:path sem:hasActor ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    # Only inference makes a dip:participant a sem:hasActor.
    result = kg(runner, "validate", "--shapes", shapes, VALID)
    assert result.exit_code == 1, result.output
    assert "sem:hasActor" in result.output and "[SemActors]" in result.output
    result = kg(runner, "validate", "--shapes", shapes, "--inference", "rdfs", VALID)
    assert result.exit_code == 0, result.output


def test_validate_all_checks_the_store(runner: CliRunner, store_dir: str) -> None:
    assert kg(runner, "ingest", "-q", EXAMPLES, store=store_dir).exit_code == 0
    result = kg(runner, "validate", "--all", store=store_dir)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith(f"{store_dir}: conforms")
    # a result names the input file of the document that describes its focus node, by the
    # path provenance records (the folder ingested and the path within it)
    assert any(line.startswith("examples/0") and ": Warning: " in line
               for line in result.output.splitlines()), result.output


def test_validate_all_on_an_unusable_store_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = kg(runner, "validate", "--all", store="nosuchscheme://x")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


# -- kg ingest: the gate ---------------------------------------------------------------------------


def test_ingest_keeps_out_a_document_with_violations(
    runner: CliRunner, tmp_path: Path, store_dir: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = future_page(folder)
    shutil.copy(ARTICLE_WITHOUT_URL, folder)
    shutil.copy(EXAMPLES / "2007-06-7_index.md", folder)
    result = kg(runner, "ingest", folder, store=store_dir)
    assert result.exit_code == 1, result.output
    assert "2 documents stored" in result.output and "1 failed" in result.output
    assert f"error: {bad}: not stored, it breaks the shapes:" in result.output
    assert (f'{bad}: Violation: <https://w3id.org/diplomacy-kg/id/event/2999-06-07/'
            in result.output)
    assert 'dip:date "2999-06-07"^^xsd:date: 2999-06-07 is in the future' in result.output
    # the warning is printed and its document stored
    assert f"{folder / ARTICLE_WITHOUT_URL.name}: Warning: " in result.output
    with open_store(store_dir) as store:
        assert not store.query("ASK { ?e <https://w3id.org/diplomacy-kg/ontology#date> "
                               '"2999-06-07"^^<http://www.w3.org/2001/XMLSchema#date> }').boolean
        paths = {str(row[0]) for row in store.query(
            "SELECT ?p WHERE { ?g <https://w3id.org/diplomacy-kg/ontology#sourcePath> ?p }").rows}
    assert paths == {f"in/{ARTICLE_WITHOUT_URL.name}", "in/2007-06-7_index.md"}


def test_ingest_without_validation_stores_it(
    runner: CliRunner, tmp_path: Path, store_dir: str
) -> None:
    bad = future_page(tmp_path)
    result = kg(runner, "ingest", "--no-validate", bad, store=store_dir)
    assert result.exit_code == 0, result.output
    assert "1 documents stored" in result.output
    assert kg(runner, "validate", "--all", store=store_dir).exit_code == 1


def test_ingest_quiet_hides_warnings(runner: CliRunner, store_dir: str) -> None:
    result = kg(runner, "ingest", "-q", ARTICLE_WITHOUT_URL, store=store_dir)
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output


# -- kg infer ------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["fast", "owlrl"])
def test_infer(runner: CliRunner, store_dir: str, engine: str) -> None:
    assert kg(runner, "ingest", "-q", EVENT_PAGE, store=store_dir).exit_code == 0
    result = kg(runner, "infer", "--engine", engine, store=store_dir)
    assert result.exit_code == 0, result.output
    assert f"triples inferred into <{INFERRED_GRAPH}> (+" in result.output
    assert f" -0) by the {engine} engine" in result.output
    result = kg(runner, "query", "PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> "
                "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a sem:Event }", store=store_dir)
    assert result.exit_code == 0, result.output
    assert "\n6 " in result.output or "\n6\n" in result.output, result.output


def test_ingest_can_keep_inference_current(runner: CliRunner, store_dir: str) -> None:
    result = kg(runner, "ingest", "--infer", "-q", EVENT_PAGE, store=store_dir)
    assert result.exit_code == 0, result.output
    assert "triples inferred" in result.output
