"""Input files read by a thread ahead of the ingest, in their order.

A file read waits on the disk, and the disk of a large ingest is busy with the store's own
writes and compactions: at 100k events the ingesting thread spent about 180 s of its run
waiting for reads of files of a few kilobytes (bench/RESULTS.md). A thread reading ahead
waits instead, while the ingest works. What is read ahead is bounded, in files and in bytes,
so a folder of large documents is not held in memory.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.ingest_report import FileResult
from kg.pipeline.reading import load_entry
from kg.sources import InputFile, Source

#: At most this many files wait, read, for the ingest to take them.
AHEAD_FILES = 64
#: And at most this many bytes (one file waits whatever its size).
AHEAD_BYTES = 32 * 2**20

Loaded = Source | FileResult


def read_ahead(entries: Iterable[Source | InputFile | Path], *, files: int = AHEAD_FILES,
               budget: int = AHEAD_BYTES) -> Iterator[Loaded]:
    """Each entry as :func:`~kg.pipeline.reading.load_entry` gives it, in order, read by a
    thread ahead of the caller: at most ``files`` files and ``budget`` bytes wait, and the
    thread holds one more it has read until there is room for it."""
    reader = _Reader(entries, files, budget)
    thread = threading.Thread(target=reader.run, name="kg-read-ahead", daemon=True)
    thread.start()
    try:
        yield from reader.take()
    finally:
        reader.stop()  # the caller stopped early (an error, Ctrl-C): the thread stops too
        thread.join()


def _size(item: Loaded) -> int:
    return len(item.data) if isinstance(item, Source) else 0


class _Reader:
    """The files read and waiting, shared by the reading thread and the taking one."""

    def __init__(self, entries: Iterable[Source | InputFile | Path], files: int,
                 budget: int) -> None:
        self._entries = entries
        self._files = files
        self._budget = budget
        self._ready: deque[Loaded] = deque()
        self._bytes = 0
        self._done = False
        self._stopped = False
        self._error: BaseException | None = None
        self._changed = threading.Condition()

    def run(self) -> None:
        """Read every entry in turn, waiting while the bounds are reached (the thread's body)."""
        try:
            for entry in self._entries:
                loaded = load_entry(entry)
                size = _size(loaded)
                with self._changed:
                    while self._ready and not self._stopped and (
                            len(self._ready) >= self._files
                            or self._bytes + size > self._budget):
                        self._changed.wait()
                    if self._stopped:
                        return
                    self._ready.append(loaded)
                    self._bytes += size
                    self._changed.notify_all()
        except BaseException as exc:  # raised to the caller, after what was read before it
            with self._changed:
                self._error = exc
        finally:
            with self._changed:
                self._done = True
                self._changed.notify_all()

    def take(self) -> Iterator[Loaded]:
        """What was read, in order, as it is read."""
        while True:
            with self._changed:
                while not self._ready and not self._done:
                    self._changed.wait()
                if not self._ready:
                    if self._error is not None:
                        raise self._error
                    return
                item = self._ready.popleft()
                self._bytes -= _size(item)
                self._changed.notify_all()
            yield item

    def stop(self) -> None:
        """Have the thread stop after the read it is doing."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
