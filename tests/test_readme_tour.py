"""The README runs: its first command and every console block, top to bottom, as a user would.

The commands run in a fresh folder holding what a clone ships (examples/, samples/, tests/)
with the venv's ``kg`` on the PATH; where the README starts ``kg serve`` the test starts a real
one (on a free port, given as KG_PORT, for the README's 8000), and ``kill %1`` stops it. Each
command must exit as its shown output says (non-zero where it shows an error or a FAIL), and
each line of the shown output must match a line it prints, up to the numbers (counts, times,
column widths) and the parts the README elides with "…".
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
# The README under test; another may be named to try an edit before it is applied.
README = Path(os.environ.get("TOUR_README", ROOT / "README.md"))
SHIPPED = ("examples", "samples", "tests")  # what the tour reads from the clone
README_PORT = "8000"
COMMAND_TIMEOUT = 600.0
START_TIMEOUT = 60.0
# The venv's steps of the first command: done already by whoever runs the tests.
SET_UP = re.compile(r"^(python3? -m venv|\. \.venv/bin/activate|(\.venv/bin/)?pip install)\b")
FAILS = re.compile(r"(^|\s)error:|^FAIL\s|does not conform", re.MULTILINE)


@dataclass
class Step:
    """A command of the README with the output shown under it (empty when none is shown)."""

    command: str
    shown: list[str]


def fenced_blocks(text: str, language: str) -> list[str]:
    """The bodies of the README's fenced blocks in ``language``, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def first_command(text: str) -> list[Step]:
    """The steps of the README's first command (after **Run it**) that are not venv set-up."""
    run_it = text.split("**Run it**", 1)[1]
    block = fenced_blocks(run_it, "sh")[0]
    steps = []
    for line in block.splitlines():
        for part in line.split("&&"):
            part = part.strip()
            if part and not SET_UP.match(part):
                steps.append(Step(part, []))
    return steps


def _complete(command: str) -> bool:
    """Whether a command is whole: its quotes closed and no line continued with a backslash."""
    if command.endswith("\\"):
        return False
    try:
        shlex.split(command, comments=True)
    except ValueError:
        return False
    return True


def console_steps(block: str) -> list[Step]:
    """The commands of a console block (``$ ``-lines and their continuations) and outputs."""
    steps: list[Step] = []
    lines = iter(block.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = line[2:]
            while not _complete(command):
                command += "\n" + next(lines)
            steps.append(Step(command, []))
        elif steps:
            steps[-1].shown.append(line)
    return steps


def tour(text: str) -> list[Step]:
    """Every step of the README in order: the first command, then each console block."""
    steps = first_command(text)
    for block in fenced_blocks(text, "console"):
        steps += console_steps(block)
    return steps


def line_pattern(line: str, port: str) -> re.Pattern[str]:
    """A shown output line as a pattern: numbers, spacing and rules free, "…" anything."""
    line = line.replace(f"127.0.0.1:{README_PORT}", f"127.0.0.1:{port}").strip()
    pieces = []
    for token in re.split(r"(…|\d+(?:\.\d+)?|\s+|-{3,})", line):
        if token == "…":
            pieces.append(".*")
        elif re.fullmatch(r"\d+(?:\.\d+)?", token):
            pieces.append(r"\d+(?:\.\d+)?")
        elif token.isspace():
            pieces.append(r"\s+")
        elif re.fullmatch(r"-{3,}", token):
            pieces.append("-+")
        else:
            pieces.append(re.escape(token))
    return re.compile("".join(pieces))


def free_port() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


class Shell:
    """Runs the README's commands in a folder, as a user's shell with the venv active would."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        bin_dir = str(Path(sys.executable).parent)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
        self.env.update(PATH=f"{bin_dir}{os.pathsep}{self.env.get('PATH', '')}",
                        KG_PORT=self.port, KG_ACCESS_LOG="", COLUMNS="200")
        self.server: subprocess.Popen[bytes] | None = None

    def run(self, step: Step) -> tuple[int, str]:
        """Run one step; its exit status and its output (stdout and stderr)."""
        bare = step.command.split(" #", 1)[0].strip()  # without a trailing comment
        if re.match(r"^kg serve\b", bare):
            return 0, self.start(bare.rstrip("& ").strip())
        if bare == "kill %1":
            self.stop()
            return 0, ""
        command = step.command.replace(f"127.0.0.1:{README_PORT}", f"127.0.0.1:{self.port}")
        done = subprocess.run(["bash", "-c", command], cwd=self.folder, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=COMMAND_TIMEOUT, check=False)
        return done.returncode, done.stdout.decode(errors="replace")

    def start(self, command: str) -> str:
        """Start `kg serve` in the background, as `kg serve &` does; its banner line."""
        assert self.server is None, "the README starts a second server before stopping the first"
        log = (self.folder / "server.log").open("ab")
        self.server = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=self.folder,
                                       env=self.env, stdout=subprocess.PIPE, stderr=log)
        log.close()
        assert self.server.stdout is not None
        banner = self.server.stdout.readline().decode()
        assert "http://" in banner, (self.folder / "server.log").read_text(errors="replace")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/health", timeout=2) as answer:
                if answer.status == 200:
                    return banner
            time.sleep(0.2)
        pytest.fail(f"kg serve did not answer:\n{(self.folder / 'server.log').read_text()}")

    def stop(self) -> None:
        """Stop the server the README started."""
        if self.server is None:
            return
        self.server.terminate()
        try:
            self.server.wait(20)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait(10)
        if self.server.stdout is not None:
            self.server.stdout.close()
        self.server = None


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    """A fresh folder holding what a clone ships, and a shell in it."""
    for name in SHIPPED:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    running = Shell(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_the_readme_parses_into_a_tour() -> None:
    steps = tour(README.read_text(encoding="utf-8"))
    commands = [step.command for step in steps]
    assert commands[0].startswith("kg ingest examples/")
    assert any(c.startswith("kg serve") for c in commands)
    assert all(not SET_UP.match(c) for c in commands)


def test_the_readme_tour_runs_top_to_bottom(shell: Shell) -> None:
    text = README.read_text(encoding="utf-8")
    for step in tour(text):
        status, output = shell.run(step)
        shown = "\n".join(step.shown)
        expected_failure = bool(FAILS.search(shown))
        context = f"$ {step.command}\n(exit {status})\n{output}"
        if expected_failure:
            assert status != 0, f"the README shows a failure, the command succeeded:\n{context}"
        else:
            assert status == 0, f"the command failed:\n{context}"
        printed = [line.rstrip() for line in output.splitlines()]
        for line in step.shown:
            if not line.strip():
                continue
            pattern = line_pattern(line, shell.port)
            assert any(pattern.fullmatch(p.strip()) for p in printed), (
                f"the README shows a line the command does not print:\n  {line}\n{context}")
