"""A store that writes again once a write failed for want of disk, without a restart."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from kg.store.errors import StoreError

_Method = TypeVar("_Method", bound=Callable[..., Any])


def recovering(method: _Method) -> _Method:
    """A write that, after an I/O error (a full disk), reopens the store at its next call.

    RocksDB refuses every write after a failed one until it is reopened, however much space
    is free again; the failure is kept for /health (``write_failure``) until a write succeeds.
    """

    @functools.wraps(method)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.write_failure is not None and self.path is not None and (
                self._store is not None or self._broken):
            self._reopen()
        try:
            result = method(self, *args, **kwargs)
        except StoreError as exc:
            if isinstance(exc.__context__, OSError):
                self.write_failure = str(exc)
            raise
        self.write_failure = None
        return result

    return write  # type: ignore[return-value]
