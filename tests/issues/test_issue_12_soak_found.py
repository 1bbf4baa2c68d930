"""Issue 12, found by the soak (bench/soak.py): what a ``kill -9`` of ``kg serve`` left running.

The soak kills the server every few seconds while clients send slow queries. A query worker
busy with a query when its server died ran that query on to its end, a full core for as long
as the query took (75 s in the soak; for ever, for a query that does not end): the query
timeout is the server's to enforce, by killing the worker, and the server was gone.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import cast

from tests.web.conftest import copy_store, serve

#: Never ends on the examples: every triple with every triple with every triple, counted.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: How long the workers of a killed server may take to notice.
GRACE = 15.0


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _send_endless(url: str) -> None:
    request = urllib.request.Request(url + "/sparql", data=ENDLESS.encode(), headers={
        "Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=GRACE + 30) as response:
            response.read()
    except (OSError, urllib.error.URLError):
        pass  # the server is killed while it runs


def test_a_killed_servers_workers_stop_their_queries(example_store: Path, tmp_path: Path) -> None:
    """A worker running a query when ``kg serve`` is killed with -9 exits within seconds, not
    when the query ends."""
    store = copy_store(example_store, tmp_path / "store")
    workers: list[int] = []
    try:
        with serve(store, "--query-timeout", "600", log_dir=tmp_path) as server:
            workers = [int(str(pid)) for pid in cast(list[object], server.health()["workers"])]
            assert workers
            sender = threading.Thread(target=_send_endless, args=(server.url,), daemon=True)
            sender.start()
            time.sleep(3)  # past the fast lane's budget: running in its worker
            status = json.loads(server.get("/health")[2])
            assert status["status"] == "ok"
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(10)
            deadline = time.monotonic() + GRACE
            while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
                time.sleep(0.2)
            assert [pid for pid in workers if _alive(pid)] == []
    finally:
        for pid in workers:  # this test's own processes, left only if the fix is gone
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
