"""OWL-RL inference: what the ontology's axioms entail about the data, kept in its own graph.

The entailed triples go to the named graph :data:`INFERRED_GRAPH` (and, like every named
graph, into the merged default graph), never mixed with asserted data: each run computes
what the asserted graphs entail (every named graph but the derived ones: the inferred, link
and state graphs of :mod:`kg.derivation`) and brings that graph up to date.

Two engines:

``fast`` (the default)
    The OWL 2 RL rules that our ontology's axioms call for, run inside the store as
    SPARQL queries (one per entailed edge, one per inferable class), each result compared
    with what the inferred graph holds and only the difference written: class and
    property hierarchies with their equivalences (``cax-sco``, ``cax-eqc``, ``prp-spo1``,
    ``prp-eqp``), inverse and symmetric properties (``prp-inv``, ``prp-symp``), domains
    and ranges (``prp-dom``, ``prp-rng``), and ``owl:sameAs`` made symmetric and
    transitive (``eq-sym``, ``eq-trans``). The schema is read first and closed here, so
    that each rule needs one pass over the data, each distinct triple read once however
    many documents repeat it. With ``same_as=True`` facts are also copied across
    ``owl:sameAs`` (``eq-rep-s/o``). That is off by default: our ``owl:sameAs`` links go
    to Wikidata, and copying every fact about an actor onto its Wikidata IRI would double
    every actor query's answers. The ontology has no transitive properties, so
    ``prp-trp`` is not among the rules; tests/test_reason.py checks on real data that
    this engine gives every triple owlrl gives for our vocabulary.
``owlrl``
    The reference: the owlrl package's full OWL-RL closure of the ontology and the data,
    in memory. Slow (minutes at 10k events), but complete.

The modules:

- ``graph``: the inferred graph's name, and the SPARQL that reads its parts (what is asserted
  is read from the asserted graphs themselves: :func:`kg.derivation.asserted`);
- ``rules``: the schema read from the store, closed, and compiled into rules and their queries;
- ``sync``: the fast engine, each part of the inferred graph made what the rules entail;
- ``spool``: the triples a run adds, written in one transaction or bulk-loaded from files;
- ``reference``: the owlrl engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rdflib import Graph

from kg import derivation
from kg.derivation import INFERENCE
from kg.iri import ENTAILMENT_INPUT_GRAPH
from kg.link.counts import refresh_counts
from kg.progress import Progress, no_progress
from kg.reason.graph import INFERRED_GRAPH, count_inferred, ox_triple
from kg.reason.reference import asserted_graph, owlrl_closure
from kg.reason.rules import (
    Part,
    Rules,
    Schema,
    class_sources,
    compile_rules,
    edge_parts,
    read_schema,
    same_as_classes,
)
from kg.reason.sync import Change, sync_inferred
from kg.store import Store, open_store

__all__ = [
    "ENGINES",
    "INFERRED_GRAPH",
    "InferenceReport",
    "Part",
    "Rules",
    "Schema",
    "class_sources",
    "compile_rules",
    "drop_inferred",
    "edge_parts",
    "entailed",
    "infer",
    "infer_command",
    "owlrl_closure",
    "read_infer_command",
    "read_schema",
    "same_as_classes",
]

ENGINES = ("fast", "owlrl")


@dataclass(frozen=True)
class InferenceReport:
    """What a run of inference did."""

    engine: str
    triples: int  # entailed triples now in the inferred graph
    seconds: float  # in all
    added: int = 0  # triples this run put into the inferred graph
    removed: int = 0  # triples this run took out of it (no longer entailed)


def infer(
    store: Store, *, engine: str = "fast", same_as: bool = False,
    progress: Progress = no_progress,
) -> InferenceReport:
    """Bring the inferred graph of ``store`` up to date with ``engine`` (``fast`` or ``owlrl``).

    The run is recorded (:mod:`kg.derivation`): current once it has written everything. After
    a run that died halfway, the triples its bulk loads left out of the default graph are
    put back first; the run then makes the inferred graph what a clean run makes.
    ``progress`` is told as each rule (fast) or step (owlrl) is done.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    started = time.perf_counter()
    with derivation.running(store, INFERENCE, infer_command(engine, same_as)) as before:
        if before.status == derivation.INTERRUPTED:
            store.repair_merge(INFERRED_GRAPH)
        if engine == "owlrl":
            advance = progress("inferring (owlrl closure, then its write)", 2, "steps")
            closure = owlrl_closure(asserted_graph(store))
            advance(1)
            store.drop_graphs([INFERRED_GRAPH])
            store.add_triples(INFERRED_GRAPH, {ox_triple(t) for t in closure})
            advance(1)
            change = Change(added=len(closure))
        else:
            change = sync_inferred(store, copy_facts=same_as, progress=progress)
        # Before the record ends: until then the counts are not read (kg.link.counts).
        refresh_counts(store)
    return InferenceReport(engine, count_inferred(store), time.perf_counter() - started,
                           added=change.added, removed=change.removed)


def infer_command(engine: str = "fast", same_as: bool = False) -> str:
    """The command that runs inference so, as its record names it."""
    return f"kg infer --engine {engine}" + (" --same-as" if same_as else "")


def read_infer_command(command: str) -> tuple[str, bool]:
    """The engine and the same-as option of a recorded ``kg infer`` command."""
    words = command.split()
    engine = words[words.index("--engine") + 1] if "--engine" in words[:-1] else "fast"
    return (engine if engine in ENGINES else "fast"), "--same-as" in words


def drop_inferred(store: Store) -> None:
    """Remove the inferred graph and the record of its derivation, in one write."""
    store.drop_graphs([INFERRED_GRAPH, INFERENCE.state_graph])


def entailed(graph: Graph, *, engine: str = "fast", same_as: bool = False) -> Graph:
    """The triples ``engine`` entails from ``graph`` (data and ontology), without a store."""
    with open_store("memory:") as store:
        store.replace_graphs({ENTAILMENT_INPUT_GRAPH: list(graph)})
        infer(store, engine=engine, same_as=same_as)
        out = Graph()
        for triple in store.graph_triples(INFERRED_GRAPH):
            out.add(triple)
    return out

