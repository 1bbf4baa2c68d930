"""What a long command shows on stderr: progress bars for people at a terminal, grouped warnings.

At a terminal each phase gets a rich progress line (count, total, percentage, rate, time
left); anywhere else (a pipe, a file, a test) nothing but the messages. Messages go through
the progress display's console, so a warning never prints over a bar. Warnings of one kind
(the same severity, property, message and shape, whatever the document and node) are shown
the first few times and then counted: 334 articles without a dip:url are 3 lines and a count.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TextIO

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from kg.pipeline import Advance
from kg.pipeline import Progress as PhaseHook

#: How many warnings of one kind are shown before they are only counted.
SHOWN_PER_KIND = 3

# A shape report line: "FILE: Severity: <focus> path: message [Shape]". Used only to group
# lines for display (never to decide anything), so a line it does not match is its own kind.
_REPORT_LINE = re.compile(
    r"^(?P<source>.*?): (?P<severity>Violation|Warning|Info): (?P<focus><[^>\s]*>|\S+) "
    r"(?P<rest>.+)$"
)


def warning_kind(line: str) -> str:
    """What makes two warnings the same kind: the line without its document and focus node."""
    match = _REPORT_LINE.match(line)
    if match is None:
        return line
    return f"{match['severity']}: {match['rest']}"


def _ignore(_n: int = 1) -> None:
    """The progress of a phase nobody sees."""


class _RateColumn(ProgressColumn):
    """Items per second, in the phase's own unit (blank until there is a rate)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", "")
        return Text("" if not speed else f"{speed:,.1f} {unit}/s", style="progress.data.speed")


class _CountColumn(ProgressColumn):
    """How many items a phase without a total has done (blank for a phase that counts none)."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        return Text(f"{task.completed:,.0f} {unit}" if task.completed else "",
                    style="progress.download")


@dataclass
class Reporter:
    """The stderr of one command: its progress phases, its messages and its grouped warnings."""

    quiet: bool = False  # no progress and no warnings: errors and the summary only
    verbose: bool = False  # every warning, none counted away
    stream: TextIO | None = None  # default: sys.stderr as it is when the reporter is made
    _progress: Progress | None = field(default=None, init=False)
    _label: str | None = field(default=None, init=False)  # the phase shown, if any
    _kinds: dict[str, int] = field(default_factory=dict, init=False)  # warnings seen, by kind

    def __post_init__(self) -> None:
        if self.stream is None:
            self.stream = sys.stderr

    @property
    def live(self) -> bool:
        """Whether progress is shown: on a terminal, unless the command was asked to be quiet."""
        return not self.quiet and bool(getattr(self.stream, "isatty", lambda: False)())

    @contextmanager
    def phase(
        self, label: str, total: int | None = None, unit: str = "files"
    ) -> Iterator[Callable[[int], None]]:
        """Show a phase's progress while the block runs; yields ``advance(n=1)``.

        Without a total the line shows a spinner, the count and the time taken.
        """
        if not self.live:
            yield _ignore
            return
        columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns += [BarColumn(), MofNCompleteColumn(), TaskProgressColumn(), _RateColumn(),
                        TextColumn("eta"), TimeRemainingColumn()]
        else:
            columns += [_CountColumn(), _RateColumn()]
        columns.append(TimeElapsedColumn())
        console = Console(file=self.stream, stderr=True, soft_wrap=True, highlight=False)
        progress = Progress(*columns, console=console, transient=True)
        task = progress.add_task(label, total=total, unit=unit)
        self._progress, self._label = progress, label
        try:
            with progress:

                def advance(n: int = 1) -> None:
                    progress.advance(task, n)

                yield advance
        finally:
            self._progress, self._label = None, None

    @contextmanager
    def phases(self) -> Iterator[PhaseHook]:
        """The library's progress hook (:mod:`kg.progress`) while the block runs: each phase
        it starts is shown, with its total when it has one, until the next one starts."""
        with ExitStack() as shown:

            def on_phase(label: str, total: int | None, unit: str) -> Advance:
                shown.close()  # the phase before it is over
                return shown.enter_context(self.phase(label, total, unit=unit))

            yield on_phase

    def showing(self, label: str) -> bool:
        """Whether the phase shown at the moment is ``label`` (never, when none is shown)."""
        return self._label == label

    def say(self, line: str) -> None:
        """Print a line on stderr, above the progress display if one is shown."""
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(line, file=self.stream)

    def warn(self, line: str) -> None:
        """Print a warning, unless enough of its kind were shown already (then count it)."""
        if self.quiet:
            return
        kind = warning_kind(line)
        seen = self._kinds.get(kind, 0) + 1
        self._kinds[kind] = seen
        if self.verbose or seen <= SHOWN_PER_KIND:
            self.say(line)

    def summary_lines(self) -> list[str]:
        """One line per kind of warning that was counted rather than shown, most frequent first."""
        if self.verbose:
            return []
        counted = sorted(((n, kind) for kind, n in self._kinds.items() if n > SHOWN_PER_KIND),
                         key=lambda item: (-item[0], item[1]))
        return [f"{n} times in all ({SHOWN_PER_KIND} shown; --verbose shows every one): {kind}"
                for n, kind in counted]

    def summarise(self) -> None:
        """Print the counts of the warnings that were not all shown."""
        for line in self.summary_lines():
            self.say(line)
