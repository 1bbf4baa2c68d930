"""Namespaces and the closed term list of the diplomacy ontology."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace
from rdflib.term import URIRef

ONTOLOGY_IRI = "https://w3id.org/diplomacy-kg/ontology"
DEFAULT_BASE = "https://w3id.org/diplomacy-kg/id/"
GRAPH_BASE = "https://w3id.org/diplomacy-kg/graph/"
CAMEO_BASE = "https://w3id.org/diplomacy-kg/cameo/"
PLOVER_BASE = "https://w3id.org/diplomacy-kg/plover/"


class DIP(DefinedNamespace):
    """The diplomacy ontology; a misspelt term fails at import time."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Event: URIRef
    Meeting: URIRef
    Talks: URIRef
    Summit: URIRef
    Visit: URIRef
    AgreementSigning: URIRef
    Statement: URIRef
    Sanction: URIRef
    Disagreement: URIRef
    Article: URIRef
    Source: URIRef
    NewsAgency: URIRef
    Actor: URIRef
    Person: URIRef
    State: URIRef
    Organization: URIRef
    Post: URIRef
    Topic: URIRef
    Place: URIRef
    SourceDocument: URIRef
    Ingestion: URIRef
    Quote: URIRef
    Evidence: URIRef
    ReportLink: URIRef
    LinkGraph: URIRef
    Linking: URIRef
    ScoredLink: URIRef
    SameEventLink: URIRef
    SameEventGraph: URIRef
    CountsGraph: URIRef
    # properties
    date: URIRef
    participant: URIRef
    involves: URIRef
    reportedBy: URIRef
    reports: URIRef
    publisher: URIRef
    agency: URIRef
    url: URIRef
    title: URIRef
    published: URIRef
    relatedTo: URIRef
    topic: URIRef
    mentions: URIRef
    place: URIRef
    holder: URIRef
    holds: URIRef
    postOf: URIRef
    eventType: URIRef
    headline: URIRef
    summary: URIRef
    byline: URIRef
    dateline: URIRef
    text: URIRef
    sourceLabel: URIRef
    contextTag: URIRef
    previousVersion: URIRef
    sourcePath: URIRef
    wikipedia: URIRef
    contentHash: URIRef
    mapperVersion: URIRef
    quote: URIRef
    speaker: URIRef
    quoteText: URIRef
    startOffset: URIRef
    endOffset: URIRef
    evidenceFor: URIRef
    evidenceIn: URIRef
    textProperty: URIRef
    anchorOf: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    article: URIRef
    event: URIRef
    score: URIRef
    sharedActor: URIRef
    sharedWord: URIRef
    sharedPlace: URIRef
    dateDistance: URIRef
    reason: URIRef
    linkerVersion: URIRef
    sameEventAs: URIRef
    linkedEvent: URIRef
    nameKey: URIRef
    eventCount: URIRef
    # annotation properties
    cameoCode: URIRef


# Each term a class attribute of its own: else every use of one (the mapper's, for each triple
# it makes) goes through rdflib's DefinedNamespaceMeta.__getattr__ and its checks, 0.5 us
# against 0.08, about 2% of an ingest at 10k events. A misspelt term still fails.
for _term in DIP.__annotations__:
    type.__setattr__(DIP, _term, DIP[_term])
del _term

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = Namespace("http://www.wikidata.org/entity/")
CAMEO = Namespace(CAMEO_BASE)
PLOVER = Namespace(PLOVER_BASE)
GRAPH = Namespace(GRAPH_BASE)

#: Prefixes used in Turtle/TriG exports and offered to queries.
PREFIXES: dict[str, str] = {
    "dip": str(DIP._NS),
    "id": DEFAULT_BASE,
    "graph": GRAPH_BASE,
    "cameo": CAMEO_BASE,
    "plover": PLOVER_BASE,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "sem": str(SEM),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "time": str(TIME),
    "wd": str(WD),
}

__all__ = [
    "CAMEO",
    "DCTERMS",
    "DIP",
    "GRAPH",
    "ORG",
    "OWL",
    "PLOVER",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SEM",
    "SKOS",
    "TIME",
    "WD",
    "XSD",
]
