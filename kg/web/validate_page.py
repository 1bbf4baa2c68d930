"""The validation page at GET /validate, and /validate/document for input documents.

RDF goes to POST /validate (kg/web/admin.py) as it is; event pages, day indexes, articles and
WikiTimes files go to POST /validate/document, which maps them as ``kg validate`` does and
answers the same JSON report. Nothing the input names is fetched: RDF is parsed offline
(kg.rdffile refuses remote JSON-LD contexts and owl:imports) and documents are only read.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from kg.model import ParseError
from kg.pipeline import read_graph
from kg.validate import validate
from kg.vocab import PREFIXES
from kg.web.admin import INPUT_FORMATS as DOCUMENT_FORMATS
from kg.web.graph_store import BODY_FORMATS
from kg.web.http import fail

bp = Blueprint("validate_page", __name__)

#: The largest document /validate/document reads: pages and articles are a few kB, and
#: mapping is slower per byte than parsing RDF.
MAX_DOCUMENT = 2 * 1024 * 1024
#: What the page offers: RDF by its media type (sent to POST /validate), documents by name.
RDF_CHOICES = {
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "rdf-xml": "application/rdf+xml",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}


@bp.get("/validate")
def page() -> str:
    """The page: paste or upload a document, see the SHACL report as a table."""
    rdf = {name: media for name, media in RDF_CHOICES.items() if media in BODY_FORMATS}
    return render_template("validate.html", rdf_formats=rdf,
                           document_formats=DOCUMENT_FORMATS,
                           prefixes={**PREFIXES, "id": current_app.config["BASE"]},
                           max_body=current_app.config["MAX_BODY"], max_document=MAX_DOCUMENT)


@bp.post("/validate/document")
def validate_document() -> Response:
    """The SHACL report (JSON) of the graph a document maps to; ``?format=`` or detected."""
    chosen = request.args.get("format") or None
    if chosen is not None and chosen not in DOCUMENT_FORMATS:
        fail(400, f"format={chosen!r}: use one of {', '.join(DOCUMENT_FORMATS)}, or none to detect")
    if request.content_length is not None and request.content_length > MAX_DOCUMENT:
        fail(413, f"a document to validate may hold at most {MAX_DOCUMENT} bytes")
    body = request.get_data()
    if len(body) > MAX_DOCUMENT:
        fail(413, f"a document to validate may hold at most {MAX_DOCUMENT} bytes")
    name = request.args.get("name") or "document.txt"
    # read_graph is what kg validate reads a file with (format detection included); it reads
    # a path, so the body goes into a private temporary folder for the length of the call.
    with tempfile.TemporaryDirectory(prefix="kg-validate-") as folder:
        path = Path(folder) / _safe_name(name)
        path.write_bytes(body)
        try:
            graph = read_graph(path, format=chosen, base=current_app.config["BASE"])
        except ParseError as exc:
            fail(400, str(exc).replace(str(path), path.name))
    report = validate(graph, source=path.name)
    return Response(report.to_json(), content_type="application/json")


def _safe_name(name: str) -> str:
    """A file name for the temporary copy: the given name's last part, in safe characters."""
    base = re.sub(r"[^\w.-]", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(".")
    return base[:100] or "document.txt"
