"""/ontology: the documentation page in step with ontology/diplomacy.ttl and shapes/, and the
ontology's IRI dereferencing there by content negotiation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.rdffile import parse_rdf
from kg.web.diagram import layout
from kg.web.ontology_doc import ONTOLOGY_IRI, anchor, ontology_doc

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "diplomacy.ttl"
SHAPES = ROOT / "shapes"
TERM_TYPES = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
              OWL.AnnotationProperty, RDF.Property)


class _Page(HTMLParser):
    """The ids and the same-page links of an HTML page, read by a real parser."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        href = values.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            self.fragments.append(href[1:])

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


@pytest.fixture(scope="module")
def page(app: object) -> _Page:
    client = app.test_client()  # type: ignore[attr-defined]
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    parsed = _Page()
    parsed.feed(response.text)
    return parsed


def _declared(path: Path, types: tuple[URIRef, ...]) -> set[URIRef]:
    graph = Graph().parse(path, format="turtle")
    return {t for kind in types for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef)}


def test_every_class_and_property_of_the_ttl_has_its_entry(page: _Page) -> None:
    terms = _declared(ONTOLOGY, TERM_TYPES)
    assert len(terms) > 100
    missing = sorted(str(t) for t in terms if anchor(str(t)) not in page.ids)
    assert not missing, f"not on /ontology: {missing}"
    # dip:Event is https://w3id.org/diplomacy-kg/ontology#Event: its fragment is its anchor.
    assert "Event" in page.ids and "participant" in page.ids
    text = " ".join(page.texts)
    for cls in ("dip:Event", "dip:Person", "dip:Article"):
        assert cls in text


def test_every_named_shape_has_its_entry(page: _Page) -> None:
    shapes = set()
    for path in sorted(SHAPES.glob("*.ttl")):
        shapes |= _declared(path, (SH.NodeShape, SH.PropertyShape))
    assert len(shapes) > 30
    missing = sorted(str(s) for s in shapes if anchor(str(s)) not in page.ids)
    assert not missing, f"shapes not on /ontology: {missing}"


def test_anchors_are_unique_and_every_link_on_the_page_lands(page: _Page) -> None:
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates
    dangling = sorted(set(page.fragments) - set(page.ids))
    assert not dangling, f"links to anchors that are not on the page: {dangling}"


def test_domains_ranges_comments_and_alignments_are_shown(client: FlaskClient) -> None:
    html = client.get("/ontology").text
    doc = ontology_doc()
    participant = next(t for t in doc.properties if t.anchor == "participant")
    facts = dict(participant.facts)
    assert [r.text for r in facts["domain"]] == ["dip:Event"]
    assert [r.text for r in facts["range"]] == ["dip:Actor"]
    assert "sem:hasActor" in [r.text for r in facts["subproperty of"]]
    event = next(t for t in doc.classes if t.anchor == "Event")
    assert {"sem:Event", "schema:Event"} <= {r.text for r in dict(event.facts)["subclass of"]}
    assert event.comment and event.comment in html
    # A union domain is shown as one: dip:place belongs to events and articles alike.
    place = dict(next(t for t in doc.properties if t.anchor == "place").facts)["domain"]
    assert "or" in [r.text for r in place]


def test_the_diagram_is_svg_with_a_box_per_class(client: FlaskClient) -> None:
    response = client.get("/ontology/diagram.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = ET.fromstring(response.data)
    links = {a.get("href") for a in svg.iter("{http://www.w3.org/2000/svg}a")}
    assert links == {"#" + c.anchor for c in ontology_doc().classes}
    assert "<svg" in client.get("/ontology").text  # inline, so its boxes link into the page


def test_the_layout_is_the_same_every_time() -> None:
    nodes, edges = ["a", "b", "c", "d"], [("a", "b"), ("b", "c")]
    assert layout(nodes, edges) == layout(nodes, edges)
    assert len(set(layout(nodes, edges).values())) == 4


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("text/turtle", "turtle", "text/turtle"),
    ("application/ld+json", "json-ld", "application/ld+json"),
    ("application/rdf+xml", "rdf-xml", "application/rdf+xml"),
    ("application/n-triples", "ntriples", "application/n-triples"),
])
def test_the_ontology_iri_dereferences_by_content_negotiation(
        client: FlaskClient, accept: str, fmt: str, media: str) -> None:
    response = client.get("/ontology", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    served = parse_rdf(response.data, fmt, name="/ontology")
    assert isomorphic(served, Graph().parse(ONTOLOGY, format="turtle"))
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in served


def test_turtle_is_the_file_as_written_and_browsers_get_html(client: FlaskClient) -> None:
    turtle = client.get("/ontology?format=turtle")
    assert turtle.text == ONTOLOGY.read_text(encoding="utf-8")
    browser = client.get("/ontology", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.mimetype == "text/html"
    assert client.get("/ontology").mimetype == "text/html"  # no Accept at all
    assert client.get("/ontology?format=yaml").status_code == 406
    assert client.head("/ontology").status_code == 200
