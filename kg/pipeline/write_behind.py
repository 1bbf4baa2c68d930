"""A batch's store write run by a thread while the ingest reads the next batch.

Oxigraph's bulk loader runs without the interpreter lock, and at 10k events the ingesting
thread spent about a sixth of its time waiting for it (bench/RESULTS.md). Only the store's
own write goes to the thread: the gate, the text index's notes and everything else that reads
the store stay in the ingesting thread, after the write before them has finished, so every
decision is taken on the store the one-thread loop would have seen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack


class WriteBehind:
    """One store write at a time, in a thread of its own or in the caller's."""

    def __init__(self) -> None:
        self._thread: ThreadPoolExecutor | None = None
        self._running: tuple[Future[None], ExitStack] | None = None

    def start(self, write: Callable[[], None], around: AbstractContextManager[None], *,
              behind: bool) -> None:
        """Enter ``around`` and start ``write``: in the thread if ``behind``, else now."""
        assert self._running is None, "the write before was not finished"
        stack = ExitStack()
        done: Future[None]
        try:
            stack.enter_context(around)
        except BaseException as exc:  # told by finish, as a failed write is
            done = Future()
            done.set_exception(exc)
            self._running = (done, stack)
            return
        if behind:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="kg-store-write")
            done = self._thread.submit(write)
        else:
            done = Future()
            try:
                write()
            except BaseException as exc:
                done.set_exception(exc)
            else:
                done.set_result(None)
        self._running = (done, stack)

    def finish(self) -> None:
        """Wait for the write, then leave its ``around`` as it ended: raises what it raised."""
        if self._running is None:
            return
        done, stack = self._running
        self._running = None
        try:
            done.result()
        except BaseException as exc:
            if not stack.__exit__(type(exc), exc, exc.__traceback__):
                raise
            return
        stack.close()

    def close(self) -> None:
        """Let a write still running end (the store must not be closed under it; what it
        wrote is whole either way), and stop the thread."""
        with contextlib.suppress(Exception):  # the error that stopped the run is the one told
            self.finish()
        if self._thread is not None:
            self._thread.shutdown()
            self._thread = None
