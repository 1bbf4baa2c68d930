"""What long commands show on stderr: progress at a terminal (a real pty), grouped warnings."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.cli.progress import SHOWN_PER_KIND, Reporter, warning_kind

from .conftest import EXAMPLES

pty = pytest.importorskip("pty")  # POSIX only

NO_PARTICIPANT = "No participant was recognised in this event"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RUN_TIMEOUT = 120.0


def run_in_terminal(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run ``kg ARGS`` with stderr on a pseudo-terminal; (exit status, stdout, stderr's text)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(TERM="xterm-256color", COLUMNS="200")
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", *args],
                               cwd=cwd, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the other end closed: the process is gone
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        assert process.stdout is not None
        out = process.stdout.read().decode()
        status = process.wait(timeout=RUN_TIMEOUT)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    return status, out, ANSI.sub("", b"".join(chunks).decode(errors="replace"))


def test_ingest_at_a_terminal_shows_total_percentage_rate_eta_and_the_linking_phase(
    tmp_path: Path,
) -> None:
    status, out, err = run_in_terminal("--store", "store", "ingest", str(EXAMPLES), cwd=tmp_path)
    assert status == 0, err
    assert "12 documents stored" in out
    assert "ingesting" in err and "/12" in err  # the total is known before the first file
    assert "12/12" in err and "100%" in err and "files/s" in err and "eta" in err
    # the phases after the last document, each with its count of its total and a percentage
    assert_bar(err, "linking articles to events")
    assert_bar(err, "linking the same events")
    assert_bar(err, "writing the text index")  # a first ingest writes the index whole
    # a warning line is whole: printed above the bar, never broken by it
    lines = [line for line in err.replace("\r", "\n").splitlines() if NO_PARTICIPANT in line]
    assert lines and all(line.endswith("[EventShape]") for line in lines), lines


def assert_bar(err: str, label: str) -> None:
    """The phase ``label`` was shown as a bar that reached its total: "n/n 100%"."""
    done = re.search(re.escape(label) + r"\D*?(\d[\d,]*)/\1\s+100%", err)
    assert done is not None, f"no finished bar for {label!r} in:\n{err}"
    assert int(done[1].replace(",", "")) > 0


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``store``, the examples ingested (quietly, not at a terminal)."""
    folder = tmp_path_factory.mktemp("progress")
    result = CliRunner().invoke(cli, ["--store", str(folder / "store"), "ingest", "-q",
                                      str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize(("args", "label"), [
    (("infer",), "inferring"),
    (("infer", "--engine", "owlrl"), "inferring (owlrl closure, then its write)"),
    (("validate", "--all"), "validating the store"),
    (("link",), "linking articles to events"),
    (("same-events",), "linking the same events"),
    (("reindex",), "writing the text index"),
])
def test_a_long_command_shows_a_bar_with_its_total(
    ingested: Path, args: tuple[str, ...], label: str
) -> None:
    status, _, err = run_in_terminal("--store", "store", *args, cwd=ingested)
    assert status == 0, err
    assert_bar(err, label)
    assert "eta" in err


def test_progress_is_silent_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ingest", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert "ingesting" not in result.output and "eta" not in result.output
    assert "\x1b[" not in result.output and "\r" not in result.output


def test_warnings_of_one_kind_are_counted_after_the_first_few(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ingest", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines()
             if NO_PARTICIPANT in line and ": Warning: <" in line]
    assert len(shown) == SHOWN_PER_KIND
    counts = [line for line in result.output.splitlines()
              if " times in all" in line and NO_PARTICIPANT in line]
    assert len(counts) == 1 and "--verbose" in counts[0]
    assert int(counts[0].split()[0]) > SHOWN_PER_KIND  # the count is of all, not of those shown


def test_verbose_shows_every_warning(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "s"), "ingest", "--verbose", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines()
             if NO_PARTICIPANT in line and ": Warning: <" in line]
    assert len(shown) > SHOWN_PER_KIND
    assert "times in all" not in result.output


def test_a_warning_kind_ignores_the_document_and_the_focus_node() -> None:
    one = ("a.md: Warning: <https://x/a1> dip:url: The article has no dip:url, so no one can go "
           "back to it. [ArticleShape]")
    two = ("b/c.txt: Warning: <https://x/b2> dip:url: The article has no dip:url, so no one can "
           "go back to it. [ArticleShape]")
    info = "a.md: Info: <https://x/a1> dip:publisher: The article's publisher is not known."
    assert warning_kind(one) == warning_kind(two) != warning_kind(info)
    assert warning_kind("skipped x: not a document") == "skipped x: not a document"


def test_quiet_shows_no_warning_and_no_count() -> None:
    out = Reporter(quiet=True)
    for _ in range(5):
        out.warn("a.md: Warning: <x> p: m [S]")
    assert out.summary_lines() == []
