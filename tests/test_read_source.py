"""Reading an input file (kg.sources.read_source): whole up to the limit, refused past it, and
at the cost of the file, not of the limit (issue 14: 120k files each allocated 64 MiB)."""

from __future__ import annotations

import contextlib
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

import kg.sources
from kg.model import ParseError
from kg.sources import InputFile, read_source


def test_a_small_file_costs_its_size_not_the_limit(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"x" * 5000)
    tracemalloc.start()
    try:
        source = read_source(InputFile(page))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert source.data == b"x" * 5000
    assert peak < 1_000_000  # was the limit, 64 MiB


@pytest.mark.parametrize(("size", "refused"), [(0, False), (999, False), (1000, False),
                                               (1001, True), (5000, True)])
def test_a_regular_file_is_read_whole_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, refused: bool
) -> None:
    monkeypatch.setattr(kg.sources, "MAX_DOCUMENT_BYTES", 1000)
    page = tmp_path / "page.md"
    page.write_bytes(b"y" * size)
    if refused:
        with pytest.raises(ParseError, match="larger than") as caught:
            read_source(InputFile(page))
        assert str(page) in str(caught.value)
    else:
        assert read_source(InputFile(page)).data == b"y" * size


@pytest.mark.parametrize(("size", "refused"), [(900, False), (4000, True)])
def test_a_pipe_is_read_to_the_limit_whatever_size_it_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, refused: bool
) -> None:
    monkeypatch.setattr(kg.sources, "MAX_DOCUMENT_BYTES", 1000)
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)

    def feed() -> None:
        # The reader stops at the limit: the rest finds the pipe closed.
        with contextlib.suppress(BrokenPipeError), pipe.open("wb") as out:
            out.write(b"z" * size)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        if refused:
            with pytest.raises(ParseError, match="larger than"):
                read_source(InputFile(pipe))
        else:
            assert read_source(InputFile(pipe)).data == b"z" * size
    finally:
        writer.join(timeout=10)
