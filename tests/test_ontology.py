"""The diplomacy ontology: parses everywhere, declares exactly the DIP terms, aligns as promised."""

from __future__ import annotations

import owlrl
import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.resources import resource_path
from kg.vocab import DCTERMS, DIP, ONTOLOGY_IRI, ORG, OWL, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, XSD

ONTOLOGY = resource_path("ontology", "diplomacy.ttl")
DIP_TERMS: set[URIRef] = {URIRef(term) for term in dir(DIP)}
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def short(term: object) -> str:
    """A test id: the local name of an IRI ("Event", "hasActor")."""
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def test_parses_with_pyoxigraph_to_the_same_number_of_triples(ontology: Graph) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ontology)


def test_header(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) == Literal("0.1.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert ontology.value(header, prop) is not None, prop
    assert not list(ontology.objects(header, OWL.imports))


@pytest.mark.parametrize("term", sorted(DIP_TERMS), ids=short)
def test_every_dip_term_is_declared_labelled_and_commented(ontology: Graph, term: URIRef) -> None:
    assert set(ontology.objects(term, RDF.type)) & DECLARATION_TYPES, f"{term} is not declared"
    for prop in (RDFS.label, RDFS.comment):
        values = list(ontology.objects(term, prop))
        assert any(isinstance(v, Literal) and v.language == "en" for v in values), (term, prop)


def test_no_dip_iri_outside_the_term_list(ontology: Graph) -> None:
    used = {
        node
        for triple in ontology
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(DIP))
    }
    assert used - DIP_TERMS == set()


def test_the_ontology_declares_only_dip_terms_and_minimal_externals(ontology: Graph) -> None:
    # External terms may be typed, but not labelled or commented as if ours.
    for subject in ontology.subjects(RDFS.label, None):
        assert subject in DIP_TERMS or subject == URIRef(ONTOLOGY_IRI), subject


EVENT_TYPES = [DIP.Meeting, DIP.Talks, DIP.Summit, DIP.Visit, DIP.AgreementSigning,
               DIP.Statement, DIP.Sanction, DIP.Disagreement]


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=short)
def test_event_types_are_events_with_cameo_codes(ontology: Graph, cls: URIRef) -> None:
    assert (cls, RDFS.subClassOf, DIP.Event) in ontology
    codes = [str(code) for code in ontology.objects(cls, DIP.cameoCode)]
    assert codes and all(code.isdigit() and 2 <= len(code) <= 4 for code in codes)


def test_cameo_codes_name_concepts_of_the_cameo_scheme(ontology: Graph) -> None:
    cameo = Graph().parse(resource_path("ontology", "cameo.ttl"), format="turtle")
    notations = {str(n) for n in cameo.objects(None, SKOS.notation)}
    assert {str(code) for code in ontology.objects(None, DIP.cameoCode)} <= notations


SUBCLASS_AXIOMS = [
    (DIP.Meeting, DIP.Event), (DIP.Talks, DIP.Event), (DIP.Summit, DIP.Event),
    (DIP.Visit, DIP.Event), (DIP.AgreementSigning, DIP.Event), (DIP.Statement, DIP.Event),
    (DIP.Sanction, DIP.Event), (DIP.Disagreement, DIP.Event),
    (DIP.NewsAgency, DIP.Source),
    (DIP.Person, DIP.Actor), (DIP.State, DIP.Actor), (DIP.Organization, DIP.Actor),
    (DIP.Event, SEM.Event), (DIP.Event, SCHEMA.Event),
    (DIP.Actor, SEM.Actor), (DIP.Place, SEM.Place), (DIP.Place, SCHEMA.Place),
    (DIP.Article, SCHEMA.NewsArticle), (DIP.Article, PROV.Entity),
    (DIP.Person, SCHEMA.Person), (DIP.Organization, SCHEMA.Organization),
    (DIP.Organization, ORG.FormalOrganization), (DIP.State, SCHEMA.Country),
    (DIP.Source, SCHEMA.Organization),
    (DIP.SourceDocument, PROV.Bundle), (DIP.Ingestion, PROV.Activity),
    (DIP.Post, ORG.Post), (DIP.Topic, SKOS.Concept),
    (DIP.ReportLink, PROV.Entity), (DIP.LinkGraph, PROV.Bundle), (DIP.Linking, PROV.Activity),
    (DIP.ScoredLink, PROV.Entity), (DIP.ReportLink, DIP.ScoredLink),
    (DIP.SameEventLink, DIP.ScoredLink), (DIP.SameEventGraph, DIP.LinkGraph),
]

SUBPROPERTY_AXIOMS = [
    (DIP.participant, SEM.hasActor), (DIP.place, SEM.hasPlace), (DIP.date, SEM.hasTimeStamp),
    (DIP.publisher, SCHEMA.publisher), (DIP.publisher, DCTERMS.publisher),
    (DIP.url, SCHEMA.url), (DIP.title, SCHEMA.headline), (DIP.title, DCTERMS.title),
    (DIP.published, SCHEMA.datePublished), (DIP.published, DCTERMS.issued),
    (DIP.mentions, SCHEMA.mentions), (DIP.text, SCHEMA.articleBody),
    (DIP.holder, ORG.heldBy), (DIP.holds, ORG.holds), (DIP.postOf, ORG.postIn),
]


