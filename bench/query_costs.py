"""Every named query on an existing store, in this process: rows and milliseconds (best of 3).

The parameters are those bench/scale.py asks over HTTP (``plan_queries``), so a store that
bench/scale.py built can be looked at query by query without a server in the way. Each runs
the text users get (``kg.queries.query_text``); a query with a counted text is also run by its
own text, which counts, on the line after it:

    python bench/query_costs.py WORKDIR/10000/store 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import plan_queries

from kg.queries import bind_params, load_queries, query_text
from kg.store import open_store


def main() -> None:
    """Print one line per named query."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="an embedded store folder no process holds")
    parser.add_argument("events", type=int, help="the events bench/corpus.py made it from")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plan = plan_queries(args.store, args.events)
    queries = load_queries()
    with open_store(args.store) as store:
        for item in plan:
            if "skipped" in item:
                print(f"{item['query']:28s} skipped: {item['skipped']}")
                continue
            query = queries[item["query"]]
            texts = {item["query"]: None}
            if query.counted is not None:
                texts[f"{item['query']} (counting)"] = query.text
            for label, text in texts.items():
                best, rows = float("inf"), 0
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    bindings = bind_params(query, item["params"], store=store)
                    run = text if text is not None else query_text(query, store)
                    rows = len(store.query(run, bindings=bindings).rows)
                    best = min(best, time.perf_counter() - started)
                    if best > 2:  # a slow one once is enough
                        break
                print(f"{label:28s} {rows:7d} rows {best * 1000:9.1f} ms", flush=True)


if __name__ == "__main__":
    main()
