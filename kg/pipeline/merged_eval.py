"""Extraction scored where users read it: the merged graph of every labelled page ingested together.

Each page alone can be right while the graph is wrong: another page's Related list may add
participants to the same event, or one event may get two nodes. So the labelled pages are
ingested into one store, as ``kg ingest`` would, and each labelled event's participants are
read from the graph: the union over every event node that has the labelled date and
headline. Events found as more than one node are counted (one real event, several nodes).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef

from kg.extract.gazetteer import Gazetteer
from kg.model import Actor, ActorKind
from kg.pipeline.evaluate import EvalReport, normalize, score_actors
from kg.pipeline.ingester import ingest
from kg.store import Store, open_store
from kg.terms import sparql_iri
from kg.vocab import PREFIXES, WD, XSD

_PREFIXES = "".join(f"PREFIX {name}: {sparql_iri(PREFIXES[name])}\n"
                    for name in ("dip", "rdfs", "owl"))
_EVENTS = _PREFIXES + (
    "SELECT ?event ?headline WHERE { ?event a dip:Event ; dip:date ?day ; dip:headline ?headline }")
_PARTICIPANTS = _PREFIXES + """SELECT ?actor ?name ?same WHERE {
  ?event dip:participant ?actor . ?actor rdfs:label ?name .
  OPTIONAL { ?actor owl:sameAs ?same }
}"""


def score_merged(report: EvalReport, folder: Path, gazetteer: Gazetteer,
                 context: Sequence[Path] = ()) -> None:
    """Ingest every labelled page of ``folder`` (and the ``context`` pages, which other pages'
    Related lists and day indexes make claims about the same events in) into one store, and
    score the graph's events."""
    labels = [(path.stem, json.loads(path.read_text(encoding="utf-8")))
              for path in sorted(folder.glob("*.json"))]
    labels = [(name, label) for name, label in labels if label.get("silver") != "entities"]
    pages: list[Path] = sorted({folder / label["page"] for _, label in labels})
    with open_store("memory:") as store:
        ingest(store, [*pages, *context], gazetteer=gazetteer, link=False)
        split = 0
        for name, label in labels:
            for gold in label.get("events", ()):
                if "participants" not in gold:
                    continue
                where = f"{name}: {gold['headline'][:40]}"
                nodes = event_nodes(store, gold["date"], gold["headline"])
                split += len(nodes) > 1
                result, _ = score_actors(gold["participants"], participants(store, nodes),
                                         where)
                report.score("merged participants").add(result)
    report.notes.append(f"labelled events with more than one node in the merged graph: {split}")


def event_nodes(store: Store, day: str, headline: str) -> list[str]:
    """The event nodes of the graph with this date whose headline starts as ``headline`` does."""
    key = normalize(headline)
    rows = store.query(_EVENTS, bindings={
        "day": Literal(date.fromisoformat(day).isoformat(), datatype=XSD.date)}).rows
    return sorted({str(event) for event, text in rows
                   if text is not None and normalize(str(text)).startswith(key)})


def participants(store: Store, nodes: Sequence[str]) -> list[Actor]:
    """The participants the graph gives these event nodes, each actor once."""
    actors: dict[str, dict[str, Any]] = {}
    for node in nodes:
        for actor, name, same in store.query(_PARTICIPANTS,
                                             bindings={"event": URIRef(node)}).rows:
            entry = actors.setdefault(str(actor), {"names": [], "qid": None})
            if name is not None and str(name) not in entry["names"]:
                entry["names"].append(str(name))
            if same is not None and str(same).startswith(str(WD)):
                entry["qid"] = str(same)[len(str(WD)):]
    return [Actor(entry["names"][0], ActorKind.PERSON, entry["qid"],
                  aliases=tuple(entry["names"][1:]))
            for entry in actors.values() if entry["names"]]
