"""A document graph's own description: the key its IRI is made from, and its provenance
(which file, when, by which software and mapper version)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rdflib import Literal, URIRef

from kg.mapper import MAPPER_VERSION
from kg.model import Document
from kg.sources import recorded_path
from kg.terms import Triple
from kg.vocab import DCTERMS, DEFAULT_BASE, DIP, PROV, RDF, RDFS, XSD


def document_key(doc: Document, *, base: str = DEFAULT_BASE) -> str:
    """What identifies a document's graph: its content (and the IRI base it was mapped under).

    The same text ingested from two places is one graph, so nothing is stored twice;
    an edited file gets a new graph, and the pipeline drops the graph its old text had.
    """
    return f"{base} {doc.content_hash}"


def provenance_triples(
    graph_iri: str,
    doc: Document,
    *,
    location: str,
    ingested_at: datetime,
    software: str,
) -> Iterable[Triple]:
    """PROV-O description of a document graph: which file, when, by which software version.

    The file is recorded by ``location`` (its path relative to the folder ingested, or under
    the user's base URL) and shown by the path that gives, never by the path the ingesting
    machine read it from (``doc.path``), which is its own business.
    """
    g = URIRef(graph_iri)
    activity = URIRef(graph_iri + "#ingestion")
    source = URIRef(location)
    shown = recorded_path(location)
    when = Literal(ingested_at.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    yield g, RDF.type, DIP.SourceDocument
    yield g, RDFS.label, Literal(f"{doc.format} {shown}")
    yield g, DIP.sourcePath, Literal(shown)
    yield g, DCTERMS.format, Literal(doc.format)
    yield g, DIP.contentHash, Literal(doc.content_hash)
    yield g, DIP.mapperVersion, Literal(MAPPER_VERSION)
    yield g, PROV.wasDerivedFrom, source
    yield g, PROV.generatedAtTime, when
    yield g, PROV.wasGeneratedBy, activity
    yield activity, RDF.type, DIP.Ingestion
    yield activity, RDFS.label, Literal(f"ingestion of {shown}")
    yield activity, PROV.used, source
    yield activity, PROV.endedAtTime, when
    yield activity, PROV.wasAssociatedWith, URIRef(software)
    yield URIRef(software), RDF.type, PROV.SoftwareAgent
    yield URIRef(software), RDFS.label, Literal("diplomacy-kg " + software.rsplit("/", 1)[-1])
