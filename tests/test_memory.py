"""Freed memory given back to the system after each ingest batch (issue 14: ingest's
resident size grew with what it had written)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import pytest

from kg.memory import release_freed_memory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def test_free_pages_inside_the_heap_go_back_to_the_system() -> None:
    """Blocks freed below one still in use stay in the heap until trimmed."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    blocks = [libc.malloc(2048) for _ in range(100_000)]  # 200 MB, under the mmap threshold
    for block in blocks:
        libc.memset(block, 1, 2048)  # touched: resident
    for block in blocks[:-1]:
        libc.free(block)  # the last one holds the heap's top in place
    before = _rss_mb()
    assert release_freed_memory()
    after = _rss_mb()
    libc.free(blocks[-1])
    assert before - after > 100, (before, after)

