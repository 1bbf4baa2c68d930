"""Issue 15, exports: a shipped JSON-LD context, clean Turtle, provenance without local paths."""

from __future__ import annotations

import io
import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from pyld import jsonld as pyld
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic

from kg.cli import cli
from kg.jsonld import (
    CONTEXT_URL,
    RemoteDocumentRefused,
    context_text,
    document_loader,
    inline_context,
    shipped_bytes,
)
from kg.rdffile import read_rdf, to_rdflib
from kg.rdfio import FORMATS
from kg.store import open_store
from kg.vocab import DIP, PREFIXES, PROV
from tests.web.conftest import ROOT, Server

PUTIN = "https://w3id.org/diplomacy-kg/id/person/vladimir-putin"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def store(example_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the example store (ingested from the examples' absolute path)."""
    folder = tmp_path_factory.mktemp("exports") / "store"
    shutil.copytree(example_store, folder)
    return folder


def export(store: Path, fmt: str) -> bytes:
    """What `kg export -f FMT` writes."""
    result = CliRunner().invoke(cli, ["--store", str(store), "export", "-f", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def graphs_of(data: bytes | str, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> dict[str, Graph]:
    """The named graphs of a dataset, each as an rdflib graph (read by pyoxigraph)."""
    graphs: dict[str, Graph] = {}
    raw = data.encode("utf-8") if isinstance(data, str) else data
    for quad in ox.parse(raw, fmt):
        name = str(quad.graph_name)
        graphs.setdefault(name, Graph()).add(
            (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graphs


def assert_same_graphs(got: dict[str, Graph], expected: dict[str, Graph]) -> None:
    assert set(got) == set(expected)
    for name, graph in expected.items():
        if not isomorphic(got[name], graph):
            _, only_got, only_expected = graph_diff(got[name], graph)
            pytest.fail(f"graph {name} differs:\n+{only_got.serialize(format='nt')}"
                        f"\n-{only_expected.serialize(format='nt')}")


# -- the context


def test_the_shipped_context_is_in_step_with_the_prefixes_and_ontology() -> None:
    """The file in the package is what kg.jsonld builds from kg.vocab and the ontology."""
    assert shipped_bytes().decode("utf-8") == context_text(), (
        "regenerate kg/resources/context.jsonld with: python -c 'from kg.jsonld import "
        "context_text; print(context_text(), end=\"\")' > kg/resources/context.jsonld")
    context = json.loads(shipped_bytes())["@context"]
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == namespace
    assert context["participant"] == {"@id": "dip:participant", "@type": "@id"}
    assert context["date"] == {"@id": "dip:date", "@type": "xsd:date"}
    assert context["headline"] == {"@id": "dip:headline"}


def test_the_context_is_served_with_its_media_type(server: Server) -> None:
    status, headers, body = server.get("/context.jsonld")
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == "application/ld+json"
    assert body == shipped_bytes()


def test_the_document_loader_refuses_everything_but_the_context() -> None:
    load = document_loader()
    assert load(CONTEXT_URL, {})["document"] == json.loads(shipped_bytes())
    with pytest.raises(RemoteDocumentRefused):
        load("https://example.org/other.jsonld", {})


# -- JSON-LD exports and answers


def test_jsonld_export_is_compact_and_isomorphic_to_the_nquads_export(store: Path) -> None:
    """"JSON-LD exports and answers are fully expanded, with no `@context`"; compacted with the
    shipped context they must still say what the N-Quads export says."""
    body = export(store, "json-ld")
    document = json.loads(body)
    assert document["@context"] == CONTEXT_URL
    nquads = export(store, "nquads")
    expanded = ox.serialize(ox.parse(nquads, ox.RdfFormat.N_QUADS), format=ox.RdfFormat.JSON_LD)
    assert expanded is not None
    assert len(body) < 0.75 * len(expanded), (len(body), len(expanded))
    assert b"\n" in body.strip()  # not one line
    text = body.decode("utf-8")
    assert '"@type": "dip:Event"' in text and '"id:person/vladimir-putin"' in text
    # Read back offline by pyld (a loader that refuses the network), as N-Quads.
    read = pyld.to_rdf(document, {"format": "application/n-quads",
                                  "documentLoader": document_loader()})
    assert_same_graphs(graphs_of(read), graphs_of(nquads))


def test_kg_reads_its_jsonld_export_back_without_fetching(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "export.jsonld"
    path.write_bytes(export(store, "json-ld"))
    merged = read_rdf(path)
    expected = Graph()
    for graph in graphs_of(export(store, "nquads")).values():
        expected += graph
    assert isomorphic(merged, expected)


def test_jsonld_answer_names_the_served_context(server: Server) -> None:
    """A CONSTRUCT answer in JSON-LD is compact and names the context where its server
    serves it, so that any client can read it."""
    query = urllib.parse.urlencode({"query": f"DESCRIBE <{PUTIN}>"})
    status, _, body = server.get(f"/sparql?{query}", {"Accept": "application/ld+json"})
    assert status == 200, body
    document = json.loads(body)
    served = server.url + "/context.jsonld"
    assert document["@context"] == served

    def from_the_server(url: str, _options: object = None) -> dict[str, object]:
        assert url == served, url  # nothing else is fetched
        with urllib.request.urlopen(url, timeout=30) as answer:
            return {"contextUrl": None, "documentUrl": url, "document": json.load(answer)}

    read = pyld.to_rdf(document, {"format": "application/n-quads",
                                  "documentLoader": from_the_server})
    graph = Graph().parse(data=read, format="nt")
    assert (URIRef(PUTIN), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            None) in graph


# -- Turtle


def declared_prefixes(text: str) -> dict[str, str]:
    return dict(re.findall(r"^@prefix ([\w-]*): <([^>]*)> \.$", text, re.M))


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_turtle_declares_only_the_prefixes_it_uses_and_escapes_no_names(
        store: Path, fmt: str) -> None:
    """"Turtle export declares all 17 prefixes in any order and escapes local names
    (`id:place\\/southern-district`)"."""
    text = export(store, fmt).decode("utf-8")
    declared = declared_prefixes(text)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
    assert declared, text[:500]
    for prefix in declared:
        assert re.search(rf"(?<![\w:/#-]){re.escape(prefix)}:", body), f"{prefix}: unused"
    assert "\\/" not in text
    assert "<https://w3id.org/diplomacy-kg/id/place/" in text
    nquads = export(store, "nquads")
    if fmt == "trig":
        assert_same_graphs(graphs_of(text, ox.RdfFormat.TRIG), graphs_of(nquads))


def test_a_construct_answer_in_turtle_declares_only_what_it_uses(server: Server) -> None:
    query = urllib.parse.urlencode({"query": f"DESCRIBE <{PUTIN}>"})
    status, _, body = server.get(f"/sparql?{query}", {"Accept": "text/turtle"})
    assert status == 200, body
    text = body.decode("utf-8")
    declared = declared_prefixes(text)
    assert "cameo" not in declared and "plover" not in declared and "id" not in declared
    assert "\\/" not in text
    assert (URIRef(PUTIN), None, None) in Graph().parse(data=text, format="turtle")


# -- provenance


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_export_of_the_examples_names_a_local_path(store: Path, fmt: str) -> None:
    """"Provenance publishes absolute local paths (`prov:wasDerivedFrom` a `file:` IRI of the
    ingesting machine)." The example store was ingested from an absolute path."""
    body = export(store, fmt)
    assert not re.search(rb"""(?:^|[<"'\s])file:""", body)
    assert str(EXAMPLES).encode("utf-8") not in body
    assert str(store).encode("utf-8") not in body
    assert not re.search(rb"[\"'>]/(?:work|home|tmp|root|Users|srv|var)/", body)


def provenance(store_path: Path) -> set[tuple[str, str]]:
    with open_store(store_path, create=False) as opened:
        rows = opened.query(
            f"SELECT ?from ?path WHERE {{ GRAPH ?g {{ ?g <{PROV.wasDerivedFrom}> ?from ; "
            f"<{DIP.sourcePath}> ?path }} }}").rows
    return {(str(f), str(p)) for f, p in rows}


def test_provenance_records_the_path_within_the_folder_ingested(tmp_path: Path) -> None:
    pages = tmp_path / "pages" / "2007"
    pages.mkdir(parents=True)
    page = next(EXAMPLES.glob("2007-07-2_*.md"))
    shutil.copy(page, pages / "talks.md")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ingest", "-q",
                                      str(tmp_path / "pages")])
    assert result.exit_code == 0, result.output
    assert provenance(tmp_path / "s") == {("urn:diplomacy-kg:file:pages/2007/talks.md",
                                           "pages/2007/talks.md")}


def test_two_folders_files_of_one_name_stay_two_documents(tmp_path: Path) -> None:
    """A relative name alone made ``a/index.md`` replace ``b/index.md``: the folder's own
    name keeps them apart, as the absolute path did."""
    first, second = sorted(EXAMPLES.glob("*.md"))[:2]
    for folder, page in (("one", first), ("two", second)):
        (tmp_path / folder).mkdir()
        shutil.copy(page, tmp_path / folder / "index.md")
        result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ingest", "-q",
                                          str(tmp_path / folder)])
        assert result.exit_code == 0, result.output
    assert {path for _, path in provenance(tmp_path / "s")} == {"one/index.md",
                                                                "two/index.md"}


def test_provenance_records_the_base_url_the_user_gives(tmp_path: Path) -> None:
    pages = tmp_path / "pages" / "2007"
    pages.mkdir(parents=True)
    page = next(EXAMPLES.glob("2007-07-2_*.md"))
    shutil.copy(page, pages / "talks one.md")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ingest", "-q",
                                      "--base-url", "https://example.org/news",
                                      str(tmp_path / "pages")])
    assert result.exit_code == 0, result.output
    url = "https://example.org/news/2007/talks%20one.md"
    assert provenance(tmp_path / "s") == {(url, url)}


def test_a_base_url_must_be_an_iri_and_not_a_file(tmp_path: Path) -> None:
    for bad in ("not an iri", "file:///srv/pages/"):
        result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ingest",
                                          "--base-url", bad, str(EXAMPLES)])
        assert result.exit_code != 0
        assert "is not an absolute IRI other than a file: one" in result.output, result.output


