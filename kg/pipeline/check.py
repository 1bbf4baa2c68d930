"""The store's invariants checked and restored: what ``kg check [--repair]`` runs.

- the default graph is the merge of the named graphs, exactly: no triple that no named graph
  holds (an orphan), none that one holds missing; counted by queries inside the store;
- the derived data is current (:mod:`kg.derivation`): no inference or linking that died
  halfway, none made stale by documents written since, every derived graph typed as what its
  IRI says (how the rules tell it from an asserted graph);
- the counts queries read while they are current (:mod:`kg.link.counts`) are what counting
  gives;
- no temporary file of a process that no longer lives (:mod:`kg.store.tempfiles`).

:func:`repair_store` restores them, writing only the difference: the default graph's orphans
out and its missing triples in, the stale derivations run again, the leftovers removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kg import derivation
from kg.derivation import CURRENT, INFERENCE, LINKS, NEVER, Record
from kg.iri import INFERRED_GRAPH, LINK_GRAPH_BASE
from kg.link.counts import actor_counts, count_actors, counts_current, stored_counts
from kg.link.find import link_all
from kg.reason import infer, read_infer_command
from kg.store import Store
from kg.store.tempfiles import dead_leftovers, remove_dead_leftovers, temp_folder
from kg.terms import sparql_iri
from kg.vocab import DIP

MERGE, INFERRED, LINKED, COUNTS, LEFTOVERS = "merge", "inferred", "links", "counts", "leftovers"


@dataclass(frozen=True)
class Finding:
    """One invariant: whether it holds, and what was found."""

    name: str  # merge, inferred, links, counts, leftovers
    ok: bool
    detail: str

    def to_text(self) -> str:
        """The finding as a line for people: ok or FAIL, the invariant, what was found."""
        return f"{'ok' if self.ok else 'FAIL':<5} {self.name}: {self.detail}"


def check_store(store: Store, *, scan: bool = True) -> list[Finding]:
    """Check the store's invariants; ``scan=False`` leaves out the merge and the counts, which
    read it all."""
    records = derivation.read_records(store)
    findings = [_check_merge(store)] if scan else []
    findings += [_check_inferred(store, records[INFERENCE]), _check_links(store, records[LINKS])]
    if scan:
        findings.append(_check_counts(store))
    findings.append(_check_leftovers(store))
    return findings


def repair_store(store: Store, *, software: str) -> list[str]:
    """Restore every invariant that does not hold; returns what was done, a line each."""
    done: list[str] = []
    failing = {f.name for f in check_store(store) if not f.ok}
    if LEFTOVERS in failing:
        removed = remove_dead_leftovers(temp_folder(store))
        done.append(f"removed {len(removed)} temporary files of dead processes")
    if MERGE in failing:
        orphans, missing = store.merge_faults()
        store.repair_merge()
        done.append(f"default graph merged again: {orphans} orphans out, {missing} missing in")
    if LINKED in failing:
        linked = link_all(store, software=software)
        done.append(f"kg link: {linked.links} links computed for {linked.articles} articles")
    if COUNTS in failing and LINKED not in failing:  # else kg link has counted them again
        actors = count_actors(store)
        done.append(f"counted again: the events of {actors} actors")
    if INFERRED in failing:
        record = derivation.read_record(store, INFERENCE)
        engine, same_as = read_infer_command(record.command)
        inferred = infer(store, engine=engine, same_as=same_as)
        done.append(f"{record.command}: {inferred.triples} triples inferred "
                    f"(+{inferred.added} -{inferred.removed})")
    return done


def _check_merge(store: Store) -> Finding:
    orphans, missing = store.merge_faults()
    graphs, triples = len(store.named_graphs()), store.triple_count()
    detail = (f"the default graph ({triples} triples) is the merge of the {graphs} named graphs:"
              f" {orphans} orphans (held by no named graph), {missing} missing quads")
    return Finding(MERGE, not orphans and not missing, detail)


def _check_inferred(store: Store, record: Record) -> Finding:
    size = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_iri(INFERRED_GRAPH)}"
                         " { ?s ?p ?o } }")
    if record.status == NEVER:
        if size:
            return Finding(INFERRED, False, f"{size} triples, but no record of the run that "
                                            f"made them: run `{record.command}`")
        return Finding(INFERRED, True, "never computed (`kg infer` computes it)")
    return Finding(INFERRED, record.status == CURRENT, _status(record, f"{size} triples"))


def _check_links(store: Store, record: Record) -> Finding:
    graphs = {g for g in store.named_graphs() if g.startswith(LINK_GRAPH_BASE)}
    # The rules tell a derived graph by the type it gives itself (kg.derivation.SELF_TYPES).
    mistyped = derivation.mistyped_graphs(store)
    if mistyped:
        return Finding(LINKED, False, f"{len(mistyped)} derived graphs not typed as their IRI "
                                      f"says (or typed so elsewhere), e.g. <{mistyped[0]}>")
    if record.status == NEVER:
        articles = store.query(f"ASK {{ ?a {sparql_iri(DIP.mentions)} ?x }}").boolean
        if graphs or articles:
            return Finding(LINKED, False, f"{len(graphs)} link graphs, but no record of the run "
                                          "that made them: run `kg link`")
        return Finding(LINKED, True, "nothing to link")
    return Finding(LINKED, record.status == CURRENT, _status(record, f"{len(graphs)} link graphs"))


def _check_counts(store: Store) -> Finding:
    if not counts_current(store):
        return Finding(COUNTS, True, "not read: queries count (the links are not current, or "
                                     "were computed before the counts were kept)")
    kept, counted = stored_counts(store), actor_counts(store)
    wrong = sorted(a for a in kept.keys() | counted.keys() if kept.get(a) != counted.get(a))
    if wrong:
        return Finding(COUNTS, False, f"{len(wrong)} actors' event counts differ from a count, "
                                      f"e.g. <{wrong[0]}>: run `kg check --repair`")
    return Finding(COUNTS, True, f"current (the events of {len(kept)} actors)")


def _check_leftovers(store: Store) -> Finding:
    found = dead_leftovers(temp_folder(store))
    if not found:
        return Finding(LEFTOVERS, True, "no temporary files of dead processes")
    size = sum(_size(path) for path in found)
    return Finding(LEFTOVERS, False, f"{len(found)} temporary files of dead processes "
                                     f"({size / 1e6:.1f} MB) in {found[0].parent}")


def _status(record: Record, what: str) -> str:
    if record.status == CURRENT:
        return f"current ({what}, computed {_when(record.ended)})"
    if record.status == derivation.STALE:
        return (f"stale ({what}, computed {_when(record.ended)}; documents written "
                f"{_when(record.invalidated)}): run `{record.command}`")
    return (f"interrupted ({what}; a run started {_when(record.started)} never finished, "
            f"or is still running): run `{record.command}`")


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else "?"


def _count(store: Store, query: str) -> int:
    (row,) = store.query(query).rows
    return int(str(row[0])) if row[0] is not None else 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
