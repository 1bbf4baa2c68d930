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
