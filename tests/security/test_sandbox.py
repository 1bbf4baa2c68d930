"""The second layer against SERVICE: processes that evaluate queries cannot open connections.

Each sandboxed check runs in a fresh Python process, because the filter cannot be removed:
installing it in the test runner would take the network away from the rest of the suite.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.store import StoreError
from kg.store.pool import Engine
from kg.store.worker import QueryJob
from kg.web.state import close_app
from tests.security.conftest import Listener
from tests.web.conftest import ROOT, copy_store, make_app

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() not in ("x86_64", "aarch64"),
    reason=f"seccomp filters exist only on Linux x86_64/aarch64, not {sys.platform} "
    f"{platform.machine()}",
)

TIMEOUT = 60

# argv: "sandbox" or "open", then the SERVICE URL. Prints one JSON line.
SERVICE_SCRIPT = """
import json, sys
import pyoxigraph
if sys.argv[1] == "sandbox":
    from kg.sandbox import forbid_network
    reason = forbid_network()
    assert reason is None, reason
query = "SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }" % sys.argv[2]
try:
    rows = [[str(term) for term in row] for row in pyoxigraph.Store().query(query)]
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
else:
    print(json.dumps({"rows": rows}))
"""

# A file, not -c: a spawned multiprocessing child imports its target from the main script.
SOCKETS_SCRIPT = """
import ctypes, json, multiprocessing, platform, socket, sys

from kg.sandbox import forbid_network, network_forbidden

IO_URING_SETUP = 425  # the same number on x86_64 and aarch64
X32_GETPID = 0x40000000 | 39  # getpid through the x32 ABI of an x86_64 kernel


def try_inet() -> str:
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return "denied"
    return "open"


def child(conn) -> None:
    number = conn.recv()
    conn.send((number + 1, try_inet()))


def main() -> dict:
    found = {"before": network_forbidden(), "reason": forbid_network(),
             "after": network_forbidden(), "again": forbid_network()}
    for name in ("AF_UNIX", "AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK", "AF_VSOCK"):
        family = getattr(socket, name)
        kind = socket.SOCK_RAW if name in ("AF_PACKET", "AF_NETLINK") else socket.SOCK_STREAM
        try:
            socket.socket(family, kind).close()
        except OSError as exc:
            found[name] = exc.errno
        else:
            found[name] = "open"
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"ping")
        found["socketpair"] = right.recv(4).decode()
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)  # struct io_uring_params, zeroed
    fd = libc.syscall(ctypes.c_long(IO_URING_SETUP), ctypes.c_ulong(1), params)
    found["io_uring_setup"] = ctypes.get_errno() if fd < 0 else "open"
    if platform.machine() == "x86_64":
        pid = libc.syscall(ctypes.c_long(X32_GETPID))
        found["x32_getpid"] = ctypes.get_errno() if pid < 0 else "open"
    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    process = context.Process(target=child, args=(child_end,))
    process.start()
    parent_end.send(41)
    found["pipe"] = parent_end.recv() if parent_end.poll(60) else "no answer"
    process.join(60)
    found["child_exit"] = process.exitcode
    return found


if __name__ == "__main__":
    print(json.dumps(main()))
"""


def run_python(*args: str) -> dict[str, object]:
    """Run ``python *args`` from the project root; its one JSON line of output."""
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(answer, dict)
    return answer


def test_service_reaches_the_listener_without_the_sandbox(listener: Listener) -> None:
    # The control: the same query, unsandboxed, does call out, so the next test can fail.
    answer = run_python("-c", SERVICE_SCRIPT, "open", listener.url)
    assert "rows" in answer, answer
    assert len(listener.connections) == 1
    assert listener.connections[0].startswith(b"POST /sparql ")


def test_service_cannot_reach_the_listener_in_the_sandbox(listener: Listener) -> None:
    answer = run_python("-c", SERVICE_SCRIPT, "sandbox", listener.url)
    assert "error" in answer, f"the SERVICE query did not fail: {answer}"
    # pyoxigraph surfaces the refused socket(2) as an OSError of its own.
    assert "Permission denied" in str(answer["error"]), answer
    listener.assert_untouched()


def test_sandbox_denies_network_sockets_and_keeps_local_ipc(tmp_path: Path) -> None:
    script = tmp_path / "sockets.py"
    script.write_text(SOCKETS_SCRIPT, encoding="utf-8")
    found = run_python(str(script))
    assert found["before"] is False
    assert found["reason"] is None
    assert found["after"] is True
    assert found["again"] is None
    eacces, eperm = 13, 1
    for family in ("AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK", "AF_VSOCK"):
        assert found[family] == eacces, (family, found)
    assert found["AF_UNIX"] == "open"
    assert found["io_uring_setup"] == eperm
    assert found.get("x32_getpid", eperm) == eperm
    assert found["socketpair"] == "ping"
    # The round trip over a multiprocessing Pipe, and the spawned child inherits the filter.
    assert found["pipe"] == [42, "denied"]
    assert found["child_exit"] == 0


@pytest.fixture
def engine(example_store: Path, tmp_path: Path) -> Iterator[Engine]:
    """The query engine of an app with two worker processes, on a copy of the example data."""
    app: Flask = make_app(copy_store(example_store, tmp_path / "store"), QUERY_WORKERS=2)
    try:
        yield app.extensions["kg"].engine
    finally:
        close_app(app)


def seccomp_mode(pid: int) -> str:
    """The Seccomp line of /proc/<pid>/status: 0 none, 1 strict, 2 filter."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("Seccomp:"):
            return line.split(":", 1)[1].strip()
    pytest.skip("this kernel does not report Seccomp in /proc/<pid>/status")


def test_query_workers_run_under_the_filter(engine: Engine) -> None:
    pids = engine.status()["workers"]
    assert len(pids) == 2
    assert {pid: seccomp_mode(pid) for pid in pids} == {pid: "2" for pid in pids}


def test_a_service_query_given_straight_to_a_worker_cannot_call_out(
    engine: Engine, listener: Listener
) -> None:
    # Past the server's analysis, as if it had missed the SERVICE: the worker still cannot.
    job = QueryJob(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    with pytest.raises(StoreError, match="Permission denied"):
        engine.run(job, timeout=TIMEOUT)
    listener.assert_untouched()
    # The worker survives the refusal and goes on answering over its pipe.
    result = engine.run(QueryJob("ASK { }"), timeout=TIMEOUT)
    assert json.loads(result.body) == {"head": {}, "boolean": True}
