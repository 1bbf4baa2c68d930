"""The ingest gate: a batch of documents checked in one pySHACL run, with the stored context.

pySHACL's fixed cost is high, so the documents about to be stored (by ``kg ingest`` and by
the endpoint's writes alike) are validated as one graph, and each is handed the results that
concern it. ``gate`` is the one place that assembles it: the stored facts the cross-document
shapes need (``batch_context``), then ``validate_documents``.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.derivation import derived_graph_test
from kg.ontology import ontology_graph
from kg.store import MEMORY_URL, Store, open_store
from kg.terms import Triple, is_iri, sparql_iri
from kg.validate.compiled import Unsupported, check_graph, check_triples, default_quads
from kg.validate.report import ValidationResult, expand_path
from kg.validate.run import DataGraph, read_results, run_pyshacl
from kg.validate.shapes import default_shapes
from kg.vocab import DIP, RDF

K = TypeVar("K", bound=Hashable)


def gate(
    store: Store, documents: Mapping[K, Collection[Triple]], *,
    merged: str | None = None,
) -> dict[K, list[ValidationResult]]:
    """Check documents about to be stored, with the stored facts their links need.

    Args:
        store: where the context comes from (``linked_context_query``).
        documents: each document's key (its graph IRI) and triples.
        merged: the documents' distinct triples as N-Triples, if the caller wrote them
            already (:class:`kg.store.quads.PreparedGraphs`).

    Returns:
        The results that concern each document, for every key of ``documents``.
    """
    if not any(documents.values()):
        return {key: [] for key in documents}
    return validate_documents(documents, context=batch_context(store, documents),
                              merged=merged)


def batch_context(
    store: Store,
    documents: Mapping[K, Collection[Triple]],
    *,
    unwritten: Mapping[str, Collection[Triple]] | None = None,
) -> frozenset[Triple]:
    """The stored facts the cross-document shapes need about some documents' nodes.

    With ``unwritten`` (graph IRI -> triples of documents about to be stored before these),
    the facts those documents will add too, as far as each fact comes from one store or the
    other: a guess that the ingest pipeline checks once they are written
    (:meth:`kg.pipeline.Ingester.ingest`). A set: validation reads it as a graph, so two
    contexts that are equal as sets give the same verdicts.
    """
    query = linked_context_query(linked_nodes(t for ts in documents.values() for t in ts))
    if not query:
        return frozenset()
    found = set(store.query(query).triples)
    if unwritten:
        with open_store(MEMORY_URL) as ahead:
            graphs = linking_graphs(unwritten)
            ahead.replace_graphs({g: ts for g, ts in graphs.items() if ts})
            found.update(ahead.query(query).triples)
    return frozenset(found)


def linking_graphs(graphs: Mapping[str, Iterable[Triple]]) -> dict[str, list[Triple]]:
    """Each graph's triples that :func:`linked_context_query` may read."""
    linking = LINKING_PREDICATES
    return {g: [t for t in ts if t[1] in linking] for g, ts in graphs.items()}


def holds_context(store: Store) -> bool:
    """Whether the store holds a fact :func:`linked_context_query` may read: a date, or a
    report, in a graph that is not derived."""
    predicates = " ".join(sparql_iri(p) for p in sorted(LINKING_PREDICATES))
    return bool(store.query(
        f"ASK {{ VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} FILTER ({_NOT_DERIVED}) }}"
    ).boolean)


