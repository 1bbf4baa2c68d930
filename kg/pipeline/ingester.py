"""Ingest: documents parsed, extracted, mapped, validated and stored, each as one named graph.

The front (:func:`ingest`) and the one writer (:class:`Ingester`); the reading of a document
is in :mod:`kg.pipeline.reading`, the pipeline over worker processes in
:mod:`kg.pipeline.pipelined`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from kg import __version__, derivation
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.ingest_report import FileResult, IngestReport
from kg.link.counts import count_actors
from kg.link.find import LinkReport, link_all, update_links
from kg.link.same_event_store import SameEventReport, link_same_events_all, update_same_events
from kg.mapper import MAPPER_VERSION, Triple, map_triples
from kg.memory import fewer_collections, release_freed_memory
from kg.model import Document
from kg.ontology import ensure_ontology
from kg.pipeline.pending import Pending, Verdicts, gate_documents, sort_by_verdicts
from kg.pipeline.pipelined import ingest_in_workers
from kg.pipeline.read_ahead import read_ahead
from kg.pipeline.reading import ReadDocument, prepare_document, read_document
from kg.pipeline.resume import finish_inference
from kg.pipeline.write_behind import WriteBehind
from kg.pipeline.written_context import WrittenContext, written_context
from kg.progress import Progress, no_progress
from kg.provenance import provenance_triples
from kg.search import IndexWriter
from kg.sources import InputFile, Source, collect_files
from kg.store import NotAStore, Store, StoreClosed, StoreError
from kg.validate import gate as shacl_gate
from kg.vocab import DEFAULT_BASE, PREFIXES

# The names other modules have imported from here, before the reading and the pipeline moved.
__all__ = ["SOFTWARE_IRI", "Gate", "Ingester", "Pending", "ReadDocument", "Verdicts",
           "gate_documents", "ingest", "prepare_document", "read_document"]
_Pending = Pending

SOFTWARE_IRI = f"https://w3id.org/diplomacy-kg/software/{__version__}"

#: A validation step: returns the problems that must keep a document out of the store.
Gate = Callable[[Document, Sequence[Triple]], Sequence[str]]


class Ingester:
    """Ingests files into a store, one named graph per document, all or nothing per document."""

    def __init__(
        self,
        store: Store,
        *,
        base: str = DEFAULT_BASE,
        gazetteer: Gazetteer | None = None,
        gate: Gate | None = None,
        batch_size: int = 100,
        force: bool = False,
        validate: bool = True,
        link: bool = True,
        workers: int = 1,
        progress: Progress = no_progress,
    ) -> None:
        self.store = store
        #: Told of the phases after the documents: the text index, the links (kg.progress).
        self.progress = progress
        #: Worker processes that read and gate documents (kg.pipeline.parallel); 1: none.
        self.workers = workers
        #: Batches a worker gated with stored facts that changed before they were written,
        #: so gated again by this process.
        self.gated_again = 0
        self.validate = validate
        self.link = link
        #: What keeping the article-event links current did at the end of the last ingest.
        self.link_report: LinkReport | None = None
        #: What keeping the same-event links current did (kg.link.same_event_store).
        self.same_event_report: SameEventReport | None = None
        self._changed: set[str] = set()  # document graphs written or dropped, to relink
        self._written: WrittenContext | None = None  # the gate's context, while it stands in
        self._writes = WriteBehind()  # a batch's store write, run while the next is read
        # The batch whose write has begun and whose results are not given yet.
        self._writing: tuple[list[Pending], Mapping[str, list[Triple]]] | None = None
        # The records of the derived data as they were before this ingest's first write.
        self._records: dict[derivation.Derivation, derivation.Record] | None = None
        self.base = base
        self.gazetteer = gazetteer or load_gazetteer()
        self.gate = gate
        self.batch_size = batch_size
        self.force = force
        self._known = self._stored_documents() if not force else {}
        # The text index is derived from the documents, in the same ingest (kg.search): made
        # again here first if it was not derived from those the store holds.
        self._index = IndexWriter(store, None if force else {
            graph: fingerprint for graph, (fingerprint, _) in self._known.items()},
            progress=progress)
        self._batch: set[str] = set()  # graph IRIs of the documents awaiting the gate
        self._by_path: dict[str, list[str]] = {}
        for graph_iri, (_, location) in self._known.items():
            self._by_path.setdefault(location, []).append(graph_iri)

    @property
    def context_store(self) -> Store:
        """Where the gate finds the stored facts a batch links to: the store, or, while an
        ingest into a store that held none runs, the facts it wrote
        (:mod:`kg.pipeline.written_context`)."""
        return self._written.store if self._written is not None else self.store

    def _stored_documents(self) -> dict[str, tuple[str, str]]:
        """Graph IRI -> (content hash + mapper version, source location) of stored documents."""
        result = self.store.query(
            "PREFIX dip: <" + PREFIXES["dip"] + ">\n"
            "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
            "SELECT ?g ?hash ?version ?location WHERE { GRAPH ?g {"
            " ?g dip:contentHash ?hash ; dip:mapperVersion ?version ;"
            " prov:wasDerivedFrom ?location } }"
        )
        return {str(g): (f"{h}/{v}", str(loc)) for g, h, v, loc in result.rows if g is not None}

    def ingest(
        self, entries: Iterable[Source | InputFile | Path], *, format: str | None = None
    ) -> Iterator[FileResult]:
        """Ingest sources and files, yielding one result per entry as soon as it is known.

        Files are read one at a time, as their turn comes, so a large folder is never held
        in memory whole.
        """
        ensure_ontology(self.store)
        self._written = written_context(self.store) if self.validate else None
        try:
            if self.workers > 1:
                yield from ingest_in_workers(self, entries, format)
            else:
                yield from self._ingest_here(entries, format)
        except BaseException:
            self._writes.close()  # a write still running ends before the store may be closed
            self._index.close()  # the facts it gathered for the text index: the next run
            raise  # (ensure_current) makes the index again from the store
        finally:
            self._writes.close()  # its thread stops
            if self._written is not None:
                self._written.close()
                self._written = None
        # A first ingest of a corpus is written by the bulk loader, and reads of its files as
        # written were 10-20% slower; still, the store compacts in a thread while this one makes
        # the text index (of its own scratch file) and then derives the links: waiting for the
        # compaction first left a core idle for minutes at 100k events.
        with ThreadPoolExecutor(1, thread_name_prefix="kg-compact") as thread:
            compacting = (thread.submit(self.store.compact) if self.store.needs_compaction()
                          else None)
            self._index.finish(progress=self.progress)
            self._derive_links()
            if compacting is not None:
                advance = self.progress("compacting the store", 1, "steps")
                compacting.result()  # a store that could not compact says so
                advance(1)

    def _derive_links(self) -> None:
        """Bring the article-event and same-event links up to date with what was ingested."""
        records, self._records = self._records or derivation.read_records(self.store), None
        if self.link and records[derivation.LINKS].status != derivation.CURRENT:
            # A run died before the links were current (or never computed them): whichever
            # documents it wrote, every article and every day's same events are linked anew.
            # The same-event links go first: the links' record, current once link_all ends,
            # stands for both.
            self.same_event_report = link_same_events_all(self.store, software=SOFTWARE_IRI,
                                                          progress=self.progress)
            self.link_report = link_all(self.store, software=SOFTWARE_IRI,
                                        progress=self.progress)
        elif self.link and self._changed:
            # Links are derived from the documents: those of new or changed articles, of
            # articles that may report the new events, and of links derived from a replaced
            # or dropped document are computed anew, once for the whole ingest; so are the
            # same-event links of the days of the events they describe.
            self.link_report = update_links(self.store, self._changed, software=SOFTWARE_IRI,
                                            progress=self.progress)
            self.same_event_report = update_same_events(self.store, self._changed,
                                                        software=SOFTWARE_IRI,
                                                        progress=self.progress)
            count_actors(self.store)  # derived with the links: current when they are
            derivation.finish(self.store, derivation.LINKS)
        self._changed = set()

    def _ingest_here(self, entries: Iterable[Source | InputFile | Path],
                     format: str | None) -> Iterator[FileResult]:
        """Read, check and write the entries in this process, a batch at a time: each batch's
        store write runs while the next is read (:mod:`kg.pipeline.write_behind`)."""
        pending: list[Pending] = []
        held: list[FileResult] = []  # known while a batch is written: told after its results
        for source in read_ahead(entries):  # files read by a thread while this one works
            item = source if isinstance(source, FileResult) else self._prepare(source, format)
            if isinstance(item, FileResult):
                if self._writing is not None:
                    held.append(item)
                else:
                    yield item
                continue
            pending.append(item)
            if len(pending) >= self.batch_size:
                yield from self._settle()
                yield from held
                held.clear()
                yield from self._flush(pending, behind=True)
                pending = []
        yield from self._settle()
        yield from held
        yield from self._flush(pending)

    def _prepare(self, source: Source, format: str | None) -> Pending | FileResult:
        read = read_document(source, format, gazetteer=self.gazetteer, base=self.base,
                             with_triples=False)
        return read if isinstance(read, FileResult) else self._admit(read)

    def _admit(self, read: ReadDocument) -> Pending | FileResult:
        """What a read document becomes against what is stored: unchanged, or to store."""
        doc, name, location, graph_iri = read.doc, read.name, read.location, read.graph_iri
        fingerprint = f"{doc.content_hash}/{MAPPER_VERSION}"
        events, articles = len(doc.events), len(doc.articles)
        known = self._known.get(graph_iri)
        if known is not None and known[0] == fingerprint:
            unchanged = FileResult(name, "unchanged", events=events, articles=articles)
            if graph_iri in self._batch:  # its twin may yet fail the gate: share its fate
                return Pending(unchanged, graph_iri, [], [], duplicate=True)
            return unchanged
        triples = read.triples if read.triples is not None else list(
            map_triples(doc, base=self.base))
        if self.gate is not None:
            problems = self.gate(doc, triples)
            if problems:
                return FileResult(name, "failed", message="\n".join(problems))
        triples.extend(
            provenance_triples(
                graph_iri,
                doc,
                location=location,
                ingested_at=datetime.now(UTC),
                software=SOFTWARE_IRI,
            )
        )
        # The same file may have described something else before it was edited:
        # its old graph goes too, so no stale triples remain.
        stale = [g for g in self._by_path.get(location, []) if g != graph_iri]
        before = (self._known.get(graph_iri), self._by_path.get(location))
        self._known[graph_iri] = (fingerprint, location)
        self._by_path[location] = [graph_iri]
        result = FileResult(name, "stored", triples=len(triples), events=events, articles=articles)
        self._batch.add(graph_iri)
        return Pending(result, graph_iri, triples, stale, location, *before)

    def _flush(
        self, pending: list[Pending], found: Verdicts | None = None, *, behind: bool = False
    ) -> Iterator[FileResult]:
        """Gate (unless ``found`` holds the gate's results already), write, and give results.

        ``behind``: the store write runs in a thread, and its documents' results come from
        :meth:`_settle` once it has finished. The write before must have been settled (the
        ingest loop does it first): the gate and the text index read the store as it left it.
        """
        self._batch = set()
        graphs = self._prepared(pending)
        if pending and self.validate:
            pending, rejected = self._check(pending, found, getattr(graphs, "merged", None))
            yield from rejected
            if rejected:
                graphs = self._prepared(pending)
        if not pending:
            return
        self._writing = (pending, graphs)
        self._begin_write(graphs, behind=behind)
        if not behind:
            yield from self._settle()

    def _settle(self) -> Iterator[FileResult]:
        """Finish the batch write begun last, and give its documents' results."""
        if self._writing is None:
            return
        pending, graphs = self._writing
        self._writing = None
        try:
            self._writes.finish()
        except (NotAStore, StoreClosed):
            raise  # no document can go in: the run stops
        except StoreError:
            if len(pending) == 1 or self.store.write_failure is not None:
                raise  # the store cannot write (a full disk): no document is to blame
            # Find the document the store refused; the others still go in.
            for item in pending:
                try:
                    self._write(self._graphs([item]))
                except StoreError as exc:
                    yield dataclasses.replace(
                        item.result,
                        status="failed",
                        triples=0,
                        message=f"{item.result.path}: store refused it: {exc}",
                    )
                else:
                    yield item.result
            return
        self._wrote(graphs)
        yield from (item.result for item in pending)
        release_freed_memory()  # a batch's terms and quads: else the heap grows with the run

    def _check(
        self, pending: list[Pending], found: Verdicts | None = None,
        merged: str | None = None,
    ) -> tuple[list[Pending], list[FileResult]]:
        """The SHACL gate: one validation run for the whole batch (pySHACL's fixed cost is
        high), with the stored facts the cross-document shapes need about its nodes.

        ``merged``: the batch's distinct triples as N-Triples, written once for the gate and
        the store.
        """
        if found is None:
            found = shacl_gate(self.context_store, gate_documents(pending), merged=merged)
        kept, rejected, refused = sort_by_verdicts(pending, found)
        for item in refused:
            self._forget(item)
        return kept, rejected

    def _forget(self, item: Pending) -> None:
        """Undo what _prepare recorded for a document that was not stored."""
        if item.known_before is None:
            self._known.pop(item.graph_iri, None)
        else:
            self._known[item.graph_iri] = item.known_before
        if item.paths_before is None:
            self._by_path.pop(item.location, None)
        else:
            self._by_path[item.location] = item.paths_before

    @staticmethod
    def _graphs(pending: list[Pending]) -> dict[str, list[Triple]]:
        """What writing some documents does: each one's graph, and its file's stale graphs
        emptied."""
        graphs: dict[str, list[Triple]] = {}
        for item in pending:
            if item.duplicate:
                continue
            for stale in item.stale:
                graphs.setdefault(stale, [])
            graphs[item.graph_iri] = item.triples
        return graphs

    def _prepared(self, pending: list[Pending]) -> Mapping[str, list[Triple]]:
        """The graphs of some documents, prepared for the store (and the gate) if it can."""
        graphs = self._graphs(pending)
        try:
            return self.store.prepare_graphs(graphs)
        except StoreError:  # a term the store refuses: the write finds whose it is
            return graphs

    def _begin_write(self, graphs: Mapping[str, list[Triple]], *, behind: bool) -> None:
        """Start writing some graphs (in the write thread if ``behind``); the text index
        notes what they replace first."""
        first = self._records is None

        def write() -> None:
            if first:  # the first write: the derived data stops being current
                self._records = derivation.documents_changing(self.store)
            self.store.replace_graphs(graphs)

        self._writes.start(write, self._index.writing(graphs), behind=behind)

    def _wrote(self, graphs: Mapping[str, list[Triple]]) -> None:
        """Note graphs written: the gate's written context, and the documents to relink."""
        if self._written is not None:
            self._written.wrote(graphs)
        self._changed.update(graphs)

    def _write(self, graphs: Mapping[str, list[Triple]]) -> None:
        self._begin_write(graphs, behind=False)
        self._writes.finish()
        self._wrote(graphs)


def ingest(
    store: Store,
    sources: Iterable[Source | str | Path],
    *,
    format: str | None = None,
    base: str = DEFAULT_BASE,
    gazetteer: Gazetteer | None = None,
    gate: Gate | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    validate: bool = True,
    link: bool = True,
    workers: int | None = None,
    progress: Progress = no_progress,
) -> IngestReport:
    """Ingest documents into ``store`` and report what happened to each.

    A source is a document held in memory (:class:`Source`: name, bytes, location) or a path:
    a file is read into a Source recorded by its path and ``file:`` IRI, a folder gives its
    files. A document is identified by its content: the same text again is "unchanged",
    whatever its name. With ``validate`` (the default) each document is checked against the
    SHACL shapes first: one with violations is not stored, one with warnings is stored and its
    result carries them. With ``link`` (the default) the article-event links that the stored
    documents may change are computed anew afterwards (see kg.link.find), and so are the
    same-event links of the days their events fall on (kg.link.same_event_store); all of them
    if an earlier run died before they were current. An inference that died halfway is run
    again at the end (:mod:`kg.derivation` records both). ``workers`` processes read and gate
    the documents (:mod:`kg.pipeline.parallel`; by default none): the results and the store
    are the same whatever their number. ``progress`` (:mod:`kg.progress`) is told of the phases
    after the last document: the text index, the links, an inference run again.
    """
    entries: list[Source | InputFile] = []
    known: list[FileResult] = []
    for source in sources:
        if isinstance(source, Source):
            entries.append(source)
        else:
            files, missing = collect_files([source])
            entries += files
            known += missing
    report = IngestReport(results=list(known), triples_before=store.triple_count())
    if on_result is not None:
        for result in known:
            on_result(result)
    if workers is None:
        # One process unless asked: with the compiled gate, 1,000 events took 25 s in one
        # process and 36 s with two workers (the pickling and the second writer-side pass
        # cost more than the gate they share out; bench/RESULTS.md).
        workers = 1
    ingester = Ingester(store, base=base, gazetteer=gazetteer, gate=gate, validate=validate,
                        link=link, workers=workers, progress=progress)
    try:
        with fewer_collections():
            for result in ingester.ingest(entries, format=format):
                report.results.append(result)
                if on_result is not None:
                    on_result(result)
        finish_inference(store, progress=progress)
    except StoreError as exc:
        # The store cannot go on (unreachable, a full disk, not a store): what was stored
        # stays, and the report says where the run stopped.
        report.error = str(exc)
    report.links = ingester.link_report
    try:
        report.triples_after = store.triple_count()
    except StoreError:
        report.triples_after = report.triples_before
    return report