@pytest.mark.parametrize(("sub", "sup"), SUBCLASS_AXIOMS, ids=short)
def test_subclass_axiom(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ontology


@pytest.mark.parametrize(("sub", "sup"), SUBPROPERTY_AXIOMS, ids=short)
def test_subproperty_axiom(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in ontology


@pytest.mark.parametrize(
    ("prop", "domain", "range_"),
    [
        (DIP.date, DIP.Event, XSD.date),
        (DIP.participant, DIP.Event, DIP.Actor),
        (DIP.reportedBy, DIP.Event, DIP.Article),
        (DIP.reports, DIP.Article, DIP.Event),
        (DIP.publisher, DIP.Article, DIP.Source),
        (DIP.agency, DIP.Article, DIP.Source),
        (DIP.url, DIP.Article, XSD.anyURI),
        (DIP.published, DIP.Article, XSD.date),
        (DIP.relatedTo, DIP.Event, DIP.Event),
        (DIP.topic, DIP.Event, DIP.Topic),
        (DIP.mentions, DIP.Article, DIP.Actor),
        (DIP.holder, DIP.Post, DIP.Person),
        (DIP.holds, DIP.Person, DIP.Post),
        (DIP.eventType, DIP.Event, SKOS.Concept),
        (DIP.previousVersion, DIP.Event, DIP.Event),
        (DIP.sourcePath, DIP.SourceDocument, XSD.string),
        (DIP.article, DIP.ReportLink, DIP.Article),
        (DIP.event, DIP.ReportLink, DIP.Event),
        (DIP.score, DIP.ScoredLink, XSD.decimal),
        (DIP.sharedActor, DIP.ScoredLink, DIP.Actor),
        (DIP.reason, DIP.ScoredLink, XSD.string),
        (DIP.sameEventAs, DIP.Event, DIP.Event),
        (DIP.linkedEvent, DIP.SameEventLink, DIP.Event),
        (DIP.dateDistance, DIP.ReportLink, XSD.integer),
    ],
    ids=short,
)
def test_domain_and_range(ontology: Graph, prop: URIRef, domain: URIRef, range_: URIRef) -> None:
    assert (prop, RDFS.domain, domain) in ontology
    assert (prop, RDFS.range, range_) in ontology


def test_union_domain_and_range(ontology: Graph) -> None:
    def union(node: object) -> set[object]:
        assert isinstance(node, BNode)
        members = ontology.value(node, OWL.unionOf)
        assert members is not None
        return set(ontology.items(members))

    assert union(ontology.value(DIP.place, RDFS.domain)) == {DIP.Event, DIP.Article}
    assert union(ontology.value(DIP.postOf, RDFS.range)) == {DIP.State, DIP.Organization}


def test_inverses_and_symmetry(ontology: Graph) -> None:
    assert (DIP.reports, OWL.inverseOf, DIP.reportedBy) in ontology
    assert (DIP.holds, OWL.inverseOf, DIP.holder) in ontology
    assert (DIP.relatedTo, RDF.type, OWL.SymmetricProperty) in ontology
    assert (DIP.sameEventAs, RDF.type, OWL.SymmetricProperty) in ontology
    # A scored link between two nodes is not identity: no transitivity, not owl:sameAs.
    assert (DIP.sameEventAs, RDF.type, OWL.TransitiveProperty) not in ontology
    assert (DIP.sameEventAs, RDFS.subPropertyOf, OWL.sameAs) not in ontology


def test_owl_rl_closure_makes_related_symmetric_and_events_sem_events(ontology: Graph) -> None:
    g = Graph()
    g += ontology
    a, b = URIRef("urn:x:a"), URIRef("urn:x:b")
    g.add((a, RDF.type, DIP.Summit))
    g.add((a, DIP.relatedTo, b))
    g.add((b, DIP.reportedBy, URIRef("urn:x:article")))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    assert (b, DIP.relatedTo, a) in g
    assert (a, RDF.type, SEM.Event) in g
    assert (URIRef("urn:x:article"), DIP.reports, b) in g


def test_every_external_term_is_declared(ontology: Graph) -> None:
    # So that OWL-RL reasoning and OWL tools work offline, without owl:imports.
    ours = DIP_TERMS | {URIRef(ONTOLOGY_IRI)}
    builtin = (str(RDF), str(RDFS), str(OWL), str(XSD))
    referenced = {
        node
        for s, p, o in ontology
        if s in ours
        for node in (p, o)
        if isinstance(node, URIRef) and not str(node).startswith(builtin)
        and p not in (DCTERMS.license, RDFS.seeAlso, OWL.versionIRI)
    }
    for node in referenced - ours:
        assert set(ontology.objects(node, RDF.type)) & DECLARATION_TYPES, node


def test_each_dip_term_is_a_class_attribute_and_a_misspelt_one_still_fails() -> None:
    # The mapper names a term for every triple it makes: a class attribute is read 7x faster
    # than rdflib's DefinedNamespaceMeta.__getattr__ makes it.
    for name in DIP.__annotations__:
        assert vars(DIP)[name] == URIRef(ONTOLOGY_IRI + "#" + name)
    with pytest.raises(AttributeError):
        DIP.nameKye  # noqa: B018
