"""kg validate --all with the compiled checks, run by the store on a checkpoint: the results of
pySHACL batch by batch, and the store left as it was.

The store holds the examples, the evaluation pages, every invalid shape case as a document of
its own, and violations seeded into an ingested document's graph (a second date, a date that
is not one, an article reporting a later event), so results cross documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.cli import cli
from kg.iri import INFERRED_GRAPH
from kg.pipeline import infer, ingest
from kg.pipeline.compiled_validation import CHECKPOINT_PREFIX
from kg.pipeline.store_validation import progress_unit, validate_store, validate_whole_store
from kg.rdffile import quiet_literals
from kg.store import Store, open_store
from kg.store.oxigraph import OxigraphStore
from kg.terms import Triple
from kg.validate import ValidationReport, default_shapes
from kg.validate.compiled import compiled_plan
from kg.vocab import DIP, RDF, XSD

from .test_store_validation import TEST_GRAPHS, result_keys

REPO = Path(__file__).resolve().parents[1]
INVALID = sorted((REPO / "tests" / "shapes" / "invalid").glob("*.ttl"))


def assert_same(compiled: ValidationReport, batched: ValidationReport) -> None:
    only_compiled = set(result_keys(compiled)) - set(result_keys(batched))
    only_batched = set(result_keys(batched)) - set(result_keys(compiled))
    assert not only_compiled and not only_batched, (
        f"compiled only: {only_compiled}\npySHACL only: {only_batched}")
    assert result_keys(compiled) == result_keys(batched)
    assert compiled.conforms == batched.conforms
    assert compiled.sources == batched.sources
    assert len(set(compiled.graph.objects(None, SH.result))) == len(compiled.results)


def seeded(store: Store) -> None:
    """Every invalid case as a document, and violations written into an ingested document."""
    graphs: dict[str, list[Triple]] = {}
    with quiet_literals():  # the ill-formed dates are the point of some cases
        for path in INVALID:
            graph = f"{TEST_GRAPHS}{path.stem}"
            graphs[graph] = [*Graph().parse(path, format="turtle"),
                             (URIRef(graph), DIP.sourcePath, Literal(f"invalid/{path.name}"))]
    # An event only the ontology's class hierarchy makes one (a meeting), undated.
    graphs[TEST_GRAPHS + "meeting"] = [(URIRef("urn:x-kg-test:meeting/1"), RDF.type, DIP.Meeting)]
    store.replace_graphs(graphs)
    event, document = next((row[0], row[1]) for row in store.query(
        f"SELECT ?e ?g WHERE {{ GRAPH ?g {{ ?e a {DIP.Event.n3()} }} }} ORDER BY ?g LIMIT 1").rows)
    article = next(row[0] for row in store.query(
        f"SELECT ?a WHERE {{ ?a a {DIP.Article.n3()} }} ORDER BY ?a LIMIT 1").rows)
    assert isinstance(document, URIRef) and event is not None and article is not None
    triples = store.graph_triples(str(document))
    store.replace_graphs({str(document): [
        *triples,
        (event, DIP.date, Literal("2031-02-30", datatype=XSD.date)),  # a second date, ill-formed
        (article, DIP.reports, event),  # from another document: reports a later event
    ]})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The examples and evaluation pages ingested, then the seeded violations written."""
    with open_store(tmp_path_factory.mktemp("compiled") / "store") as opened:
        report = ingest(opened, [REPO / "examples", REPO / "tests" / "eval" / "pages"])
        assert not report.failures, report.failures
        seeded(opened)
        yield opened


def test_the_compiled_checks_give_pyshacls_results_batch_by_batch(store: Store) -> None:
    compiled = validate_store(store, engine="compiled")
    batched = validate_store(store, engine="pyshacl", batch_size=40)
    assert not compiled.conforms
    assert len({r.shape for r in compiled.results}) >= 15
    assert {r.file for r in compiled.results} > {"invalid/event-with-two-dates.ttl"}
    assert ("EventShape", URIRef("urn:x-kg-test:meeting/1")) in {
        (r.shape, r.focus_node) for r in compiled.results}
    assert_same(compiled, batched)


def test_the_store_is_not_written_and_the_checkpoint_goes(store: Store) -> None:
    assert isinstance(store, OxigraphStore) and store.path is not None
    before = store.quad_count()
    validate_store(store, engine="compiled")
    assert store.quad_count() == before
    assert not list(store.path.parent.glob(CHECKPOINT_PREFIX + "*"))


