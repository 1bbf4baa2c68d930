"""What an ingest did: a result per input file, and the summary of the whole run."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.link.find import LinkReport


@dataclass(frozen=True)
class FileResult:
    """What happened to one input file."""

    path: str
    status: str  # "stored", "unchanged", "failed" or "skipped"
    triples: int = 0
    events: int = 0
    articles: int = 0
    message: str = ""
    warnings: tuple[str, ...] = ()  # what the shapes found weak; the document was stored


@dataclass
class IngestReport:
    """The summary printed after an ingest."""

    results: list[FileResult] = field(default_factory=list)
    triples_before: int = 0
    triples_after: int = 0
    links: LinkReport | None = None  # the article-event links computed anew, if any
    error: str | None = None  # why the run stopped before its end (the store failed)

    def count(self, status: str) -> int:
        """How many files ended with ``status``."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def failures(self) -> list[FileResult]:
        """The files that could not be ingested, with their messages."""
        return [r for r in self.results if r.status == "failed"]

    @property
    def triples_added(self) -> int:
        """Growth of the store's distinct triples over this ingest."""
        return self.triples_after - self.triples_before
