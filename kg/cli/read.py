"""Commands that read the store: export, query, queries, stats."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import click
from rdflib import Graph

from kg.cli import base
from kg.cli.base import (
    EXPORT_FORMATS,
    Context,
    cli,
    fail,
    pass_context,
    user_errors,
)
from kg.cli.progress import Reporter
from kg.pipeline.tables import TABLES
from kg.queries import NamedQuery, bind_params, load_queries, query_text, store_stats, to_term
from kg.results import FORMATS as RESULT_FORMATS
from kg.results import format_table
from kg.sparql.analysis import SparqlRefused, read_query
from kg.sparql.parse import SparqlSyntaxError
from kg.store import QueryResult
from kg.vocab import PREFIXES


@cli.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice((*EXPORT_FORMATS, "parquet")),
    default="turtle",
    show_default=True,
    help="An RDF format, or parquet: the events, participants and sources tables (-o FOLDER).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write here instead of stdout (for parquet: the folder of the tables' files).",
)
@click.option("--graph", help="Export only this named graph.")
@pass_context
def export(state: Context, fmt: str, output: Path | None, graph: str | None) -> None:
    """Export the graph, streamed from the store.

    Triple formats (turtle, ntriples, rdf-xml) hold the union of all documents;
    quad formats (nquads, trig, json-ld) keep each document's named graph. parquet
    writes the analysts' tables, events.parquet, participants.parquet and
    sources.parquet (defined by the queries in queries/tables/), into a folder.

    Example:

    \b
        kg export --format json-ld -o graph.jsonld
        kg export -f parquet -o tables/
    """
    if fmt == "parquet":
        _export_tables(state, output, graph)
        return
    with user_errors():
        store = state.existing_store
        if graph is not None and graph not in set(store.named_graphs()):
            fail(f"there is no graph <{graph}> in {store.url} (`kg query documents` lists "
                 "the document graphs)")
        with Reporter().phase("exporting", unit="KiB") as advance:
            if output is None:
                counted = _Counted(sys.stdout.buffer, advance)
                store.dump(counted, fmt, graph=graph, prefixes=PREFIXES)  # type: ignore[arg-type]
                sys.stdout.buffer.flush()
            else:
                _write_atomically(output, lambda out: store.dump(
                    _Counted(out, advance), fmt, graph=graph,  # type: ignore[arg-type]
                    prefixes=PREFIXES))
        if output is not None:
            click.echo(f"wrote {output}", err=True)


class _Counted:
    """A binary stream that tells the progress display every KiB written through it."""

    def __init__(self, out: BinaryIO, advance: Callable[[int], None]) -> None:
        self._out = out
        self._advance = advance
        self._pending = 0

    def write(self, data: bytes) -> int:
        written = self._out.write(data)
        self._pending += len(data)
        if self._pending >= 1024:
            self._advance(self._pending // 1024)
            self._pending %= 1024
        return written

    def flush(self) -> None:
        self._out.flush()


def _export_tables(state: Context, output: Path | None, graph: str | None) -> None:
    """kg export -f parquet: the analysts' tables as Parquet files in the folder ``output``."""
    from kg.pipeline.tables import write_parquet

    if output is None:
        fail("parquet writes one file per table: give the folder with -o, e.g. -o tables/")
    if graph is not None:
        fail("--graph does not apply to parquet: the tables are read from the merged graph")
    if output.exists() and not output.is_dir():
        fail(f"{output} is a file: parquet writes a folder of tables")
    store = state.existing_store
    out = Reporter()
    with user_errors(), out.phase("exporting tables", len(TABLES), unit="tables") as advance:

        def done(name: str, rows: int) -> None:
            out.say(f"{name}: {rows} rows")
            advance(1)

        try:
            written = write_parquet(store, output, on_table=done)
        except ImportError as exc:
            fail(str(exc))
    click.echo(f"wrote {', '.join(str(path) for path in written)}", err=True)


def _write_atomically(output: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write to a temporary file beside ``output`` and rename it over ``output`` only once
    everything is written: a failed export leaves the old file as it was."""
    folder = output.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _resolve_query(text: str, named: dict[str, NamedQuery]) -> tuple[str, NamedQuery | None]:
    path = Path(text)
    if text.endswith(".rq") and path.is_file():
        return path.read_text(encoding="utf-8"), None
    if text in named:
        return named[text].text, named[text]
    if any(word in text.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        return text, None
    fail(
        f"no named query {text!r} and not a SPARQL query or .rq file; "
        f"named queries: {', '.join(named)}"
    )


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"--param takes name=value, got {pair!r}")
        values[name.strip()] = value
    return values


@cli.command()
@click.argument("query")
@click.option(
    "-p", "--param", "params", multiple=True, help="A parameter value, name=value; may be repeated."
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True
)
@pass_context
def query(state: Context, query: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a SPARQL query: its text, a .rq file, or the name of a named query.

    Parameters are bound as RDF terms, never pasted into the query text.

    Example:

    \b
        kg query events_with_two_actors -p actor1="George W. Bush" -p actor2="Vladimir Putin"
    """
    named = load_queries()
    text, named_query = _resolve_query(query, named)
    values = _parse_params(params)
    try:
        read_query(text)  # the grammar and the bounds; SERVICE is refused: kg never fetches
    except (SparqlSyntaxError, SparqlRefused) as exc:
        fail(str(exc))
    store = state.existing_store
    if base.sandboxed_process and not store.remote:
        from kg.sandbox import forbid_network

        forbid_network()  # and should the analysis miss one, the store cannot connect
    with user_errors():
        if named_query is not None:
            bindings = bind_params(named_query, values, store=store)
            text = query_text(named_query, store)
        else:
            bindings = {name: to_term(value) for name, value in values.items()}
        if fmt != "table":
            # For programs: pyoxigraph's serialisers, as the endpoint answers (a graph as Turtle).
            raw = store.query_raw(text, results_format=fmt, bindings=bindings)
            out = sys.stdout.buffer
            out.write(raw.body)
            if not raw.body.endswith(b"\n"):
                out.write(b"\n")
            return
        result = store.query(text, bindings=bindings)
    click.echo(_render(result))


def _render(result: QueryResult) -> str:
    if result.kind == "graph":
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for triple in result.triples:
            graph.add(triple)
        return graph.serialize(format="turtle")
    return format_table(result)


@cli.command("queries")
def list_queries() -> None:
    """List the named queries with their parameters.

    Example:

    \b
        kg queries
    """
    for name, named in load_queries().items():
        click.echo(f"{name}: {named.title}")
        click.echo(f"    {named.description}")
        for param in named.params:
            default = f", default {param.default!r}" if param.default is not None else ""
            within = f", within {'..'.join(param.within)}" if param.within else ""
            click.echo(f"    --param {param.name}=...  ({param.type}{within}{default}) "
                       f"{param.description}")




@cli.command()
@pass_context
def stats(state: Context) -> None:
    """Count what the store holds.

    Example:

    \b
        kg stats
    """
    with user_errors():
        counts = store_stats(state.existing_store)
    width = max(len(k) for k in counts)
    for key, value in counts.items():
        click.echo(f"{key.ljust(width)}  {value}")