def validate_documents(
    documents: Mapping[K, Collection[Triple]],
    *,
    context: Iterable[Triple] = (),
    shapes: Graph | None = None,
    engine: str | None = None,
    merged: str | None = None,
) -> dict[K, list[ValidationResult]]:
    """Validate many documents' graphs in one run; the results that concern each.

    The documents are validated as one graph (their union, with the ontology and
    ``context``: stored facts the cross-document constraints need). A result concerns
    the documents that describe its focus node (have it as a subject); when several do,
    those that hold the offending triple, if that narrows it. A focus node no document
    describes concerns the documents that refer to it, unless it is described only by
    the context or the ontology: then it concerns none of them. ``merged``: the documents'
    distinct triples as N-Triples, if written already (then only the context is converted).
    """
    shapes_graph = shapes if shapes is not None else default_shapes()
    data: list[Triple] = []
    context = list(context)
    described: dict[Node, list[K]] = defaultdict(list)
    referred: dict[Node, list[K]] = defaultdict(list)
    for key, triples in documents.items():
        data.extend(triples)
        for s, _, o in triples:
            owners = described[s]
            if not owners or owners[-1] != key:
                owners.append(key)
            if isinstance(o, URIRef | BNode):
                refs = referred[o]
                if not refs or refs[-1] != key:
                    refs.append(key)
    data.extend(context)
    results, is_subject = _check_data(data, shapes_graph, engine, merged, context)
    out: dict[K, list[ValidationResult]] = {key: [] for key in documents}
    as_sets: dict[K, set[Triple]] = {}
    for result in results:
        keys = list(dict.fromkeys(described.get(result.focus_node, ())))
        if not keys and not is_subject(result.focus_node):
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


#: The gate's engines: the shapes compiled to SPARQL (kg.validate.compiled), or pySHACL, the
#: reference, for every shape. ``KG_GATE_ENGINE`` chooses; the first is the default.
GATE_ENGINES = ("compiled", "pyshacl")


def gate_engine() -> str:
    """The engine ``KG_GATE_ENGINE`` names (ValueError for an unknown one)."""
    engine = os.environ.get("KG_GATE_ENGINE", "").strip().lower() or GATE_ENGINES[0]
    if engine not in GATE_ENGINES:
        raise ValueError(f"KG_GATE_ENGINE={engine!r}: use one of {', '.join(GATE_ENGINES)}")
    return engine


def check_with_engine(
    graph: Graph, shapes: Graph, engine: str | None = None
) -> tuple[ValidationResult, ...]:
    """The results of validating ``graph`` (changed in place) with one of the gate's engines."""
    if (engine or gate_engine()) == "compiled":
        return check_graph(graph, shapes)
    return read_results(run_pyshacl(graph, shapes, "none"), shapes, graph)


def _check_data(
    data: list[Triple], shapes: Graph, engine: str | None,
    merged: str | None = None, context: Sequence[Triple] = (),
) -> tuple[tuple[ValidationResult, ...], Callable[[Node], bool]]:
    """The results for ``data`` with the ontology, and a test of "is a subject there".

    ``merged``: ``data`` but its last triples, ``context``, as N-Triples, if written already.
    """
    if (engine or gate_engine()) == "compiled":
        # No rdflib graph: building one cost more than the compiled checks themselves.
        subjects = {s for s, _, _ in data}
        ontology = ontology_graph()
        with contextlib.suppress(Unsupported):  # then pySHACL checks this batch
            made = None
            if merged is not None:
                try:
                    made = default_quads(context)
                except ValueError as exc:
                    raise Unsupported(str(exc)) from exc
            return check_triples(data, shapes, quads=made, text=merged), (
                lambda node: node in subjects or (node, None, None) in ontology)
    graph = DataGraph()
    graph.addN((s, p, o, graph) for s, p, o in data)
    graph += ontology_graph()
    return check_with_engine(graph, shapes, "pyshacl"), (
        lambda node: (node, None, None) in graph)


#: What linked_context_query reads of a document.
LINKING_PREDICATES = frozenset({DIP.date, DIP.published, DIP.reportedBy, DIP.reports})

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
    # Looked up once: a closed namespace's attribute costs a call each time, and a batch of
    # ingest has hundreds of thousands of triples.
    kinds, linking, rdf_type = {DIP.Event, DIP.Article}, LINKING_PREDICATES, RDF.type
    for s, p, o in triples:
        if p == rdf_type:
            if o in kinds and isinstance(s, URIRef):
                nodes.add(s)
        elif p in linking and isinstance(s, URIRef):
            nodes.add(s)
            if isinstance(o, URIRef):
                nodes.add(o)
    return nodes
