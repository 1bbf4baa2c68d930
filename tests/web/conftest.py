"""Fixtures for the endpoint: the example data in a store on disk, the app, real servers."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from kg.pipeline import ingest
from kg.store import OxigraphStore
from kg.web import create_app
from kg.web.state import close_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOKEN = "test-token-4f1c"
START_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store folder holding the ingested examples (copy it before opening it)."""
    folder = tmp_path_factory.mktemp("example-store") / "store"
    store = OxigraphStore(folder)
    try:
        report = ingest(store, [EXAMPLES])
        assert not report.failures, [r.message for r in report.failures]
    finally:
        store.close()
    return folder


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a store folder."""
    shutil.copytree(source, target)
    return target


def make_app(store: Path | str, **config: object) -> Flask:
    """An app on ``store`` with test settings; the caller closes it with close_app."""
    settings = {"STORE": str(store), "QUERY_WORKERS": 1, "ACCESS_LOG": "", "TESTING": True}
    settings.update(config)
    return create_app(settings)


@pytest.fixture(scope="module")
def app(example_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A read-only app on a copy of the example data."""
    folder = copy_store(example_store, tmp_path_factory.mktemp("app") / "store")
    application = make_app(folder)
    yield application
    close_app(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the read-only app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner bound to the app."""
    return app.test_cli_runner()


@pytest.fixture
def writable_app(example_store: Path, tmp_path: Path) -> Iterator[Flask]:
    """An app that takes writes with the token, on its own copy of the example data."""
    folder = copy_store(example_store, tmp_path / "store")
    application = make_app(folder, ALLOW_UPDATE=True, UPDATE_TOKEN=TOKEN)
    yield application
    close_app(application)


@pytest.fixture
def writer(writable_app: Flask) -> FlaskClient:
    """A test client of the writable app."""
    return writable_app.test_client()


@pytest.fixture
def cli_runner() -> CliRunner:
    """A click runner for the kg command."""
    return CliRunner()


@dataclass
class Server:
    """A running ``kg serve``: its URL, process and log."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, headers: dict[str, str] | None = None,
            timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        """GET a path; (status, headers, body), errors included."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def health(self) -> dict[str, object]:
        """The /health answer."""
        status, _, body = self.get("/health")
        assert status == 200, body
        data = json.loads(body)
        assert isinstance(data, dict)
        return data


@contextlib.contextmanager
def serve(store: Path | str, *args: str, log_dir: Path) -> Iterator[Server]:
    """Start ``kg serve`` on a free port as a real process; stop it afterwards."""
    log = log_dir / "server.log"
    command = [sys.executable, "-c", "from kg.cli import main; main()", "--store", str(store),
               "serve", "--port", "0", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    with log.open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, env=env)
        try:
            assert process.stdout is not None
            line = process.stdout.readline().decode()
            if "http://" not in line:
                process.wait(10)
                pytest.fail(f"kg serve did not start: {line}\n{log.read_text(errors='replace')}")
            url = line.split(" at ", 1)[1].split(" ", 1)[0].rstrip("/")
            server = Server(url, process, log)
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                with contextlib.suppress(OSError, AssertionError):
                    server.health()
                    break
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"kg serve did not answer:\n{log.read_text(errors='replace')}")
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
            if process.stdout is not None:
                process.stdout.close()


@pytest.fixture(scope="module")
def server(example_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``kg serve``, read-only, on a copy of the example data."""
    folder = tmp_path_factory.mktemp("server")
    store = copy_store(example_store, folder / "store")
    with serve(store, "--max-rows", "50", log_dir=folder) as running:
        yield running
