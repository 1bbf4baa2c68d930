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
from kg.web import formats
from kg.web.diagram import draw_classes
from kg.web.http import fail
from kg.web.ontology_doc import ONTOLOGY_FILE, ontology_doc, ontology_file_text

bp = Blueprint("ontology", __name__)

#: The RDF answers, by the names ``?format=`` takes (their media types: kg.web.formats).
RDF_ANSWERS = ("turtle", "json-ld", "rdf-xml", "ntriples")


@bp.get("/ontology")
def page() -> Response:
    """The documentation page, or the ontology in RDF for clients that ask for it."""
    chosen = request.args.get("format")
    if chosen is None:
        offered = ["text/html", *(_media_type(name) for name in RDF_ANSWERS)]
        best = request.accept_mimetypes.best_match(offered, default="text/html")
        chosen = next((name for name in RDF_ANSWERS if _media_type(name) == best), "html")
    if chosen == "html":
        response = Response(render_template("ontology.html", doc=ontology_doc(),
                                            diagram=class_diagram()),
                            content_type="text/html; charset=utf-8")
    elif chosen in RDF_ANSWERS:
        response = Response(_rdf(chosen), content_type=formats.media_type(chosen, graph=True))
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
    return graph.serialize(format=_media_type(name))  # rdflib names its writers by media type


def _media_type(name: str) -> str:
    """The media type an RDF answer is sent as, without its charset."""
    return formats.GRAPH_TYPES[name][0]
