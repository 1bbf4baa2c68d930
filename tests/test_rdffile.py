"""Reading RDF files offline: every format, errors naming file and line, nothing fetched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.model import ParseError
from kg.rdffile import rdf_format_of, read_rdf
from kg.rdfio import BY_EXTENSION as EXTENSIONS
from kg.rdfio import OXIGRAPH_FORMATS as RDF_FORMATS
from tests.listener import Recorder

SAMPLE = """
@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/diplomacy-kg/id/person/vladimir-putin> a dip:Person ;
    rdfs:label "Vladimir Putin" , "Владимир Путин"@ru .
<https://w3id.org/diplomacy-kg/id/event/2007-06-07/x> a dip:Event ;
    dip:date "2007-06-07"^^xsd:date ;
    dip:participant <https://w3id.org/diplomacy-kg/id/person/vladimir-putin> .
"""
RDFLIB_NAMES = {"turtle": "turtle", "json-ld": "json-ld", "ntriples": "nt", "rdf-xml": "xml"}
SUFFIX = {fmt: ext for ext, fmt in reversed(EXTENSIONS.items())}


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_every_format_reads_by_extension(tmp_path: Path, fmt: str) -> None:
    expected = Graph().parse(data=SAMPLE, format="turtle")
    if fmt in ("nquads", "trig"):  # in a named graph: read_rdf merges the graphs
        lines = expected.serialize(format="nt").strip().splitlines()
        text = ("".join(line[:-1] + "<http://e/graph> .\n" for line in lines) if fmt == "nquads"
                else "<http://e/graph> {\n" + "\n".join(lines) + "\n}\n")
    else:
        text = expected.serialize(format=RDFLIB_NAMES[fmt])
    path = tmp_path / f"data{SUFFIX[fmt]}"
    path.write_text(text, encoding="utf-8")
    assert rdf_format_of(path, path.read_text(encoding="utf-8")) == fmt
    assert isomorphic(read_rdf(path), expected)


def test_format_given_beats_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    assert rdf_format_of(path) is None
    assert isomorphic(read_rdf(path, "turtle"), Graph().parse(data=SAMPLE, format="turtle"))


def test_json_is_json_ld_only_with_json_ld_keywords(tmp_path: Path) -> None:
    assert rdf_format_of("a.json", '{"@context": {}, "@id": "x"}') == "json-ld"
    assert rdf_format_of("a.json", '[{"date": "2015-09-01", "events": []}]') is None


@pytest.mark.parametrize(
    ("fmt", "text", "line"),
    [
        ("turtle", "@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b \"open .\n", 3),
        ("ntriples",
         "<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> c .\n", 2),
        ("nquads",
         "<http://e/a> <http://e/b> <http://e/c> <http://g> .\n\n<http://e/a> <http://e/b> .\n", 3),
        ("trig", "<http://g> {\n <http://e/a> <http://e/b> <http://e/c> .\n <a> <b> }\n", 3),
        ("json-ld", '{\n "@id": "http://e/a",\n "http://e/p": [1, }\n', 3),
        ("rdf-xml",
         '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
         '\n<rdf:Description rdf:about="http://e/a">\n</rdf:RDF>\n', 4),
    ],
)
def test_syntax_errors_name_file_and_line(tmp_path: Path, fmt: str, text: str, line: int) -> None:
    path = tmp_path / f"bad{SUFFIX[fmt]}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        read_rdf(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: not valid {fmt}")


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read file"):
        read_rdf(tmp_path / "nothing.ttl")


@pytest.mark.parametrize(
    "document",
    [
        lambda url: {"@context": url, "@id": "http://e/a", "name": "x"},
        lambda url: {"@context": [{"ex": "http://e/"}, url], "@id": "http://e/a"},
        lambda url: {"@context": {"@import": url}, "@id": "http://e/a"},
        lambda url: {"@graph": [{"@context": url, "@id": "http://e/a", "name": "x"}]},
    ],
    ids=["string", "in-a-list", "import", "nested"],
)
def test_remote_json_ld_context_is_refused_not_fetched(
    tmp_path: Path, recorder: Recorder, document: object
) -> None:
    path = tmp_path / "remote.jsonld"
    context = f"{recorder.url}/context.jsonld"
    path.write_text(json.dumps(document(context)), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(ParseError) as caught:
        read_rdf(path)
    assert "remote JSON-LD @context" in str(caught.value)
    assert "not fetched" in str(caught.value)
    assert recorder.requests == []


def test_inline_json_ld_context_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "inline.jsonld"
    path.write_text(json.dumps({"@context": {"name": "http://schema.org/name"},
                                "@id": "http://e/a", "name": "x"}), encoding="utf-8")
    assert (URIRef("http://e/a"), URIRef("http://schema.org/name"), Literal("x")) in read_rdf(path)


def test_owl_imports_is_refused(tmp_path: Path, recorder: Recorder) -> None:
    path = tmp_path / "imports.ttl"
    path.write_text(f"<http://e/o> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
                    f"  <http://www.w3.org/2002/07/owl#imports> <{recorder.url}/onto.ttl> .\n",
                    encoding="utf-8")
    with pytest.raises(ParseError, match=r"owl:imports .* is not followed"):
        read_rdf(path)
    assert recorder.requests == []


def test_rdf_xml_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", encoding="utf-8")
    path = tmp_path / "xxe.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">\n'
        '<rdf:Description rdf:about="http://e/a"><ex:p>&xxe;</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    with pytest.raises(ParseError) as caught:
        read_rdf(path)
    assert caught.value.line == 2
    assert "external entities are not resolved" in str(caught.value)
    assert "do not read me" not in str(caught.value)
