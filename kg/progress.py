"""The one progress protocol of the library's long phases, for whoever shows them.

A long function takes ``progress=`` (a :data:`Progress`), calls it once as each phase
starts, with the phase's name, its total (None when it cannot be known beforehand) and the
unit it counts in, and calls the ``advance(n)`` that it returns as work is done. A phase ends
when the next one starts or when the function returns. The default, :func:`no_progress`,
shows nothing, so the library behaves the same whether anyone watches or not. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Tell a phase that ``n`` more of its items are done.
Advance = Callable[[int], None]
#: ``progress(name, total, unit)`` starts a phase and returns its :data:`Advance`.
Progress = Callable[[str, int | None, str], Advance]


def _ignore(_n: int = 1) -> None:
    """The advance of a phase nobody watches."""


def no_progress(_name: str, _total: int | None, _unit: str) -> Advance:
    """The default progress: every phase unwatched."""
    return _ignore


def tally(progress: Progress, name: str, unit: str) -> Callable[[int, int], None]:
    """A ``(done, total)`` callback (as :func:`kg.pipeline.store_validation.validate_store`
    takes) that reports to ``progress`` as the phase ``name``, started at its first call."""
    advance: Advance | None = None
    reported = 0

    def told(done: int, total: int) -> None:
        nonlocal advance, reported
        if advance is None:  # the total is known only once the callee has counted its work
            advance = progress(name, total, unit)
        if done > reported:
            advance(done - reported)
            reported = done

    return told


def counted(items: Iterable[T], advance: Advance, every: int = 1000) -> Iterator[T]:
    """``items`` as they are, telling ``advance`` every ``every`` of them and at the end."""
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending == every:
            advance(pending)
            pending = 0
    if pending:
        advance(pending)
