"""A fault for tests: the process dies right after its Nth write to a store.

Set ``KG_FAULT_AFTER=N`` and the process hard-exits (``os._exit(137)``, as a kill -9 would
end it, with nothing flushed or cleaned up) just after the Nth write call that reaches a
store: a SPARQL update, a transaction of added quads, a bulk load, a removed quad. Set
``KG_FAULT_COUNT_FILE=PATH`` and the number of writes so far is kept in that file, so that a
test learns how many writes a clean run makes and of which kind (a line each: ``update``,
``extend``, ``bulk-load``, ``remove``). Both are read here only, once; unset, a write costs
one comparison.
"""

from __future__ import annotations

import os
from pathlib import Path

_AFTER = int(os.environ.get("KG_FAULT_AFTER", "0") or 0)
_COUNT_FILE = os.environ.get("KG_FAULT_COUNT_FILE") or None
_ON = bool(_AFTER or _COUNT_FILE)
_count = 0


def wrote(kind: str) -> None:
    """Count one write to a store; die here if it is the one ``KG_FAULT_AFTER`` names."""
    if not _ON:
        return
    global _count
    _count += 1
    if _COUNT_FILE is not None:
        with Path(_COUNT_FILE).open("a", encoding="utf-8") as log:
            log.write(kind + "\n")
    if _count == _AFTER:
        os._exit(137)
