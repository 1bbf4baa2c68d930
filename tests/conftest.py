"""Shared fixtures: real Oxigraph and Virtuoso servers on loopback, started and stopped by the
tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER_START_TIMEOUT = 20.0
SERVER_STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (free when asked)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server binary: beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def _answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/query?query=ASK%7B%7D", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of an ``oxigraph serve`` process in its default configuration."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    folder = tmp_path_factory.mktemp("oxigraph-server")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [binary, "serve", "--location", str(folder / "data"),
               "--bind", f"127.0.0.1:{port}"]
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not _answers(base_url):
                if process.poll() is not None:
                    pytest.fail(f"oxigraph serve exited with {process.returncode}:\n"
                                f"{log_path.read_text(errors='replace')}")
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not answer within {SERVER_START_TIMEOUT} s:\n"
                                f"{log_path.read_text(errors='replace')}")
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=SERVER_STOP_TIMEOUT)



# A throwaway Virtuoso: its files in a temporary folder, both listeners on free loopback ports.
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""
# Let the anonymous SPARQL user write, as Virtuoso's documentation says to.
_VIRTUOSO_GRANTS = (
    'GRANT SPARQL_UPDATE TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.L_O_LOOK TO "SPARQL"; '
)


# Virtuoso cuts a CONSTRUCT's answer at ResultSetMaxRows without a word (a SELECT's, it says):
# the store's own queries (inference) must fit under it.
VIRTUOSO_MAX_ROWS = 1_000_000


def virtuoso_binaries() -> tuple[str, str] | None:
    """Debian's ``virtuoso-t`` server and ``isql-vt`` client, if installed."""
    server, client = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    return (server, client) if server and client else None


def _virtuoso_answers(sparql_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{sparql_url}?query=ASK%7B%7D", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SPARQL endpoint URL of a Virtuoso open-source server started for the tests."""
    binaries = virtuoso_binaries()
    if binaries is None:
        if os.environ.get("CI") == "true":
            pytest.fail("virtuoso-t is not installed, and CI runs the Virtuoso tests "
                        "(.ci/run installs virtuoso-opensource)")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    server, client = binaries
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port,
                                        max_rows=VIRTUOSO_MAX_ROWS))
    sparql_url = f"http://127.0.0.1:{http_port}/sparql"
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([server, "-f", "-c", str(ini)], cwd=folder, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT * 3  # it makes its database
            while not _virtuoso_answers(sparql_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Virtuoso did not start ({process.poll()}):\n"
                                f"{log_path.read_text(errors='replace')}")
                time.sleep(0.2)
            granted = subprocess.run(
                [client, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={_VIRTUOSO_GRANTS}"],
                capture_output=True, text=True, timeout=SERVER_START_TIMEOUT, check=False)
            if granted.returncode != 0 or "Error" in granted.stdout + granted.stderr:
                pytest.fail(f"isql could not grant SPARQL_UPDATE: {granted.stdout}"
                            f"{granted.stderr}")
            yield sparql_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=SERVER_STOP_TIMEOUT * 3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=SERVER_STOP_TIMEOUT)


REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
# The real pages the tests read: copies of the development data (see NOTICE), kept here so
# that a clean checkout runs every test; nothing is read from outside the repository.
DATA = Path(__file__).parent / "data"
# The three seed documents (an event page and two news articles) are among the examples.
SEEDS = tuple(EXAMPLES / name for name in (
    "000_30323f190908bd9a.txt", "001_ca0084b1917e092f.txt", "002_1bdb0463f316e372.txt"))


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real on-disk store holding the bundled examples (seeds and real pages), ingested once."""
    from kg.pipeline import ingest
    from kg.store import open_store

    store = open_store(tmp_path_factory.mktemp("examples") / "store")
    report = ingest(store, [EXAMPLES])
    assert not report.failures, report.failures
    yield store
    store.close()


@pytest.fixture
def recorder() -> Iterator[object]:
    """A loopback HTTP server that records every request it gets (:mod:`tests.listener`)."""
    from tests.listener import recording_server

    with recording_server() as server:
        yield server
