"""``kg serve``: its options, and the refusal of tokenless writes off loopback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from kg.web.state import is_loopback


def test_serve_documents_its_options(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--host", "--port", "--allow-update", "--update-token", "--no-update-token",
                   "--query-timeout", "--max-rows", "Example:"):
        assert option in result.output


def test_no_update_token_is_refused_off_loopback(cli_runner: CliRunner, tmp_path: Path) -> None:
    result = cli_runner.invoke(cli, ["--store", str(tmp_path / "store"), "serve", "--host",
                                     "0.0.0.0", "--allow-update", "--no-update-token"])
    assert result.exit_code == 1, result.output
    assert "not a loopback address" in result.output
    assert not (tmp_path / "store").exists()  # refused before the store was opened


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.1.2.3") and is_loopback("::1")
    assert is_loopback("localhost") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    assert not is_loopback("example.org")


def test_help_settings_lists_every_setting(cli_runner: CliRunner) -> None:
    from kg.web import SETTINGS

    result = cli_runner.invoke(cli, ["serve", "--help-settings"])
    assert result.exit_code == 0, result.output
    for name, (_, meaning) in SETTINGS.items():
        assert f"{name.lower()} " in result.output and f"KG_{name}" in result.output
        assert meaning in result.output


def test_an_unknown_setting_is_a_usage_error(cli_runner: CliRunner, tmp_path: Path) -> None:
    result = cli_runner.invoke(cli, ["--store", str(tmp_path / "s"), "serve",
                                     "--setting", "max_rowz", "5"])
    assert result.exit_code == 2 and "no setting 'max_rowz'" in result.output


def test_a_setting_reaches_the_running_server(example_store: Path, tmp_path: Path) -> None:
    from tests.web.conftest import copy_store, serve

    store = copy_store(example_store, tmp_path / "store")
    with serve(store, "--setting", "KG_MAX_ROWS", "3", "--setting", "gzip-min-size", "1",
               log_dir=tmp_path) as server:
        status, headers, _ = server.get("/sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
                                        {"Accept": "text/csv"})
        assert status == 200 and headers["X-Result-Truncated"] == "max-rows=3"