def test_the_inferred_graph_is_not_validated(tmp_path: Path) -> None:
    """A triple only the inferred graph holds is not judged, as pySHACL's path leaves it out.

    The store's default graph is the merge of every graph, the inferred one too: run there
    as it is, the checks would find the event's second, ill-formed date.
    """
    with open_store(tmp_path / "store") as opened:
        ingest(opened, [REPO / "examples"])
        infer(opened)
        event = next(row[0] for row in opened.query(
            f"SELECT ?e WHERE {{ ?e a {DIP.Event.n3()} }} LIMIT 1").rows)
        assert isinstance(event, URIRef)
        opened.add_triples(INFERRED_GRAPH, [ox.Triple(
            ox.NamedNode(str(event)), ox.NamedNode(str(DIP.date)),
            ox.Literal("2031-02-30", datatype=ox.NamedNode(str(XSD.date))))])
        compiled = validate_store(opened, engine="compiled")
        assert event not in {r.focus_node for r in compiled.results if r.path == "dip:date"}
        assert_same(compiled, validate_store(opened, engine="pyshacl"))


def test_shapes_the_compiler_leaves_are_judged_by_pyshacl(store: Store) -> None:
    """A shape with sh:qualifiedValueShape goes to pySHACL batch by batch; the rest compiled."""
    shapes = Graph().parse(data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> .
@prefix dsh: <https://w3id.org/diplomacy-kg/shapes#> .
dsh:Q a sh:NodeShape ; sh:targetClass dip:Event ;
  sh:property [ sh:path dip:participant ; sh:qualifiedValueShape [ sh:class dip:State ] ;
                sh:qualifiedMinCount 1 ; sh:message "no state takes part" ] .
dsh:D a sh:NodeShape ; sh:targetClass dip:Event ;
  sh:property [ sh:path dip:date ; sh:maxCount 1 ; sh:message "one date" ] .
""", format="turtle")
    assert compiled_plan(shapes).pyshacl_only == ("Q",)
    compiled = validate_store(store, shapes=shapes, engine="compiled")
    assert {r.message for r in compiled.results} == {"no state takes part", "one date"}
    assert_same(compiled, validate_whole_store(store, shapes=shapes))


def test_progress_counts_the_compiled_checks(store: Store) -> None:
    seen: list[tuple[int, int]] = []
    validate_store(store, engine="compiled", progress=lambda done, total: seen.append(
        (done, total)))
    total = len(compiled_plan(default_shapes()).checks)
    assert seen == [(done, total) for done in range(total + 1)]
    assert progress_unit(store, engine="compiled") == "checks"
    assert progress_unit(store, engine="pyshacl") == "graphs"


def test_a_store_in_memory_is_validated_batch_by_batch() -> None:
    with open_store("memory:") as memory:
        with quiet_literals():
            triples = list(Graph().parse(INVALID[0], format="turtle"))
        memory.replace_graphs({TEST_GRAPHS + "a": triples})
        assert progress_unit(memory) == "graphs"
        assert_same(validate_store(memory), validate_store(memory, engine="pyshacl"))


def test_kg_validate_all_reports_the_same_with_either_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "store") as opened:
        ingest(opened, [REPO / "examples"])
        seeded(opened)
    answers = []
    for engine in ("compiled", "pyshacl"):
        monkeypatch.setenv("KG_GATE_ENGINE", engine)
        result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "validate",
                                          "--all", "--report", "json"])
        assert result.exit_code == 1, result.output
        answer = json.loads(result.output)
        answer["results"].sort(key=lambda r: json.dumps(r, sort_keys=True))
        answers.append(answer)
    assert answers[0] == answers[1]
    assert answers[0]["counts"]["violation"] > 10


def test_the_ontology_is_read_though_the_store_lacks_it(tmp_path: Path) -> None:
    """A store written without the ontology's graph: its class hierarchy still makes targets.

    pySHACL's path validates the data with the ontology; the checkpoint gets it too.
    """
    meeting = URIRef("urn:x-kg-test:meeting/1")
    with open_store(tmp_path / "store") as opened:
        opened.replace_graphs({TEST_GRAPHS + "a": [(meeting, RDF.type, DIP.Meeting)]})
        compiled = validate_store(opened, engine="compiled")
        assert ("EventShape", meeting) in {(r.shape, r.focus_node) for r in compiled.results}
        assert_same(compiled, validate_store(opened, engine="pyshacl"))


@pytest.mark.server
def test_a_remote_store_is_validated_batch_by_batch_with_the_same_results(
    oxigraph_server: str, tmp_path: Path
) -> None:
    """`oxigraph serve` cannot be checkpointed: pySHACL batch by batch, the same results."""
    graphs: dict[str, list[Triple]] = {}
    with quiet_literals():
        for path in INVALID[:12]:
            graphs[f"{TEST_GRAPHS}{path.stem}"] = list(Graph().parse(path, format="turtle"))
    remote = open_store(f"{oxigraph_server}/query")
    remote.clear()
    remote.replace_graphs(graphs)
    with open_store(tmp_path / "store") as local:
        local.replace_graphs(graphs)
        compiled = validate_store(local)
    assert progress_unit(remote) == "graphs"
    batched = validate_store(remote)
    assert batched.results and not batched.conforms
    assert ([k[1:] for k in result_keys(batched)] == [k[1:] for k in result_keys(compiled)])
