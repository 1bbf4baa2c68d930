"""At scale: `kg ingest`, `kg serve`, export, infer and validate on 10k-100k synthetic events,
the embedded store beside Virtuoso.

For each size: the synthetic corpus (bench/corpus.py); `kg ingest` (gate on, its defaults) into
a fresh embedded store, set against the store's own bulk load of the same quads (bench/ingest.py
``--bulk-child``); `kg serve` on that store: its RSS after start and after the queries, every
named query over HTTP by name and, where its parameters each name one thing, by IRI (the
parameters and IRIs of bench/lookup.py), and ``/search``; `kg export` (N-Quads, Turtle),
`kg infer`, `kg validate --all`. Then the same quads bulk-loaded into a Virtuoso started here
(Debian's `virtuoso-t`, configured as the tests configure it), served by
`kg serve --store URL`, and the same queries. Each command runs in a process of its own:
its seconds, and its peak RSS from ``os.wait4`` (the largest process of its tree).

    python bench/scale.py --events 10000 --workdir /tmp/kg-scale --json scale-10k.json
    python bench/scale.py --events 100000 --workdir /tmp/kg-scale --reuse --skip-virtuoso

With ``--reuse`` the corpus, the store and every step already measured in ``--workdir`` are
kept (each step's figures are saved in ``WORKDIR/N/steps.json`` as soon as it ends).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # tests.conftest: the Virtuoso configuration the tests use

#: The `kg` command, run by the interpreter of this benchmark.
#: The steps after the ingest that --skip may leave out.
SKIPPABLE = ("bulk_load", "serve", "export_nquads", "export_turtle", "infer", "validate_all")
KG = [sys.executable, "-c", "from kg.cli import main; main()"]
#: Seconds each HTTP request may take before it counts as failed.
REQUEST_TIMEOUT = 300.0
#: Seconds a server may take to answer /health after its start.
START_TIMEOUT = 600.0


# -- commands in processes of their own ------------------------------------------------------

def run_measured(command: list[str], log: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run ``command`` (output to ``log``): its seconds, exit status and peak RSS in MB."""
    started = time.perf_counter()
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    with log.open("wb") as out:
        # A session of its own, so that a timeout stops the command's worker processes too.
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    while True:
        # wait4, not Popen.wait: its rusage is this child's (and its reaped children's) alone,
        # where RUSAGE_CHILDREN would keep the largest of every command run so far.
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline and not timed_out:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(status)
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
    return {"seconds": round(time.perf_counter() - started, 2), "rc": process.returncode,
            "peak_mb": round(usage.ru_maxrss / 1024), "timed_out": timed_out,
            "command": " ".join(["kg", *command[len(KG):]] if command[:len(KG)] == KG
                                else command),
            "tail": tail}


