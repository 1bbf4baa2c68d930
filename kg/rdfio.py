"""The RDF formats kg reads and writes: one table of names, media types and file endings.

Every module that names an RDF format (exports, Graph Store bodies, content negotiation,
``kg validate`` files, the service description) looks it up here, so that a format is added
or corrected in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation: how kg names it and how the world recognises it."""

    name: str  # as `kg export -f` and `format=` spell it
    oxigraph: ox.RdfFormat
    media_types: tuple[str, ...]  # its own; the first is sent
    extensions: tuple[str, ...]  # file endings; the first names a download
    datasets: bool  # holds named graphs (quads), not only triples
    prefixes: bool  # can declare prefixes, so exports use the project's
    also_accepted: tuple[str, ...] = ()  # generic media types it answers in negotiation


#: Every format, in the order `kg export` lists them.
FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", ox.RdfFormat.TURTLE, ("text/turtle", "application/x-turtle"),
                  (".ttl", ".turtle"), datasets=False, prefixes=True),
        RdfFormat("json-ld", ox.RdfFormat.JSON_LD, ("application/ld+json",),
                  (".jsonld", ".json-ld"), datasets=True, prefixes=False,
                  also_accepted=("application/json",)),
        RdfFormat("nquads", ox.RdfFormat.N_QUADS, ("application/n-quads",), (".nq",),
                  datasets=True, prefixes=False),
        RdfFormat("trig", ox.RdfFormat.TRIG, ("application/trig",), (".trig",),
                  datasets=True, prefixes=True),
        RdfFormat("ntriples", ox.RdfFormat.N_TRIPLES, ("application/n-triples",), (".nt",),
                  datasets=False, prefixes=False),
        RdfFormat("rdf-xml", ox.RdfFormat.RDF_XML, ("application/rdf+xml",),
                  (".rdf", ".owl", ".xml"), datasets=False, prefixes=True,
                  also_accepted=("application/xml", "text/xml")),
    )
}

#: Format name -> the pyoxigraph format.
OXIGRAPH_FORMATS: dict[str, ox.RdfFormat] = {name: f.oxigraph for name, f in FORMATS.items()}
#: Format name -> the media type sent for it.
MEDIA_TYPES: dict[str, str] = {name: f.media_types[0] for name, f in FORMATS.items()}
#: A format's own media types (never the generic ones) -> its name: what a body may be.
BY_MEDIA_TYPE: dict[str, str] = {m: f.name for f in FORMATS.values() for m in f.media_types}
#: File ending -> format name.
BY_EXTENSION: dict[str, str] = {e: f.name for f in FORMATS.values() for e in f.extensions}


def download_extension(name: str) -> str:
    """The file ending (without the dot) a download in this format gets."""
    return FORMATS[name].extensions[0].lstrip(".")
