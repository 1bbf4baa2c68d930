"""Lookups by name against lookups by IRI, before and after the name keys and the text index.

Generates the synthetic corpus (bench/corpus.py), ingests it into an embedded store (gate
off: its cost is measured by bench/ingest.py) timing what keeping the text index costs, then
runs every named query three ways, each the same number of times:

- *before*: the query texts as they were (``bench/queries_before/``, copies of the queries
  that scanned every label with ``LCASE(STR(...))`` or ``CONTAINS``), the name bound as text;
- *by name*: the shipped query, its parameters bound by name as ``kg query`` and the endpoint
  bind them (a name by its ``dip:nameKey``, words through the text index), lookup included;
- *by IRI*: the shipped query with each parameter bound to the IRIs the name stands for.

By name and by IRI must give the same rows (checked). Each run serialises its answer with
pyoxigraph as the endpoint's workers do (``Store.query_raw``). Then ``kg search`` queries,
through the library and over HTTP (``kg serve``'s ``/search``), and the named queries by name
and by IRI over HTTP (those whose parameters each stand for one thing).

    python bench/lookup.py --events 2000 --events 10000             # prints the tables
    python bench/lookup.py --events 2000 --events 10000 --record    # and appends them to RESULTS
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rdflib import Literal

from kg.search import INDEX_FILE
from kg.store import Binding, OxigraphStore, Store

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BEFORE = HERE / "queries_before"
NAME_KEY_QUERY = ("SELECT ?x WHERE { ?x <https://w3id.org/diplomacy-kg/ontology#nameKey> ?key }")


def parameters(events: int) -> dict[str, dict[str, str]]:
    """The named queries measured, with what a user would type: names of the corpus's
    leaders, and the serial words ("round N") of one event and of one article's title."""
    one_event = f"round {events // 2 + 1}"  # an event page without an article
    one_article = f"round {(events // 2) // 5 * 5}"  # the title of an article (every 5th)
    return {
        "events_with_actor": {"actor": "vladimir PUTIN"},
        "events_with_two_actors": {"actor1": "George W. Bush", "actor2": "Vladimir Putin"},
        "actor_profile": {"actor": "Recep Tayyip Erdogan"},
        "real_events": {"actor": "Vladimir Putin", "from": "2007-06-01", "to": "2007-06-30"},
        "events_per_actor_per_year": {"actor": "lavrov"},
        "post_holders": {"post": "president of russia"},
        "events_on_topic": {"topic": "missile defense", "from": "2007-01-01",
                            "to": "2007-03-31"},
        "event_sources": {"event": one_event},
        "related_events": {"event": one_event},
        "article_mentions": {"article": one_article},
        "article_events": {"article": one_article},
        "evidence": {"record": one_article},
    }


