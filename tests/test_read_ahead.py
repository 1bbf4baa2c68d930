"""Input files are read by a thread ahead of the ingest (kg.pipeline.read_ahead): in their
order, as load_entry gives them, within bounds, and the thread stops when the ingest does."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.pipeline import Ingester
from kg.pipeline.read_ahead import read_ahead
from kg.pipeline.reading import load_entry
from kg.sources import InputFile, Source, collect_files
from kg.store import open_store
from tests.conftest import DATA, EXAMPLES


class _Pulled:
    """Entries handed out one at a time, noting which thread took each."""

    def __init__(self, entries: list[InputFile]) -> None:
        self.entries = entries
        self.threads: list[str] = []

    def __iter__(self) -> Iterator[InputFile]:
        for entry in self.entries:
            self.threads.append(threading.current_thread().name)
            yield entry


def _files(folder: Path, count: int, size: int) -> list[InputFile]:
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:03}.md").write_bytes(b"x" * size)
    return [InputFile(p) for p in sorted(folder.iterdir())]


def _until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)
    return condition()


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kg-read-ahead"]


def test_the_entries_come_in_order_as_load_entry_gives_them(tmp_path: Path) -> None:
    files, _ = collect_files([DATA / "devcorpus"])
    unreadable = InputFile(tmp_path, named=True)  # a folder named as a file: its result
    upload = Source("upload.md", b"# An upload\n", "urn:upload")
    entries: list[Source | InputFile] = [*files[:5], unreadable, upload, *files[5:9]]
    assert list(read_ahead(entries, files=2)) == [load_entry(e) for e in entries]
    assert _until(lambda: not _readers())


def test_files_are_read_by_a_thread_ahead_and_within_the_bound(tmp_path: Path) -> None:
    pulled = _Pulled(_files(tmp_path / "c", 40, 10))
    taken = read_ahead(pulled, files=3)
    first = next(taken)
    assert isinstance(first, Source) and first.name.endswith("000.md")
    # Three read and waiting, one more read and waiting for room; not the forty.
    assert _until(lambda: len(pulled.threads) >= 5)
    time.sleep(0.2)
    assert len(pulled.threads) == 5, pulled.threads
    assert set(pulled.threads) == {"kg-read-ahead"}
    assert len(list(taken)) == 39


def test_what_waits_read_is_bounded_in_bytes(tmp_path: Path) -> None:
    pulled = _Pulled(_files(tmp_path / "c", 20, 1000))
    taken = read_ahead(pulled, files=100, budget=2500)
    next(taken)
    # Two files of 1,000 bytes fit in 2,500; a third is read and waits for room.
    assert _until(lambda: len(pulled.threads) >= 4)
    time.sleep(0.2)
    assert len(pulled.threads) == 4, pulled.threads
    assert len(list(taken)) == 19


def test_the_thread_stops_when_the_reader_stops_early(tmp_path: Path) -> None:
    pulled = _Pulled(_files(tmp_path / "c", 50, 10))
    taken = read_ahead(pulled, files=4)
    next(taken)
    assert _readers()
    taken.close()  # as an ingest stopped by an error or Ctrl-C closes it
    assert not _readers()
    assert len(pulled.threads) < 50


def test_an_error_of_the_entries_comes_after_what_was_read_before_it(tmp_path: Path) -> None:
    files = _files(tmp_path / "c", 3, 10)

    def entries() -> Iterator[InputFile]:
        yield from files
        raise RuntimeError("the listing failed")

    taken = read_ahead(entries())
    assert [item.name for item in (next(taken), next(taken), next(taken))] == [
        str(f.path) for f in files]
    try:
        next(taken)
    except RuntimeError as exc:
        assert "the listing failed" in str(exc)
    else:
        raise AssertionError("the error was lost")


def test_the_ingest_reads_its_files_in_the_read_ahead_thread(tmp_path: Path) -> None:
    """At 100k events the ingesting thread waited about 180 s on file reads queued behind the
    store's own writes; now a thread waits for them."""
    files, _ = collect_files([EXAMPLES])
    pulled = _Pulled(files)
    with open_store(tmp_path / "store") as store:
        results = list(Ingester(store, batch_size=3, link=False).ingest(pulled))
    assert {r.status for r in results} == {"stored"}
    assert len(results) == len(files)
    assert set(pulled.threads) == {"kg-read-ahead"}
