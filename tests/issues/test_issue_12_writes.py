"""Issue 12: writes validated before they commit, and the write paths that failed under faults."""

from __future__ import annotations

import resource
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.store import OxigraphStore
from kg.validate.writes import GateRejected, apply_update
from tests.conftest import EXAMPLES
from tests.web.conftest import TOKEN, Server, copy_store, serve

EX = "http://example.org/"
BAD = ("PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>\n"
       f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}event/1> a dip:Event }} }}")
GOOD = f"INSERT DATA {{ GRAPH <{EX}doc> {{ <{EX}s> <{EX}p> 'x' }} }}"


class WriteRecordingStore(OxigraphStore):
    """The embedded store on disk, recording every update text it commits."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.committed: list[str] = []

    def _update(self, sparql: str) -> None:
        self.committed.append(sparql)
        super()._update(sparql)


def test_an_update_the_gate_rejects_is_never_committed(tmp_path: Path) -> None:
    """"The gate for SPARQL updates commits first and undoes after: killed in between, 5 of 5
    kept an update the gate had rejected." Now it is checked on a checkpoint first."""
    store = WriteRecordingStore(tmp_path / "store")
    try:
        with pytest.raises(GateRejected):
            apply_update(store, BAD, gate=True)
        assert store.committed == []  # not written and undone: never written
        assert store.quad_count() == 0
        assert not list(tmp_path.glob(".kg-preview-*"))  # the checkpoint is gone
        outcome = apply_update(store, GOOD, gate=True)
        assert outcome.checked and len(store.committed) == 1
        assert store.triple_count() == 1
    finally:
        store.close()


def test_a_preview_left_by_a_dead_process_is_removed(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    dead = tmp_path / ".kg-preview-999999999-abc"  # no such pid
    dead.mkdir()
    try:
        apply_update(store, GOOD, gate=True)
        assert not dead.exists()
    finally:
        store.close()


def _post_update(server: Server, text: str) -> int:
    request = urllib.request.Request(
        server.url + "/sparql", data=text.encode(), method="POST",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def test_writes_work_again_once_the_disk_has_room(example_store: Path, tmp_path: Path) -> None:
    """"After a disk-full error kg serve refuses every write until restarted, even once space
    is free, while /health says ok." The file-size limit of the server process stands in for a
    full disk: RocksDB's appends fail with an I/O error, as on a full disk."""
    store = copy_store(example_store, tmp_path / "store")
    with serve(store, "--allow-update", "--update-token", TOKEN, log_dir=tmp_path) as server:
        limits = resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (1, limits[1]))
        try:
            assert _post_update(server, GOOD) == 503
            health = server.health()
            assert health["status"] == "degraded" and "write" in str(health["error"])
        finally:
            resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, limits)
        assert _post_update(server, GOOD) == 204
        assert server.health()["status"] == "ok"
        status, _, body = server.get("/sparql?query=" + urllib.parse.quote(
            f"ASK {{ <{EX}s> <{EX}p> 'x' }}"), {"Accept": "application/sparql-results+json"})
        assert status == 200 and b"true" in body


def test_kg_ingest_into_a_kg_serve_url_stops_at_once_naming_ingest(
    example_store: Path, tmp_path: Path
) -> None:
    """"`kg ingest --store http://<kg serve>/sparql` fails every document (it writes the default
    graph, which the server forbids)." It stops at the first write, names /ingest, and still
    ends with its summary line."""
    store = copy_store(example_store, tmp_path / "store")
    pages = tmp_path / "pages"  # two documents the store does not hold yet
    pages.mkdir()
    for number, source in enumerate(sorted(EXAMPLES.glob("2007-*.md"))[:2]):
        text = source.read_text(encoding="utf-8")
        (pages / f"new-{number}.md").write_text(text.replace("2007", "2006"), encoding="utf-8")
    with serve(store, "--allow-update", "--update-token", TOKEN, log_dir=tmp_path) as server:
        result = CliRunner().invoke(
            cli, ["--store", server.url + "/sparql", "ingest", str(pages)])
    assert result.exit_code == 1, result.output
    assert "/ingest" in result.output and "kg serve" in result.output
    assert "documents stored" in result.output  # the summary line
    assert result.output.count("error:") == 1  # one error, not one per document


def test_the_lock_message_points_to_kg_serve_ingest(example_store: Path, tmp_path: Path) -> None:
    """"The lock message points to `oxigraph serve` rather than kg serve's /ingest"."""
    store = copy_store(example_store, tmp_path / "store")
    with serve(store, log_dir=tmp_path):
        result = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(EXAMPLES)])
    assert result.exit_code == 1
    assert "in use by another process" in result.output and "/ingest" in result.output


def _limit_file_size() -> None:
    # 200 kB: the store opens, and its write-ahead log outgrows it during the ingest.
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))


def test_kg_ingest_on_a_full_disk_stops_with_its_summary(tmp_path: Path) -> None:
    """"`kg ingest` on disk full ends with a bare error and no summary." The file-size limit
    stands in for the full disk; the next run, with room, stores the rest."""
    store = tmp_path / "store"
    kg = [sys.executable, "-c", "from kg.cli import main; main()", "--store", str(store)]
    first = subprocess.run([*kg, "ingest", "-q", str(EXAMPLES / "2007-06-7_index.md")],
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    full = subprocess.run([*kg, "ingest", "-q", str(EXAMPLES)], capture_output=True, text=True,
                          timeout=120, preexec_fn=_limit_file_size)
    assert full.returncode == 1
    assert "documents stored" in full.stdout  # the summary line, also on failure
    assert "error: the run stopped: " in full.stderr and "too large" in full.stderr
    assert "store refused it" not in full.stderr  # no document is blamed for the disk
    again = subprocess.run([*kg, "ingest", "-q", str(EXAMPLES)], capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert " 0 failed" in again.stdout
