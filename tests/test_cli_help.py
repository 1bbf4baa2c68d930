"""Every command's --help: examples that paste (one line each, never rewrapped), settings named."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli


def commands() -> list[tuple[list[str], click.Command]]:
    """Every command of kg (the group itself too), with the words that reach it."""
    found: list[tuple[list[str], click.Command]] = [([], cli)]
    for name, command in sorted(cli.commands.items()):
        found.append(([name], command))
    return found


def example_lines(command: click.Command) -> list[str]:
    """The lines of the command's Example block, as written in its docstring."""
    text = command.help or ""
    assert "Example:" in text, f"{command.name} has no Example: block"
    block = text.split("Example:", 1)[1]
    return [line.strip() for line in block.splitlines() if line.strip() not in ("", "\b")]


@pytest.mark.parametrize("words,command", commands(),
                         ids=[" ".join(words) or "kg" for words, _ in commands()])
def test_every_example_line_appears_unwrapped(words: list[str], command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*words, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    shown = {line.strip() for line in result.output.splitlines()}
    lines = example_lines(command)
    assert lines
    for line in lines:
        assert line in shown, f"`kg {' '.join(words)} --help` rewraps {line!r}:\n{result.output}"


def test_store_help_names_its_environment_variable() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    store_help = result.output.split("--store", 1)[1].split("--base", 1)[0]
    assert "KG_STORE" in store_help
