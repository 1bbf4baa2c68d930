"""Derivations that died halfway, run again: what a command that opens a store to write does first.

A record with a start and no end (:mod:`kg.derivation`, *interrupted*) means a run of
inference or linking was killed; its graphs may hold part of a run. Running it again as it
was asked for (the record's label names the command) makes them what a clean run makes.
Stale records are left alone: they are reported (``kg check``, ``/health``), and the next
``kg infer``, ``kg link`` or ``kg check --repair`` brings them back.
"""

from __future__ import annotations

from kg import derivation
from kg.derivation import INFERENCE, INTERRUPTED, LINKS, Record
from kg.link.find import link_all
from kg.link.same_event_store import link_same_events_all
from kg.progress import Progress, no_progress
from kg.reason import InferenceReport, infer, read_infer_command
from kg.store import Store


def finish_interrupted(store: Store, *, software: str) -> list[str]:
    """Run again every derivation whose last run died halfway; returns what was done, a line each.

    Links first, as ingest redoes them (the same-event links, then the article-event links,
    whose record stands for both), then inference, which reads no link.
    """
    done: list[str] = []
    records = derivation.read_records(store)
    if records[LINKS].status == INTERRUPTED:
        same = link_same_events_all(store, software=software)
        linked = link_all(store, software=software)
        done.append(f"{records[LINKS].command} (interrupted): {linked.links} links for "
                    f"{linked.articles} articles, same-event links for {same.days} days")
    inferred = finish_inference(store, records[INFERENCE])
    if inferred is not None:
        done.append(f"{records[INFERENCE].command} (interrupted): {inferred.triples} triples "
                    f"inferred (+{inferred.added} -{inferred.removed})")
    return done


def finish_inference(
    store: Store, record: Record | None = None, *, progress: Progress = no_progress
) -> InferenceReport | None:
    """Run inference again, as its record's command asked, if its last run died halfway.

    ``record`` is the inference's record if the caller has read it already.
    """
    if record is None:
        record = derivation.read_record(store, INFERENCE)
    if record.status != INTERRUPTED:
        return None
    engine, same_as = read_infer_command(record.command)
    return infer(store, engine=engine, same_as=same_as, progress=progress)
