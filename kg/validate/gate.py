"""The ingest gate: a batch of documents checked in one pySHACL run, with the stored context.

pySHACL's fixed cost is high, so the documents about to be stored (by ``kg ingest`` and by
the endpoint's writes alike) are validated as one graph, and each is handed the results that
concern it. ``gate`` is the one place that assembles it: the stored facts the cross-document
shapes need, then ``validate_documents``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import TypeVar

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.derivation import derived_graph_test
from kg.ontology import ontology_graph
from kg.store import Store
from kg.terms import Triple, is_iri, sparql_iri
from kg.validate.report import ValidationResult, expand_path
from kg.validate.run import DataGraph, read_results, run_pyshacl
from kg.validate.shapes import default_shapes
from kg.vocab import DIP, RDF

K = TypeVar("K", bound=Hashable)


def gate(
    store: Store, documents: Mapping[K, Collection[Triple]]
) -> dict[K, list[ValidationResult]]:
    """Check documents about to be stored, with the stored facts their links need.

    Args:
        store: where the context comes from (``linked_context_query``).
        documents: each document's key (its graph IRI) and triples.

    Returns:
        The results that concern each document, for every key of ``documents``.
    """
    if not any(documents.values()):
        return {key: [] for key in documents}
    query = linked_context_query(linked_nodes(t for ts in documents.values() for t in ts))
    context = store.query(query).triples if query else ()
    return validate_documents(documents, context=context)


def validate_documents(
    documents: Mapping[K, Collection[Triple]],
    *,
    context: Iterable[Triple] = (),
    shapes: Graph | None = None,
) -> dict[K, list[ValidationResult]]:
    """Validate many documents' graphs in one pySHACL run; the results that concern each.

    The documents are validated as one graph (their union, with the ontology and
    ``context``: stored facts the cross-document constraints need). A result concerns
    the documents that describe its focus node (have it as a subject); when several do,
    those that hold the offending triple, if that narrows it. A focus node no document
    describes concerns the documents that refer to it, unless it is described only by
    the context or the ontology: then it concerns none of them.
    """
    shapes_graph = shapes if shapes is not None else default_shapes()
    graph = DataGraph()
    described: dict[Node, list[K]] = defaultdict(list)
    referred: dict[Node, list[K]] = defaultdict(list)
    for key, triples in documents.items():
        graph.addN((s, p, o, graph) for s, p, o in triples)
        for s, _, o in triples:
            owners = described[s]
            if not owners or owners[-1] != key:
                owners.append(key)
            if isinstance(o, URIRef | BNode):
                refs = referred[o]
                if not refs or refs[-1] != key:
                    refs.append(key)
    graph.addN((s, p, o, graph) for s, p, o in context)
    graph += ontology_graph()
    report_graph = run_pyshacl(graph, shapes_graph, "none")
    out: dict[K, list[ValidationResult]] = {key: [] for key in documents}
    as_sets: dict[K, set[Triple]] = {}
    for result in read_results(report_graph, shapes_graph, graph):
        keys = list(dict.fromkeys(described.get(result.focus_node, ())))
        if not keys and (result.focus_node, None, None) not in graph:
            keys = list(dict.fromkeys(referred.get(result.focus_node, ())))
        if len(keys) > 1 and result.value is not None and result.path is not None:
            predicate = expand_path(result.path)
            offending = (result.focus_node, predicate, result.value)
            holding = [k for k in keys
                       if offending in as_sets.setdefault(k, set(documents[k]))]
            keys = holding or keys
        for key in keys:
            out[key].append(result)
    return out


# The graphs computed from the documents (the article-event links of kg.link.find, the
# inferred graph of kg.reason, their records) are not context: they are recomputed from the
# new documents.
_NOT_DERIVED = f"!{derived_graph_test('?g')}"


def linked_context_query(nodes: Iterable[URIRef]) -> str | None:
    """A SPARQL CONSTRUCT for the stored facts that cross-document constraints need.

    For the events and articles in ``nodes``: their stored dates, and the stored
    reporting links to other events and articles with those nodes' dates (an article
    must not report an event dated more than a day after its publication). None when
    there is nothing to ask. The computed links and the inferred graph are left out:
    they are derived from the stored documents and recomputed from the new ones.
    """
    values = " ".join(sparql_iri(n) for n in sorted(set(nodes)) if is_iri(n))
    if not values:
        return None
    return f"""PREFIX dip: {sparql_iri(str(DIP._NS))}
CONSTRUCT {{
  ?node ?dateProperty ?day .
  ?event a dip:Event ; dip:reportedBy ?article ; dip:date ?eventDate .
  ?article a dip:Article ; dip:published ?articleDate .
}} WHERE {{
  VALUES ?node {{ {values} }}
  {{ VALUES ?dateProperty {{ dip:date dip:published }} GRAPH ?g {{ ?node ?dateProperty ?day }} }}
  UNION {{ GRAPH ?g {{ ?event dip:reportedBy ?node }} BIND (?node AS ?article)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?event dip:date ?eventDate }} }}
  UNION {{ GRAPH ?g {{ ?node dip:reports ?event }} BIND (?node AS ?article)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?event dip:date ?eventDate }} }}
  UNION {{ GRAPH ?g {{ ?node dip:reportedBy ?article }} BIND (?node AS ?event)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?article dip:published ?articleDate }} }}
  UNION {{ GRAPH ?g {{ ?article dip:reports ?node }} BIND (?node AS ?event)
          FILTER ({_NOT_DERIVED})
          GRAPH ?h {{ ?article dip:published ?articleDate }} }}
}}"""


def linked_nodes(triples: Iterable[Triple]) -> set[URIRef]:
    """The events and articles of some documents, whose stored links a gate must see."""
    nodes: set[URIRef] = set()
    for s, p, o in triples:
        if p == RDF.type and o in (DIP.Event, DIP.Article) and isinstance(s, URIRef):
            nodes.add(s)
        elif p in (DIP.reportedBy, DIP.reports, DIP.date, DIP.published) and isinstance(s, URIRef):
            nodes.add(s)
            if isinstance(o, URIRef):
                nodes.add(o)
    return nodes