def tree_rss_mb(pid: int) -> dict[str, float]:
    """The resident memory of a process and of all its descendants (a server and its query
    workers), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)

    def rss(one: int) -> float:
        with contextlib.suppress(OSError):
            for line in (Path("/proc") / str(one) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    return {"main_mb": round(rss(pid)), "total_mb": round(sum(rss(p) for p in tree)),
            "processes": len(tree)}


def answers(url: str) -> bool:
    """Whether a GET of ``url`` answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def kg_serving(store_args: list[str], log: Path) -> Iterator[tuple[str, int]]:
    """`kg serve` on 127.0.0.1 (a free port) until /health answers; yields its root URL and
    its process id, and stops it after."""
    command = [*KG, *store_args, "serve", "--port", "0", "--max-rows", "1000000"]
    with log.open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err,
                                   env={**os.environ, "KG_ACCESS_LOG": ""})
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        line = process.stdout.readline().decode() if ready else ""
        if " at " not in line:
            raise RuntimeError(f"kg serve did not start: {line!r}, see {log}")
        root = line.split(" at ", 1)[1].split(" ", 1)[0]
        deadline = time.monotonic() + START_TIMEOUT
        while not answers(root + "health"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kg serve did not answer /health, see {log}")
            time.sleep(0.2)
        yield root, process.pid
    finally:
        stop(process, 60)


def stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """Stop a server the benchmark started: asked to end, then killed after ``grace`` s."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(60)


# -- the named queries and searches over HTTP ------------------------------------------------

def plan_queries(store: Path, events: int) -> list[dict[str, Any]]:
    """Every named query with its parameters by name, and by IRI where its name and word
    parameters each stand for one thing; run in a child process on the idle store."""
    from lookup import by_iri, parameters

    from kg.queries import LOOKUPS, bind_params, load_queries
    from kg.store import open_store

    given = parameters(events)
    # Values of the same kinds for the queries bench/lookup.py does not measure.
    by_type = {"name": given["events_with_actor"]["actor"],
               "event": given["event_sources"]["event"],
               "article": given["article_mentions"]["article"],
               "record": given["evidence"]["record"]}
    plan = []
    opened = open_store(store)
    try:
        for name, query in load_queries().items():
            params = dict(given.get(name) or {
                p.name: by_type[p.type] for p in query.params
                if p.default is None and p.type in by_type})
            missing = [p.name for p in query.params if p.default is None and p.name not in params]
            if missing:
                plan.append({"query": name, "params": params,
                             "skipped": f"no value for {', '.join(missing)}"})
                continue
            named = bind_params(query, params, store=opened)
            lookups = [p.name for p in query.params
                       if (p.type == "name" or p.type in LOOKUPS) and params.get(p.name)]
            iris = None
            if lookups:
                found = by_iri(opened, named)
                if all(not isinstance(v, tuple) or len(v) == 1 for v in found.values()):
                    iris = {k: str(v[0] if isinstance(v, tuple) else v) for k, v in found.items()}
            plan.append({"query": name, "params": params, "iris": iris})
    finally:
        opened.close()
    return plan


def get(url: str) -> int:
    """GET ``url`` as a SPARQL client would; the rows (or search results) it answered."""
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
        body = json.loads(response.read())
    if "results" in body and isinstance(body["results"], list):  # /search
        return len(body["results"])
    return len(body.get("results", {}).get("bindings", []))


def timed(run: Callable[[], int], repeat: int, budget: float) -> dict[str, Any]:
    """``run`` once to warm up, then up to ``repeat`` times within about ``budget`` seconds
    (at least 3): p50 and p95 in ms, and the rows of the answer; an HTTP error instead."""
    from lookup import p50, p95

    try:
        started = time.perf_counter()
        rows = run()
        first = time.perf_counter() - started
        times = []
        for _ in range(max(3, min(repeat, int(budget / max(first, 1e-3))))):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
    except urllib.error.HTTPError as exc:
        return {"error": f"HTTP {exc.code}: {exc.read()[:300].decode(errors='replace')}"}
    except (OSError, ValueError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"rows": rows, "p50_ms": round(p50(times), 2), "p95_ms": round(p95(times), 2),
            "runs": len(times)}


def measure_http(root: str, pid: int, plan: list[dict[str, Any]], repeat: int,
                 budget: float) -> dict[str, Any]:
    """The named queries by name and by IRI, and the searches, against a running `kg serve`."""
    from lookup import SEARCHES

    figures: dict[str, Any] = {"rss_after_start": tree_rss_mb(pid), "queries": {},
                               "searches": {}}
    # Every query worker builds its parsers on its first query: without this, whichever way
    # is timed first (by name) paid for it, and looked slower than the other by 2-5x.
    with urllib.request.urlopen(f"{root}health", timeout=REQUEST_TIMEOUT) as response:
        workers = len(json.loads(response.read()).get("workers") or [1])
    for item in plan:
        if "skipped" not in item:
            for _ in range(2 * workers):
                try:
                    get(f"{root}queries/{item['query']}?" + urllib.parse.urlencode(item["params"]))
                except (OSError, ValueError):
                    break
    for item in plan:
        if "skipped" in item:
            figures["queries"][item["query"]] = {"skipped": item["skipped"]}
            continue
        name = item["query"]
        row: dict[str, Any] = {"by_name": timed(
            lambda n=name, p=item["params"]: get(f"{root}queries/{n}?"
                                                 + urllib.parse.urlencode(p)), repeat, budget)}
        if item["iris"] is not None:
            row["by_iri"] = timed(
                lambda n=name, p=item["iris"]: get(f"{root}queries/{n}?"
                                                   + urllib.parse.urlencode(p)), repeat, budget)
        figures["queries"][name] = row
        print(f"    {name:<28} {_brief(row)}", flush=True)
    for text in SEARCHES:
        figures["searches"][text] = timed(
            lambda t=text: get(f"{root}search?" + urllib.parse.urlencode({"q": t})),
            repeat, budget)
    figures["rss_after_queries"] = tree_rss_mb(pid)
    return figures


def _brief(row: dict[str, Any]) -> str:
    parts = []
    for way in ("by_name", "by_iri"):
        got = row.get(way)
        if got is None:
            continue
        parts.append(f"{way.replace('_', ' ')} " + (got["error"][:60] if "error" in got else
                     f"{got['rows']} rows p50 {got['p50_ms']} ms p95 {got['p95_ms']} ms"))
    return "; ".join(parts)


# -- Virtuoso --------------------------------------------------------------------------------

@contextlib.contextmanager
def virtuoso(folder: Path, buffers: int) -> Iterator[dict[str, Any]]:
    """A Virtuoso open-source server in ``folder``, configured as the tests configure theirs
    (tests/conftest.py), with ``buffers`` pages of 8 kB; stopped after."""
    from tests.conftest import (
        _VIRTUOSO_GRANTS,
        _VIRTUOSO_INI,
        VIRTUOSO_MAX_ROWS,
        free_port,
        virtuoso_binaries,
    )

    binaries = virtuoso_binaries()
    if binaries is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    server, client = binaries
    folder.mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = _VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port,
                               max_rows=VIRTUOSO_MAX_ROWS)
    # The tests' small cache is too small for millions of quads (Virtuoso suggests 85,000
    # buffers a GB of memory given to it, dirty at most three quarters).
    ini = ini.replace("NumberOfBuffers = 10000", f"NumberOfBuffers = {buffers}").replace(
        "MaxDirtyBuffers = 6000", f"MaxDirtyBuffers = {buffers * 3 // 4}")
    (folder / "virtuoso.ini").write_text(ini)
    url = f"http://127.0.0.1:{http_port}/sparql"
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen([server, "-f", "-c", str(folder / "virtuoso.ini")],
                                   cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not answers(f"{url}?query=ASK%7B%7D"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not start, see {folder / 'server.log'}")
            time.sleep(0.5)

        def isql(sql: str, timeout: float) -> str:
            done = subprocess.run([client, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={sql}"],
                                  capture_output=True, text=True, timeout=timeout, check=False)
            if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
                raise RuntimeError(f"isql: {sql[:80]}: {done.stdout[-500:]}{done.stderr[-500:]}")
            return done.stdout

        isql(_VIRTUOSO_GRANTS, 120)
        yield {"url": url, "pid": process.pid, "isql": isql}
    finally:
        stop(process, 120)


def virtuoso_dump(dump: Path, target: Path) -> int:
    """``dump`` (every quad of the embedded store) as Virtuoso's store keeps it: the default
    graph's triples in the graph that stands for it (kg.store.dialects); the quads written."""
    import pyoxigraph as ox

    from kg.store.dialects import VIRTUOSO_DEFAULT_GRAPH

    default = ox.NamedNode(VIRTUOSO_DEFAULT_GRAPH)
    count = 0

    def quads() -> Iterator[ox.Quad]:
        nonlocal count
        for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
            count += 1
            yield (ox.Quad(quad.subject, quad.predicate, quad.object, default)
                   if isinstance(quad.graph_name, ox.DefaultGraph) else quad)

    target.parent.mkdir(parents=True, exist_ok=True)
    ox.serialize(quads(), str(target), ox.RdfFormat.N_QUADS)
    return count


# -- one size --------------------------------------------------------------------------------

class Steps:
    """The figures of each step of one size, saved as each ends (and read back with --reuse)."""

    def __init__(self, folder: Path, reuse: bool, on_save: Callable[[Steps], None],
                 skip: Collection[str] = ()) -> None:
        self.path = folder / "steps.json"
        self.figures: dict[str, Any] = (json.loads(self.path.read_text())
                                        if reuse and self.path.exists() else {})
        self.on_save = on_save
        self.skip = set(skip)
        self._said: set[str] = set()

    def done(self, step: str) -> bool:
        """Whether ``step`` is measured already, or not to be measured (said once)."""
        if step in self.skip and step not in self.figures:
            if step not in self._said:
                self._said.add(step)
                print(f"  {step}: skipped (--skip)", flush=True)
            return True
        if step in self.figures and step not in self._said:
            self._said.add(step)
            print(f"  {step}: kept from an earlier run", flush=True)
        return step in self.figures

    def save(self, step: str, figures: dict[str, Any]) -> None:
        # The machine is shared: how busy it was is part of every figure.
        figures["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
        self.figures[step] = figures
        self.path.write_text(json.dumps(self.figures, indent=1))
        shown = {k: v for k, v in figures.items()
                 if k not in ("queries", "searches", "tail", "command")}
        print(f"  {step}: {json.dumps(shown)}", flush=True)
        self.on_save(self)


def measure_size(events: int, folder: Path, args: argparse.Namespace,
                 on_save: Callable[[Steps], None]) -> Steps:
    """Every step for one corpus size; the figures as they stand."""
    from corpus import write_corpus

    if not args.reuse and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    steps = Steps(folder, args.reuse, on_save, args.skip or ())
    corpus, store, dump = folder / "corpus", folder / "store", folder / "all.nq"
    step_timeout = args.step_timeout or None

    if not steps.done("corpus"):
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        files = write_corpus(corpus, events)
        steps.save("corpus", {"events": events, "files": files,
                              "seconds": round(time.perf_counter() - started, 1)})

    if not steps.done("ingest"):
        shutil.rmtree(store, ignore_errors=True)
        dump.unlink(missing_ok=True)
        figures = run_measured([*KG, "--store", str(store), "ingest", "-q", str(corpus)],
                               folder / "ingest.log", step_timeout)
        figures["events_per_s"] = round(events / figures["seconds"], 1)
        steps.save("ingest", figures)
    if steps.figures["ingest"]["rc"] != 0:
        raise SystemExit(f"kg ingest failed, see {folder / 'ingest.log'}")

    if not steps.done("bulk_load") or (not args.skip_virtuoso and not steps.done("virtuoso")
                                       and not dump.exists()):
        import pyoxigraph as ox

        # Every quad, the default graph's too, as bench/ingest.py loads it.
        ox.Store.read_only(str(store)).dump(str(dump), ox.RdfFormat.N_QUADS)
    if not steps.done("bulk_load"):
        shutil.rmtree(folder / "bulk-store", ignore_errors=True)
        out = subprocess.run([sys.executable, str(HERE / "ingest.py"), "--bulk-child",
                              str(dump), str(folder)],
                             check=True, capture_output=True, text=True, timeout=step_timeout)
        bulk = json.loads(out.stdout.strip().splitlines()[-1])
        shutil.rmtree(folder / "bulk-store")
        bulk["dump_mb"] = round(dump.stat().st_size / 1e6)
        bulk["ingest_x_bulk"] = round(steps.figures["ingest"]["seconds"] / bulk["seconds"], 1)
        steps.save("bulk_load", bulk)

    plan: list[dict[str, Any]] | None = None
    if not steps.done("serve") or (not args.skip_virtuoso and not steps.done("virtuoso")):
        out = subprocess.run([sys.executable, __file__, "--plan-child", str(store),
                              str(events)], check=True, capture_output=True, text=True,
                             timeout=step_timeout)
        plan = json.loads(out.stdout.strip().splitlines()[-1])
    if not steps.done("serve"):
        assert plan is not None
        with kg_serving(["--store", str(store)], folder / "serve.log") as (root, pid):
            steps.save("serve", measure_http(root, pid, plan, args.repeat, args.budget))

    if args.skip_virtuoso:
        dump.unlink(missing_ok=True)

    for fmt, suffix in (("nquads", "nq"), ("turtle", "ttl")):
        if not steps.done(f"export_{fmt}"):
            target = folder / f"export.{suffix}"
            figures = run_measured([*KG, "--store", str(store), "export", "-f", fmt,
                                    "-o", str(target)], folder / f"export-{fmt}.log",
                                   step_timeout)
            figures["mb"] = round(target.stat().st_size / 1e6) if target.exists() else None
            target.unlink(missing_ok=True)
            steps.save(f"export_{fmt}", figures)
    for step, command in (("infer", ["infer"]), ("validate_all", ["validate", "--all"])):
        if not steps.done(step):
            steps.save(step, run_measured([*KG, "--store", str(store), *command],
                                          folder / f"{step}.log", step_timeout))
    # Last, so that the embedded store's figures come first; the dump is of the store as
    # ingest left it (before `kg infer`), unless a run with --reuse had to make it again.
    if not args.skip_virtuoso and not steps.done("virtuoso"):
        assert plan is not None
        steps.save("virtuoso", measure_virtuoso(folder, store, dump, plan, args))
    dump.unlink(missing_ok=True)
    return steps


def measure_virtuoso(folder: Path, store: Path, dump: Path, plan: list[dict[str, Any]],
                     args: argparse.Namespace) -> dict[str, Any]:
    """The same quads in a fresh Virtuoso (its bulk loader), served by `kg serve --store URL`
    with a copy of the embedded store's text index, and the same queries."""
    from kg.search import INDEX_FILE

    home = folder / "virtuoso"
    shutil.rmtree(home, ignore_errors=True)
    with virtuoso(home, args.virtuoso_buffers) as server:
        started = time.perf_counter()
        quads = virtuoso_dump(dump, home / "load" / "data.nq")
        rewritten = time.perf_counter() - started
        started = time.perf_counter()
        server["isql"](f"ld_dir('{home / 'load'}', '*.nq', 'urn:x-kg-bench:unused'); "
                       "rdf_loader_run(); checkpoint;", args.step_timeout or None)
        loaded = time.perf_counter() - started
        errors = server["isql"]("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST "
                                "WHERE ll_error IS NOT NULL;", 120)
        (home / "load" / "data.nq").unlink()
        index = folder / "virtuoso-index.sqlite"
        index.unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(store / INDEX_FILE)) as source, \
                contextlib.closing(sqlite3.connect(index)) as target:
            source.backup(target)
        figures: dict[str, Any] = {
            "quads": quads, "rewrite_s": round(rewritten, 1), "load_s": round(loaded, 1),
            "load_errors": [line for line in errors.splitlines() if "data.nq" in line],
            "virtuoso_rss_after_load": tree_rss_mb(server["pid"])}
        print(f"  virtuoso: {quads} quads loaded in {loaded:.1f} s", flush=True)
        with kg_serving(["--store", server["url"], "--index", str(index)],
                        folder / "serve-virtuoso.log") as (root, pid):
            figures.update(measure_http(root, pid, plan, args.repeat, args.budget))
        figures["virtuoso_rss_after_queries"] = tree_rss_mb(server["pid"])
    shutil.rmtree(home, ignore_errors=True)
    return figures


# -- the table -------------------------------------------------------------------------------

def render(events: int, figures: dict[str, Any]) -> str:
    """One size's figures as Markdown."""
    lines = [f"### {events} events", ""]
    ingest, bulk = figures.get("ingest"), figures.get("bulk_load")
    if ingest:
        lines.append(f"- `kg ingest` (gate on): {ingest['seconds']} s, {ingest['events_per_s']} "
                     f"events/s, peak RSS {ingest['peak_mb']} MB (exit {ingest['rc']})")
    if bulk:
        lines.append(f"- the store's own bulk load of the same {bulk['quads']} quads: "
                     f"{bulk['seconds']:.1f} s, peak RSS {bulk['peak_mb']:.0f} MB; ingest "
                     f"took {bulk['ingest_x_bulk']}x")
    for step, label in (("export_nquads", "`kg export -f nquads`"),
                        ("export_turtle", "`kg export -f turtle`"), ("infer", "`kg infer`"),
                        ("validate_all", "`kg validate --all`")):
        got = figures.get(step)
        if got:
            lines.append(f"- {label}: {got['seconds']} s, peak RSS {got['peak_mb']} MB"
                         + (f", {got['mb']} MB written" if got.get("mb") else "")
                         + (" (TIMED OUT)" if got["timed_out"] else f" (exit {got['rc']})"))
    served, virt = figures.get("serve"), figures.get("virtuoso")
    if virt:
        lines.append(f"- Virtuoso: {virt['quads']} quads bulk-loaded in {virt['load_s']} s "
                     f"(rewritten for it in {virt['rewrite_s']} s), its RSS after the load "
                     f"{virt['virtuoso_rss_after_load']['total_mb']} MB, after the queries "
                     f"{virt['virtuoso_rss_after_queries']['total_mb']} MB")
    for label, got in (("embedded", served), ("Virtuoso", virt)):
        if got:
            lines.append(f"- `kg serve` ({label}) RSS, all its processes: after start "
                         f"{got['rss_after_start']['total_mb']} MB, after the queries "
                         f"{got['rss_after_queries']['total_mb']} MB "
                         f"({got['rss_after_queries']['processes']} processes)")
    if served:
        columns = [("embedded", served)] + ([("Virtuoso", virt)] if virt else [])
        head = "| named query | rows |" + "".join(
            f" {c} by name p50 / p95 ms | {c} by IRI p50 / p95 ms | {c} name/IRI |"
            for c, _ in columns)
        lines += ["", head, "|---|---:|" + "---:|---:|---:|" * len(columns)]
        for name, row in served["queries"].items():
            if "skipped" in row:
                lines.append(f"| {name} | skipped: {row['skipped']} |")
                continue
            cells = f"| {name} | {_rows(name, columns)} |"
            for _, got in columns:
                mine = got["queries"].get(name, {})
                cells += (f" {_cell(mine.get('by_name'))} | {_cell(mine.get('by_iri'))} |"
                          f" {_ratio(mine)} |")
            lines.append(cells)
        lines += ["", "| `GET /search?q=` | results |" + "".join(
            f" {c} p50 / p95 ms |" for c, _ in columns), "|---|---:|" + "---:|" * len(columns)]
        for text, got in served["searches"].items():
            lines.append(f"| `{text}` | {got.get('rows', '–')} |" + "".join(
                f" {_cell(c['searches'].get(text))} |" for _, c in columns))
    return "\n".join(lines) + "\n"


def _rows(name: str, columns: list[tuple[str, dict[str, Any]]]) -> str:
    """The rows of a query's answer; each way's where they disagree (the answers must not)."""
    found = {f"{label} {way.replace('_', ' ')}": got["queries"].get(name, {}).get(way, {})
             .get("rows") for label, got in columns for way in ("by_name", "by_iri")
             if way in got["queries"].get(name, {})}
    counts = set(found.values())
    if len(counts) == 1:
        return str(counts.pop())
    return "DIFFER: " + ", ".join(f"{k} {'error' if v is None else v}" for k, v in found.items())


def _cell(got: dict[str, Any] | None) -> str:
    if not got:
        return "–"
    if "error" in got:
        return got["error"].split(":", 1)[0]
    return f"{got['p50_ms']:.1f} / {got['p95_ms']:.1f}"


def _ratio(row: dict[str, Any]) -> str:
    named, iri = row.get("by_name") or {}, row.get("by_iri") or {}
    if "p50_ms" not in named or "p50_ms" not in iri or named["rows"] != iri["rows"]:
        return "–"  # not the same answer: no ratio
    return f"{named['p50_ms'] / iri['p50_ms']:.2f}"


def _commit() -> str:
    """The repository's commit, marked ``+uncommitted`` when its tree has changes."""
    def git(*words: str) -> str:
        done = subprocess.run(["git", "-C", str(HERE.parent), *words], capture_output=True,
                              text=True, check=False, timeout=60)
        return done.stdout.strip()

    return git("log", "-1", "--format=%h") + ("+uncommitted" if git("status", "--short") else "")


def main() -> None:
    """Measure each size, print the tables, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, action="append",
                        help="events in the corpus; may be repeated (default 10000)")
    parser.add_argument("--workdir", type=Path, help="keep corpus, stores and figures here "
                        "(default: a new temporary folder, removed after)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep what --workdir holds and skip the steps already measured")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each request")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds of timed runs per request at most (3 runs at least)")
    parser.add_argument("--step-timeout", type=float, default=0,
                        help="stop a command after this many seconds (0: never)")
    parser.add_argument("--skip-virtuoso", action="store_true")
    parser.add_argument("--skip", action="append", choices=SKIPPABLE,
                        help="leave a step out (may be repeated): at 100k the whole run "
                             "takes hours")
    parser.add_argument("--virtuoso-buffers", type=int, default=170_000,
                        help="Virtuoso's NumberOfBuffers (8 kB each)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--plan-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plan_child:
        print(json.dumps(plan_queries(Path(args.plan_child[0]), int(args.plan_child[1]))))
        return
    sizes = args.events or [10000]
    figures: dict[str, Any] = {
        "command": " ".join(["python", "bench/scale.py", *sys.argv[1:]]),
        "cores": os.cpu_count(), "commit": _commit(), "sizes": {}}

    def write_json() -> None:
        figures["load_average"] = os.getloadavg()
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1))

    with contextlib.ExitStack() as stack:
        workdir = args.workdir
        if workdir is None:
            import tempfile

            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-scale-")))
        for events in sizes:
            print(f"{events} events in {workdir / str(events)} (load average "
                  f"{os.getloadavg()[0]:.1f})", flush=True)

            def record(steps: Steps, key: str = str(events)) -> None:
                figures["sizes"][key] = steps.figures
                write_json()

            steps = measure_size(events, workdir / str(events), args, record)
            record(steps)
            print("\n" + render(events, steps.figures), flush=True)


if __name__ == "__main__":
    main()
