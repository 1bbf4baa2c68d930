"""The RDF formats kg reads and writes: one table of names, media types and file endings.

Every module that names an RDF format (exports, Graph Store bodies, content negotiation,
``kg validate`` files, the service description) looks it up here, so that a format is added
or corrected in one place.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation: how kg names it and how the world recognises it."""

    name: str  # as `kg export -f` and `format=` spell it
    oxigraph: ox.RdfFormat
    media_types: tuple[str, ...]  # its own; the first is sent
    extensions: tuple[str, ...]  # file endings; the first names a download
    datasets: bool  # holds named graphs (quads), not only triples
    prefixes: bool  # can declare prefixes, so exports use the project's
    also_accepted: tuple[str, ...] = ()  # generic media types it answers in negotiation


#: Every format, in the order `kg export` lists them.
FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        # N3 is asked for with its own types (SPARQLWrapper's N3): Turtle is N3 that every
        # N3 reader reads.
        RdfFormat("turtle", ox.RdfFormat.TURTLE, ("text/turtle", "application/x-turtle"),
                  (".ttl", ".turtle"), datasets=False, prefixes=True,
                  also_accepted=("application/turtle", "text/n3", "text/rdf+n3",
                                 "application/n3")),
        RdfFormat("json-ld", ox.RdfFormat.JSON_LD, ("application/ld+json",),
                  (".jsonld", ".json-ld"), datasets=True, prefixes=False,
                  also_accepted=("application/json", "application/x-json+ld")),
        RdfFormat("nquads", ox.RdfFormat.N_QUADS, ("application/n-quads",), (".nq",),
                  datasets=True, prefixes=False),
        RdfFormat("trig", ox.RdfFormat.TRIG, ("application/trig",), (".trig",),
                  datasets=True, prefixes=True),
        RdfFormat("ntriples", ox.RdfFormat.N_TRIPLES, ("application/n-triples",), (".nt",),
                  datasets=False, prefixes=False),
        RdfFormat("rdf-xml", ox.RdfFormat.RDF_XML, ("application/rdf+xml",),
                  (".rdf", ".owl", ".xml"), datasets=False, prefixes=True,
                  also_accepted=("application/xml", "text/xml")),
    )
}

#: Format name -> the pyoxigraph format.
OXIGRAPH_FORMATS: dict[str, ox.RdfFormat] = {name: f.oxigraph for name, f in FORMATS.items()}
#: Format name -> the media type sent for it.
MEDIA_TYPES: dict[str, str] = {name: f.media_types[0] for name, f in FORMATS.items()}
#: A format's own media types (never the generic ones) -> its name: what a body may be.
BY_MEDIA_TYPE: dict[str, str] = {m: f.name for f in FORMATS.values() for m in f.media_types}
#: File ending -> format name.
BY_EXTENSION: dict[str, str] = {e: f.name for f in FORMATS.values() for e in f.extensions}


def download_extension(name: str) -> str:
    """The file ending (without the dot) a download in this format gets."""
    return FORMATS[name].extensions[0].lstrip(".")


#: A local name Turtle and TriG take unescaped (a conservative subset of PN_LOCAL): a
#: prefixed name that would need ``\/`` is not worth its prefix.
_CLEAN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[\w.-]*[\w-])?)?\Z")
_NQUADS_IRI = re.compile(rb'"(?:[^"\\\n]|\\.)*"|<([^>\n]*)>')
#: Larger answers and exports wait on disk, not in memory, while their prefixes are counted.
_SPOOL_MEMORY = 32 * 2**20


def write_rdf(
    items: Iterable[ox.Triple | ox.Quad],
    out: BinaryIO,
    fmt: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    context_url: str | None = None,
) -> None:
    """Write triples or quads in ``fmt``, the one writer of RDF for exports and answers.

    JSON-LD is compacted with the project's context (named by ``context_url``, by default
    its stable URL); formats that declare prefixes declare only those of ``prefixes`` that
    the data uses and that give names needing no escape (so no ``id:place\\/x``: such IRIs
    are written whole). Triple formats take the triples of quads.
    """
    rdf_format = FORMATS[fmt]
    if fmt == "json-ld":
        from kg.jsonld import CONTEXT_URL, write_compact  # it reads the shipped context

        write_compact(items, out, context_url=context_url or CONTEXT_URL)
        return
    if not (rdf_format.prefixes and prefixes):
        _serialize(items, out, rdf_format)
        return
    with tempfile.SpooledTemporaryFile(_SPOOL_MEMORY) as spool:
        ox.serialize(_as_quads(items), spool, ox.RdfFormat.N_QUADS)
        spool.seek(0)
        chooser = _PrefixChooser(prefixes)
        while lines := spool.readlines(_SPOOL_MEMORY // 8):
            chooser.scan(b"".join(lines))
        spool.seek(0)
        _serialize(ox.parse(spool, ox.RdfFormat.N_QUADS), out, rdf_format,
                   prefixes=chooser.chosen())


def _as_quads(items: Iterable[ox.Triple | ox.Quad]) -> Iterator[ox.Quad]:
    for item in items:
        if isinstance(item, ox.Quad):
            yield item
        else:
            yield ox.Quad(item.subject, item.predicate, item.object, ox.DefaultGraph())


def _as_triples(items: Iterable[ox.Triple | ox.Quad]) -> Iterator[ox.Triple]:
    for item in items:
        yield item.triple if isinstance(item, ox.Quad) else item


def _serialize(items: Iterable[ox.Triple | ox.Quad], out: BinaryIO, rdf_format: RdfFormat,
               prefixes: dict[str, str] | None = None) -> None:
    """pyoxigraph's writer, given quads for a dataset format and triples for a triple one."""
    if rdf_format.datasets:
        ox.serialize(_as_quads(items), out, rdf_format.oxigraph, prefixes=prefixes)
    else:
        ox.serialize(_as_triples(items), out, rdf_format.oxigraph, prefixes=prefixes)


class _PrefixChooser:
    """Counts, over a stream of quads, which prefixes their IRIs would be written with."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # pyoxigraph writes an IRI with the longest namespace it starts with.
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.seen: dict[str, tuple[tuple[str, bool], ...]] = {}
        self.patterns: set[tuple[tuple[str, bool], ...]] = set()

    def scan(self, nquads: bytes) -> None:
        """Note the candidate prefixes of every IRI in pyoxigraph's N-Quads."""
        # Finds the IRIs: each literal is matched whole first, so an "<...>" inside one is
        # never taken for an IRI. Nothing is decided by it but which prefixes to declare.
        for iri in set(_NQUADS_IRI.findall(nquads)):
            if iri:  # a literal's match has no IRI group
                self._note(iri.decode("utf-8"))

    def _note(self, iri: str) -> None:
        if iri in self.seen:
            return
        pattern = tuple((prefix, bool(_CLEAN_LOCAL.match(iri, len(namespace))))
                        for prefix, namespace in self.prefixes if iri.startswith(namespace))
        self.seen[iri] = pattern
        if pattern:
            self.patterns.add(pattern)

    def chosen(self) -> dict[str, str]:
        """The prefixes used, without those that would make some name need an escape."""
        kept = {prefix for prefix, _ in self.prefixes}
        while True:
            used: set[str] = set()
            unclean: set[str] = set()
            for pattern in self.patterns:
                for prefix, clean in pattern:
                    if prefix in kept:
                        (used if clean else unclean).add(prefix)
                        break
            if not unclean:
                return {prefix: namespace for prefix, namespace in self.prefixes
                        if prefix in used}
            # Without the prefix those IRIs fall to a shorter one, or are written whole.
            kept -= unclean
