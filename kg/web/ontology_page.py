"""/ontology: the ontology and its shapes documented for people, or the ontology for programs.

The ontology's IRI (https://w3id.org/diplomacy-kg/ontology) is on a host this server does not
answer for, so its path here, ``/ontology``, is where it dereferences: HTML for browsers, the
shipped Turtle (or JSON-LD, RDF/XML, N-Triples) by content negotiation or ``?format=``. Every
term ``dip:X`` has the anchor ``#X`` and every shape ``dsh:S`` the anchor ``#S``.
"""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, render_template, request
from rdflib import Graph

from kg.resources import resource_path
from kg.web.diagram import draw_classes
from kg.web.http import fail
from kg.web.ontology_doc import ONTOLOGY_FILE, ontology_doc, ontology_file_text

bp = Blueprint("ontology", __name__)

#: Media type and rdflib format of each RDF answer, by the names ``?format=`` takes.
RDF_ANSWERS = {
    "turtle": ("text/turtle", "turtle"),
    "json-ld": ("application/ld+json", "json-ld"),
    "rdf-xml": ("application/rdf+xml", "xml"),
    "ntriples": ("application/n-triples", "nt"),
}


@bp.get("/ontology")
def page() -> Response:
    """The documentation page, or the ontology in RDF for clients that ask for it."""
    chosen = request.args.get("format")
    if chosen is None:
        offered = ["text/html", *(media for media, _ in RDF_ANSWERS.values())]
        best = request.accept_mimetypes.best_match(offered, default="text/html")
        chosen = next((name for name, (media, _) in RDF_ANSWERS.items() if media == best), "html")
    if chosen == "html":
        response = Response(render_template("ontology.html", doc=ontology_doc(),
                                            diagram=class_diagram()),
                            content_type="text/html; charset=utf-8")
    elif chosen in RDF_ANSWERS:
        response = Response(_rdf(chosen), content_type=RDF_ANSWERS[chosen][0] + "; charset=utf-8")
    else:
        fail(406, f"format={chosen!r}: use html or one of {', '.join(RDF_ANSWERS)}")
    response.vary.add("Accept")
    return response


@bp.get("/ontology/diagram.svg")
def diagram() -> Response:
    """The class diagram alone, as an SVG image."""
    return Response(class_diagram(), content_type="image/svg+xml; charset=utf-8")


@cache
def class_diagram() -> str:
    """The SVG picture of the ontology's classes, drawn once per process."""
    doc = ontology_doc()
    return draw_classes([(c.anchor, c.name) for c in doc.classes], doc.edges)


@cache
def _rdf(name: str) -> str:
    if name == "turtle":  # the file as written, with its comments
        return ontology_file_text()
    graph = Graph().parse(resource_path(*ONTOLOGY_FILE), format="turtle")
    return graph.serialize(format=RDF_ANSWERS[name][1])
