"""The project's JSON-LD context: built from the prefixes and the ontology, shipped in the
package, served at ``/context.jsonld``, and used to write compact JSON-LD.

Documents name the context by URL (:data:`CONTEXT_URL` in exports, the server's own
``/context.jsonld`` in its answers). Reading one never fetches it: :func:`document_loader`
serves the shipped file for those URLs and refuses every other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.resources import resource_path
from kg.vocab import DIP, PREFIXES

#: The stable URL of the context, under the project's namespace; exports name it.
CONTEXT_URL = "https://w3id.org/diplomacy-kg/context.jsonld"
#: The path the server publishes the context at.
CONTEXT_PATH = "/context.jsonld"
MEDIA_TYPE = "application/ld+json"
_FILE = "context.jsonld"
# Ranges whose values are written as plain JSON strings need no coercion.
_PLAIN = {str(XSD.string), str(RDF.langString)}
_RDF_TYPE = str(RDF.type)


class RemoteDocumentRefused(ValueError):
    """A JSON-LD document named a context or document other than the project's."""


def build_context() -> dict[str, Any]:
    """The context from kg.vocab's prefixes and one term per ontology property.

    Object properties take IRIs (``"@type": "@id"``); datatype properties with a typed range
    take that type, so ``"date": "2007-06-07"`` reads as an ``xsd:date``.
    """
    ontology = Graph().parse(resource_path("ontology", "diplomacy.ttl"), format="turtle")
    context: dict[str, Any] = {prefix: namespace for prefix, namespace in PREFIXES.items()}
    dip = str(DIP._NS)
    terms: dict[str, Any] = {}
    for kind, coercion in ((OWL.ObjectProperty, "@id"), (OWL.DatatypeProperty, None),
                           (OWL.AnnotationProperty, None)):
        for prop in sorted(ontology.subjects(RDF.type, kind), key=str):
            name = str(prop)
            if not name.startswith(dip):
                continue
            local = name[len(dip):]
            if local in context or local in terms:
                continue
            ranges = {str(r) for r in ontology.objects(prop, RDFS.range)
                      if isinstance(r, URIRef)}
            datatype = coercion
            if datatype is None and len(ranges) == 1 and not ranges <= _PLAIN:
                datatype = _compact_iri(next(iter(ranges)))
            terms[local] = {"@id": f"dip:{local}", **({"@type": datatype} if datatype else {})}
    # The labels people read most, by their usual JSON-LD names.
    terms.setdefault("label", "rdfs:label")
    terms.setdefault("comment", "rdfs:comment")
    context.update(dict(sorted(terms.items())))
    return {"@context": context}


def _compact_iri(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def context_text() -> str:
    """The context as the shipped file holds it (and as :func:`build_context` makes it)."""
    return json.dumps(build_context(), indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def shipped_bytes() -> bytes:
    """The shipped context file's bytes."""
    return resource_path(_FILE).read_bytes()


def shipped_context() -> dict[str, Any]:
    """The shipped context's ``@context`` object."""
    context = json.loads(shipped_bytes())["@context"]
    assert isinstance(context, dict)
    return context


def document_loader(*urls: str) -> Callable[[str, Any], dict[str, Any]]:
    """A pyld document loader that serves the shipped context for :data:`CONTEXT_URL` (and
    ``urls``) and refuses everything else: reading our JSON-LD fetches nothing."""
    known = {CONTEXT_URL, *urls}

    def load(url: str, _options: Any = None) -> dict[str, Any]:
        if url not in known:
            raise RemoteDocumentRefused(f"{url} is not fetched (kg never fetches anything "
                                        "from the network)")
        return {"contextUrl": None, "documentUrl": url,
                "document": json.loads(shipped_bytes())}

    return load


def inline_context(document: Any, *urls: str) -> Any:
    """``document`` with every ``@context`` naming the project's context replaced by it."""
    known = {CONTEXT_URL, *urls}
    context = shipped_context()

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "@context":
                out[key] = _swap(value, known, context)
            else:
                out[key] = visit(value)
        return out

    return visit(document)


def _swap(value: Any, known: set[str], context: Mapping[str, Any]) -> Any:
    if isinstance(value, str) and value in known:
        return dict(context)
    if isinstance(value, list):
        return [dict(context) if isinstance(v, str) and v in known else v for v in value]
    return value


def write_compact(items: Iterable[ox.Quad | ox.Triple], out: BinaryIO, *,
                  context_url: str = CONTEXT_URL) -> None:
    """Write triples or quads as JSON-LD compacted with the project's context (named by
    ``context_url``): each named graph a node with its ``@graph``, IRIs as ``id:person/…``."""
    from pyld import jsonld  # only the writers need it

    quads = [item if isinstance(item, ox.Quad)
             else ox.Quad(item.subject, item.predicate, item.object, ox.DefaultGraph())
             for item in items]
    # pyoxigraph writes a node object per run of one subject: sorted, each subject is one.
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject)))
    expanded = json.loads(ox.serialize(quads, format=ox.RdfFormat.JSON_LD) or b"[]")
    options = {"documentLoader": document_loader()}
    compacted = jsonld.compact(_types_as_type(expanded), {"@context": shipped_context()},
                               options)
    # The same context, named rather than inlined: readers get it from the URL (or offline,
    # from the package, with document_loader).
    compacted["@context"] = context_url
    out.write(json.dumps(_ids_first(compacted), ensure_ascii=False, indent=1).encode("utf-8"))
    out.write(b"\n")


def _types_as_type(node: Any) -> Any:
    """Expanded JSON-LD with ``rdf:type`` IRIs as ``@type`` (the same triples), which
    compaction writes as ``"@type": "dip:Event"``; pyoxigraph writes them as a property."""
    if isinstance(node, list):
        return [_types_as_type(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _types_as_type(value) for key, value in node.items()}
    values = out.get(_RDF_TYPE)
    if isinstance(values, list) and "@value" not in node:
        iris = [v["@id"] for v in values if isinstance(v, dict) and set(v) == {"@id"}]
        rest = [v for v in values if not (isinstance(v, dict) and set(v) == {"@id"})]
        if iris:
            out["@type"] = [*out.get("@type", []), *iris]
            if rest:
                out[_RDF_TYPE] = rest
            else:
                del out[_RDF_TYPE]
    return out


def _ids_first(node: Any) -> Any:
    """The node with ``@context``, ``@id`` and ``@type`` before its other keys, for people."""
    if isinstance(node, list):
        return [_ids_first(item) for item in node]
    if not isinstance(node, dict):
        return node
    first = [k for k in ("@context", "@id", "@type") if k in node]
    return {key: _ids_first(node[key]) for key in [*first, *(k for k in node if k not in first)]}