SEARCHES = ("missile defense", "Putin", "Kennebunkport", "Erdogan nuclear", "round 4242",
            '"arms control" NOT sanctions', "sanct*", "the")


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` runs, after one to warm up."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def p50(times: list[float]) -> float:
    return statistics.median(times) * 1000


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def rows_of(store: Store, text: str, bindings: Mapping[str, Binding]) -> list[tuple[str, ...]]:
    """The answer's rows as sorted text (to compare two ways of asking)."""
    result = store.query(text, bindings=bindings)
    return sorted(tuple("" if v is None else str(v) for v in row) for row in result.rows)


def by_iri(store: Store, bindings: Mapping[str, Binding]) -> dict[str, Binding]:
    """The bindings with each name replaced by the IRI(s) its key stands for."""
    out: dict[str, Binding] = {}
    for name, value in bindings.items():
        if isinstance(value, Literal) and value.datatype is None and str(value):
            found = tuple(row[0] for row in store.query(NAME_KEY_QUERY,
                                                        bindings={"key": value}).rows)
            out[name] = found[0] if len(found) == 1 else found
        else:
            out[name] = value
    return out


@contextlib.contextmanager
def index_clock(totals: dict[str, float]) -> Iterator[None]:
    """Count the seconds ingest spends keeping the text index (the store's writes excluded)."""
    from kg.search import sync

    writer = sync.IndexWriter
    real_writing, real_finish, real_current = writer.writing, writer.finish, sync.ensure_current

    @contextlib.contextmanager
    def writing(self, graphs):
        started = time.perf_counter()
        inner = real_writing(self, graphs)
        inner.__enter__()
        totals["index"] += time.perf_counter() - started
        try:
            yield
        except BaseException as exc:
            inner.__exit__(type(exc), exc, exc.__traceback__)
            raise
        started = time.perf_counter()
        inner.__exit__(None, None, None)
        totals["index"] += time.perf_counter() - started

    def clocked(real):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                totals["index"] += time.perf_counter() - started
        return run

    writer.writing, writer.finish = writing, clocked(real_finish)
    sync.ensure_current = clocked(real_current)
    try:
        yield
    finally:
        writer.writing, writer.finish, sync.ensure_current = real_writing, real_finish, real_current


def build(folder: Path, events: int) -> tuple[OxigraphStore, dict[str, object]]:
    """Corpus → ingested store, with the cost of its text index."""
    from corpus import write_corpus

    from kg.pipeline import ingest, reindex

    corpus = folder / "corpus"
    files = write_corpus(corpus, events)
    store = OxigraphStore(folder / "store")
    totals = {"index": 0.0}
    started = time.perf_counter()
    with index_clock(totals):
        report = ingest(store, [corpus], validate=False)
    seconds = time.perf_counter() - started
    made = reindex(store)
    info: dict[str, object] = {
        "events": events, "files": files, "documents": report.count("stored"),
        "triples": store.triple_count(), "ingest_s": round(seconds, 1),
        "index_in_ingest_s": round(totals["index"], 1),
        "reindex_s": made.seconds, "index_things": made.things,
        "index_mb": round((made.size or 0) / 1e6, 1),
    }
    return store, info


def measure_queries(store: Store, events: int, repeat: int) -> list[dict[str, object]]:
    """Every named query before, by name and by IRI."""
    from kg.queries import bind_params, load_queries

    shipped, before = load_queries(), load_queries(BEFORE)
    found = []
    for name, params in parameters(events).items():
        query = shipped[name]
        named = bind_params(query, params, store=store)
        iris = by_iri(store, named)
        answer = rows_of(store, query.text, named)
        assert answer == rows_of(store, query.text, iris), f"{name}: by name != by IRI"

        def run_named(q=query, p=params) -> None:
            store.query_raw(q.text, bindings=bind_params(q, p, store=store))

        def run_iri(q=query, b=iris) -> None:
            store.query_raw(q.text, bindings=b)

        row: dict[str, object] = {"query": name, "rows": len(answer),
                                  "named": timed(run_named, repeat),
                                  "iri": timed(run_iri, repeat)}
        if name in before:
            old = before[name]
            old_bindings = bind_params(old, params)
            row["before_rows"] = len(rows_of(store, old.text, old_bindings))
            row["before"] = timed(lambda o=old, b=old_bindings: store.query_raw(
                o.text, bindings=b), max(3, repeat // 10))
        found.append(row)
        print(f"  {name:<26} {len(answer):>5} rows  by name p50 {p50(row['named']):8.2f} ms"
              f"  by IRI p50 {p50(row['iri']):8.2f} ms"
              + (f"  before p50 {p50(row['before']):9.1f} ms" if "before" in row else ""),
              flush=True)
    return found


def measure_searches(store: Store, repeat: int) -> dict[str, tuple[list[float], int]]:
    """``kg search`` through the library: each search's times and result count."""
    from kg.pipeline import search

    return {text: (timed(lambda t=text: search(store, t), repeat), len(search(store, text)))
            for text in SEARCHES}


def measure_http(folder: Path, store: OxigraphStore, events: int, repeat: int,
                 named_rows: list[dict[str, object]]) -> dict[str, list[float]]:
    """``kg serve`` on a copy of the store: /search, and named queries by name and by IRI."""
    from endpoint import kg_server

    from kg.queries import bind_params, load_queries

    shipped = load_queries()
    single: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for name, params in parameters(events).items():
        iris = by_iri(store, bind_params(shipped[name], params, store=store))
        if all(not isinstance(v, tuple) or len(v) == 1 for v in iris.values()):
            as_text = {k: str(v[0] if isinstance(v, tuple) else v) for k, v in iris.items()}
            single[name] = (params, as_text)
    copy = folder / "served"
    store.backup(copy)
    assert store.path is not None
    with contextlib.closing(sqlite3.connect(store.path / INDEX_FILE)) as source, \
            contextlib.closing(sqlite3.connect(copy / INDEX_FILE)) as target:
        source.backup(target)  # the index with what its write-ahead log holds
    times: dict[str, list[float]] = {}
    with kg_server(copy, folder / "serve.log") as url:
        root = url.removesuffix("sparql")

        def get(path: str) -> None:
            request = urllib.request.Request(root + path,
                                             headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()

        for text in SEARCHES:
            times[f"/search {text}"] = timed(
                lambda t=text: get("search?" + urllib.parse.urlencode({"q": t})), repeat)
        for name, (params, iris) in single.items():
            times[f"{name} by name"] = timed(
                lambda n=name, p=params: get(f"queries/{n}?" + urllib.parse.urlencode(p)), repeat)
            times[f"{name} by IRI"] = timed(
                lambda n=name, p=iris: get(f"queries/{n}?" + urllib.parse.urlencode(p)), repeat)
    return times


def render(info: dict[str, object], queries: list[dict[str, object]],
           searches: dict[str, tuple[list[float], int]], http: dict[str, list[float]],
           repeat: int) -> str:
    """The Markdown section for bench/RESULTS.md."""
    lines = [
        f"### {info['events']} events ({info['documents']} documents, {info['triples']} "
        "triples)",
        "",
        f"Ingest (gate off) {info['ingest_s']} s, of which keeping the text index "
        f"{info['index_in_ingest_s']} s; `kg reindex` {info['reindex_s']} s; the index: "
        f"{info['index_things']} things, {info['index_mb']} MB.",
        "",
        "| named query | rows | before p50 ms | by name p50 ms | by name p95 ms "
        "| by IRI p50 ms | by IRI p95 ms | name/IRI | before/IRI |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in queries:
        named, iri = row["named"], row["iri"]
        before = row.get("before")
        old = f"{p50(before):.1f}" if before else "–"
        rows = str(row["rows"])
        if "before_rows" in row and row["before_rows"] != row["rows"]:
            rows += f" (before {row['before_rows']})"
        lines.append(
            f"| {row['query']} | {rows} | {old} | {p50(named):.2f} | {p95(named):.2f} | "
            f"{p50(iri):.2f} | {p95(iri):.2f} | {p50(named) / p50(iri):.2f} | "
            + (f"{p50(before) / p50(iri):.0f} |" if before else "– |"))
    lines += ["", "| `kg search` | results | library p50 ms | library p95 ms | HTTP p50 ms "
              "| HTTP p95 ms |", "|---|---:|---:|---:|---:|---:|"]
    for text, (times, count) in searches.items():
        over = http.get(f"/search {text}")
        lines.append(f"| `{text}` | {count} | {p50(times):.2f} | {p95(times):.2f} | "
                     + (f"{p50(over):.1f} | {p95(over):.1f} |" if over else "– | – |"))
    pairs = [k.removesuffix(" by name") for k in http if k.endswith(" by name")]
    if pairs:
        lines += ["", "| over HTTP (`/queries/…`) | by name p50 ms | by IRI p50 ms | name/IRI |",
                  "|---|---:|---:|---:|"]
        for name in pairs:
            named, iri = http[f"{name} by name"], http[f"{name} by IRI"]
            lines.append(f"| {name} | {p50(named):.1f} | {p50(iri):.1f} | "
                         f"{p50(named) / p50(iri):.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Build each store, measure, print (and record)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, action="append",
                        help="events in the corpus; may be repeated (default: 2000, 10000)")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs of each query")
    parser.add_argument("--no-http", action="store_true", help="skip the kg serve runs")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    sections = []
    for events in args.events or [2000, 10000]:
        with tempfile.TemporaryDirectory(prefix="kg-bench-lookup-") as tmp:
            folder = Path(tmp)
            print(f"building {events} events …", flush=True)
            store, info = build(folder, events)
            print(f"data: {json.dumps(info)}", flush=True)
            queries = measure_queries(store, events, args.repeat)
            searches = measure_searches(store, args.repeat)
            http = ({} if args.no_http
                    else measure_http(folder, store, events, max(10, args.repeat // 2), queries))
            store.close()
            sections.append(render(info, queries, searches, http, args.repeat))
            print("\n" + sections[-1], flush=True)
    sizes = " ".join(f"--events {e}" for e in args.events or [2000, 10000])
    header = (f"## Lookups: by name against by IRI, and text search ({datetime.now(UTC):%Y-%m-%d})"
              f"\n\n`python bench/lookup.py {sizes}` on {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, {args.repeat} timed runs of each query after one "
              "to warm up.\n\n")
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n" + header + "\n".join(sections))
        print(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
