"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol test suites against ``kg serve``.

The manifests are in tests/w3c (W3C test suite licence, see NOTICE). The protocol tests run
with the npm package rdf-test-suite 2.8.0 (installed in tests/w3c by .ci/run), mapped to the
local copies so that nothing is fetched; the Graph Store tests run with our rdflib runner.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import ROOT, TOKEN, Server, serve
from tests.web.gsp import GspTest, load_tests, run_test

W3C = ROOT / "tests" / "w3c"
SUITE = W3C / "node_modules" / ".bin" / "rdf-test-suite"
PROTOCOL_MANIFEST = "https://w3c.github.io/rdf-tests/sparql/sparql11/protocol/manifest.ttl"
GSP_TESTS = load_tests(W3C / "graph-store-protocol")

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def update_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``kg serve`` on an empty store, taking updates without a token (as the suite sends)."""
    folder = tmp_path_factory.mktemp("w3c")
    with serve(folder / "store", "--allow-update", "--no-update-token", log_dir=folder) as up:
        yield up


def test_protocol_suite_passes_34_of_34(update_server: Server) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed (CI installs it with npm; see .ci/run)")
    if not SUITE.exists():
        pytest.skip("rdf-test-suite is not installed: run `npm ci` in tests/w3c (.ci/run does)")
    mapping = f"https://w3c.github.io/rdf-tests/sparql/sparql11/protocol/~{W3C / 'protocol'}/"
    endpoint = json.dumps({"protocolEndpoint": f"{update_server.url}/sparql"})
    completed = subprocess.run(
        ["node", str(SUITE), "engine.js", PROTOCOL_MANIFEST, "-m", mapping,
         "-i", endpoint, "-o", "summary"],
        capture_output=True, text=True, timeout=300, cwd=W3C,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "34 / 34 tests succeeded" in output, output


def test_gsp_manifests_hold_14_tests() -> None:
    assert len(GSP_TESTS) == 14


@pytest.mark.parametrize("test", GSP_TESTS, ids=[t.iri.rsplit("#", 1)[1] for t in GSP_TESTS])
def test_graph_store_protocol(update_server: Server, test: GspTest) -> None:
    def reset() -> None:
        request = urllib.request.Request(
            f"{update_server.url}/sparql", data=b"DROP ALL", method="POST",
            headers={"Content-Type": "application/sparql-update",
                     "Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204

    problems = list(run_test(test, update_server.url, reset=reset))
    assert not problems, "\n".join(problems)


def test_manifests_are_local_copies() -> None:
    for name in ("manifest.ttl", "data1.nt", "data2.nt", "data3.nt"):
        assert (W3C / "protocol" / name).is_file()
    assert Path(W3C / "package-lock.json").is_file()
