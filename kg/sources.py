"""Where input documents come from: files (found by walking folders) or uploads, read within
bounds into :class:`Source` records, each named as people should see it and located as its
provenance should record it."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote

from kg.ingest_report import FileResult
from kg.model import ParseError

#: Files are recorded under this URN by their path relative to the folder ingested (a file
#: named alone: by its name), never by where they lie on the ingesting machine.
FILE_URN = "urn:diplomacy-kg:file:"


@dataclass(frozen=True)
class InputFile:
    """A file to ingest; ``named`` is False for files found by walking a folder.

    ``relative`` is its path relative to the folder ingested (for a file named alone, to the
    folder it lies in); provenance records it under ``base_url`` if the user gave one, else
    under :data:`FILE_URN` after that folder's own name (``examples/2007/page.md``), so that
    two folders' ``index.json`` stay two documents.
    """

    path: Path
    named: bool = True
    relative: str | None = None
    base_url: str | None = None
    folder: str = ""

    @property
    def location(self) -> str:
        """The IRI provenance records for this file (and that identifies it in the store)."""
        relative = self.relative or self.path.name
        if self.base_url:
            # The user's URL stands for the folder itself: its name is not repeated.
            base = self.base_url if self.base_url.endswith(("/", "#", ":")) else self.base_url + "/"
            return base + quote(relative, safe="/")
        if self.folder:
            relative = f"{self.folder}/{relative}"
        return FILE_URN + quote(relative, safe="/")



@dataclass(frozen=True)
class Source:
    """A document to ingest, held in memory.

    ``name`` is what people see (results, messages, ``dip:sourcePath``); ``location`` is the
    IRI that provenance records as ``prov:wasDerivedFrom``, and the key by which a changed
    document replaces the graph it gave before. ``named`` is False for files found by walking
    a folder, which are passed over rather than failed when they are not documents.
    """

    name: str
    data: bytes
    location: str
    named: bool = True


#: Upload names are recorded under this URN: a name, never a place on the server's disk.
UPLOAD_URN = "urn:diplomacy-kg:upload:"
_DEFAULT_UPLOAD_NAME = "document.txt"
_MAX_NAME = 255


def upload_name(raw: str) -> str:
    """An upload's name as shown and recorded: no directory part, no control characters."""
    # Clients send Windows paths too; whatever precedes the last separator is theirs, not ours.
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    # Categories C* are controls, format marks (bidi overrides), surrogates and unassigned.
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C")).strip()
    if name in ("", ".", ".."):
        return _DEFAULT_UPLOAD_NAME
    return name[-_MAX_NAME:]  # the end keeps the extension that breaks format ties


def upload_source(name: str, data: bytes) -> Source:
    """An uploaded document: shown and recorded by its sanitised name, located by a URN."""
    shown = upload_name(name)
    return Source(shown, data, UPLOAD_URN + quote(shown, safe=""))


#: The largest input document read (an event page, an article, a WikiTimes file).
MAX_DOCUMENT_BYTES = 64 * 2**20


def recorded_path(location: str) -> str:
    """The path provenance shows for a location: a file's or upload's relative name, or the URL
    the user chose."""
    for urn in (FILE_URN, UPLOAD_URN):
        if location.startswith(urn):
            return unquote(location[len(urn):])
    return location


def read_source(file: InputFile | Path) -> Source:
    """A file's bytes as a source, recorded in provenance by its relative path (see
    :attr:`InputFile.location`), never by its place on this machine.

    Raises:
        ParseError: for a file that cannot be read, naming the file.
    """
    entry = file if isinstance(file, InputFile) else InputFile(file)
    try:
        with entry.path.open("rb") as handle:
            data = _read_at_most(handle, MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}", path=str(entry.path)) from exc
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(f"larger than {MAX_DOCUMENT_BYTES // 2**20} MiB, the limit for one "
                         "document: split it", path=str(entry.path))
    return Source(str(entry.path), data, entry.location, named=entry.named)


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes of a file: one byte past a document's limit, never the whole
    file, so that a huge one is refused without being held in memory."""
    info = os.fstat(handle.fileno())
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device: its size cannot be trusted
        return handle.read(limit)
    # A read of the limit itself allocated 64 MiB a file and cost four times the read of a
    # page (120k files: seconds); a regular file is read by its size, and if it grew since,
    # on to the limit.
    data = handle.read(min(info.st_size + 1, limit))
    if len(data) > info.st_size and len(data) < limit:
        data += handle.read(limit - len(data))
    return data


def decode_text(data: bytes, name: str) -> str:
    """A document's bytes as UTF-8 text, or a ParseError naming it (and the line)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError("not UTF-8 text", path=name, line=line) from exc
    if not text.strip():
        raise ParseError("empty file", path=name)
    return text


def read_text(path: Path) -> str:
    """A file's text as UTF-8, or a ParseError naming the file (and line) that cannot be read."""
    return decode_text(read_source(path).data, str(path))


def collect_files(
    paths: Iterable[str | Path | InputFile], *, base_url: str | None = None
) -> tuple[list[InputFile], list[FileResult]]:
    """The files named by ``paths`` (folders walked, hidden files skipped), and the misses.

    Each file keeps its path relative to the folder walked (a file named alone: its name)
    and that folder's name, which provenance records (see :attr:`InputFile.location`);
    an :class:`InputFile` is kept as it is.
    """
    files: list[InputFile] = []
    missing: list[FileResult] = []
    for raw in paths:
        if isinstance(raw, InputFile):
            files.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            files.extend(
                InputFile(p, named=False, relative=p.relative_to(path).as_posix(),
                          base_url=base_url, folder=path.resolve().name)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(InputFile(path, relative=path.name, base_url=base_url,
                                   folder=path.resolve().parent.name))
        else:
            missing.append(
                FileResult(str(path), "failed", message=f"{path}: no such file or folder")
            )
    return files, missing