def test_jsonld_of_a_graph_in_memory_is_compact() -> None:
    """kg.rdfio's writer, as the endpoint's workers call it: a bare triple is compacted."""
    from kg.rdfio import write_rdf

    out = io.BytesIO()
    write_rdf([ox.Triple(ox.NamedNode(PUTIN), ox.NamedNode(str(DIP.holds)),
                         ox.NamedNode("https://w3id.org/diplomacy-kg/id/post/president"))],
              out, "json-ld")
    document = json.loads(out.getvalue())
    assert document == {"@context": CONTEXT_URL, "@id": "id:person/vladimir-putin",
                        "holds": "id:post/president"}


@pytest.mark.parametrize("path", ["/store?graph=" + urllib.parse.quote(
    "https://w3id.org/diplomacy-kg/graph/ontology", safe=""), "/sparql"])
def test_graph_store_and_service_description_json_ld_name_the_served_context(
        server: Server, path: str) -> None:
    """Every JSON-LD graph the server answers names the context it serves, compact."""
    status, headers, body = server.get(path, {"Accept": "application/ld+json"})
    assert status == 200, body
    assert headers["Content-Type"].split(";")[0] == "application/ld+json"
    document = json.loads(body)
    assert document["@context"] == server.url + "/context.jsonld"
    inlined = json.dumps(inline_context(document, document["@context"])).encode("utf-8")
    assert any(True for _ in ox.parse(inlined, ox.RdfFormat.JSON_LD))
