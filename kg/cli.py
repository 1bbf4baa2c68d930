"""The ``kg`` command: a thin click layer over the library."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import click
from rdflib import Graph

from kg import __version__
from kg.extract.gazetteer import load_gazetteer
from kg.link.find import link_all
from kg.model import ParseError
from kg.pipeline import SOFTWARE_IRI, FileResult, ingest_paths, read_graph, validate_store
from kg.queries import NamedQuery, QueryParamError, bind_params, load_queries, to_term
from kg.rdffile import RDF_FORMATS
from kg.rdfio import FORMATS
from kg.reason import ENGINES, INFERRED_GRAPH, infer
from kg.results import FORMATS as RESULT_FORMATS
from kg.results import format_result
from kg.sparql.analysis import SparqlRefused, read_query
from kg.sparql.parse import SparqlSyntaxError
from kg.stats import store_stats
from kg.store import QueryResult, Store, StoreError, open_store
from kg.validate import INFERENCE, REPORT_FORMATS, ShapesError, load_shapes, merge_reports
from kg.validate import validate as validate_graph
from kg.vocab import DEFAULT_BASE, PREFIXES

EXPORT_FORMATS = tuple(FORMATS)
INPUT_FORMATS = ("event-page", "day-index", "article", "wikitimes")
DEFAULT_STORE = "kg-store"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for people (no traceback) and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def user_errors(code: int = 1) -> Iterator[None]:
    """Turn the library's expected errors into one-line messages and an exit code."""
    try:
        yield
    except (StoreError, QueryParamError, ParseError) as exc:
        fail(str(exc), code)
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), code)


class Context:
    """What every command needs: the store (opened on first use) and the IRI base."""

    def __init__(self, store_url: str, base: str) -> None:
        self.store_url = store_url
        self.base = base
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The store, created if it does not exist yet (for commands that write)."""
        return self._open(create=True)

    @property
    def existing_store(self) -> Store:
        """The store, which must exist (for commands that only read)."""
        return self._open(create=False)

    def _open(self, *, create: bool) -> Store:
        if self._store is None:
            with user_errors():
                self._store = open_store(self.store_url, create=create)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store_url",
    envvar="KG_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="Where the graph lives: a folder (embedded store), memory:, or a SPARQL endpoint URL.",
)
@click.option(
    "--base",
    envvar="KG_BASE",
    default=DEFAULT_BASE,
    show_default=True,
    help="The IRI base under which data IRIs are minted.",
)
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, store_url: str, base: str) -> None:
    """Diplomacy KG: turn news into a queryable knowledge graph.

    Example:

        kg ingest examples/ && kg query events_with_actor --param actor="Vladimir Putin"
    """
    state = Context(store_url, base)
    ctx.obj = state
    ctx.call_on_close(state.close)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(INPUT_FORMATS),
    help="Skip detection: all inputs are this format.",
)
@click.option(
    "--gazetteer",
    "gazetteers",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An extra gazetteer file (JSON) of your own actors; may be repeated.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.option(
    "--validate/--no-validate",
    "check",
    default=True,
    show_default=True,
    help="Check each document against the SHACL shapes before storing it.",
)
@click.option(
    "--infer",
    "then_infer",
    is_flag=True,
    help="Afterwards recompute the inferred graph (as `kg infer` does).",
)
@pass_context
def ingest(
    state: Context,
    paths: tuple[str, ...],
    fmt: str | None,
    gazetteers: tuple[Path, ...],
    quiet: bool,
    check: bool,
    then_infer: bool,
) -> None:
    """Ingest event pages, articles and WikiTimes files (folders are walked recursively).

    Each document becomes its own named graph; a document that cannot be read, or
    that breaks the SHACL shapes, is reported and nothing of it is stored, while the
    other files still go in. Shape warnings are printed and the document is stored.

    Example:

        kg ingest examples/ my-pages/2007-06-7_index.md
    """
    try:
        gazetteer = load_gazetteer(gazetteers)
    except ValueError as exc:
        fail(str(exc))

    def show(result: FileResult) -> None:
        if result.status == "failed":
            click.echo(f"error: {result.message}", err=True)
        elif not quiet and result.status == "skipped":
            click.echo(f"skipped {result.path}: {result.message}", err=True)
        if not quiet:
            for warning in result.warnings:
                click.echo(warning, err=True)

    with user_errors(), _progress(len(paths), quiet) as advance:

        def on_result(result: FileResult) -> None:
            advance()
            show(result)

        report = ingest_paths(
            state.store,
            paths,
            format=fmt,
            base=state.base,
            gazetteer=gazetteer,
            on_result=on_result,
            validate=check,
        )
    click.echo(
        f"{report.count('stored')} documents stored, {report.count('unchanged')} unchanged, "
        f"{report.count('skipped')} skipped, {len(report.failures)} failed; "
        f"{report.triples_added:+d} triples (store: {report.triples_after} triples)"
    )
    if report.links is not None and report.links.articles and not quiet:
        click.echo(
            f"{report.links.links} article-event links computed for "
            f"{report.links.articles} articles ({report.links.seconds:.1f} s)"
        )
    if then_infer:
        with user_errors():
            inferred = infer(state.store)
        click.echo(f"{inferred.triples} triples inferred ({inferred.seconds:.1f} s)")
    if report.failures:
        sys.exit(1)


@contextmanager
def _progress(_hint: int, quiet: bool) -> Iterator[Callable[[], None]]:
    """A progress counter on stderr when it is a terminal; silent otherwise."""
    if quiet or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=0, label="ingesting", file=sys.stderr, show_pos=True) as bar:

        def advance() -> None:
            bar.length = (bar.length or 0) + 1
            bar.update(1)

        yield advance


@cli.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of stdout.",
)
@click.option("--graph", help="Export only this named graph.")
@pass_context
def export(state: Context, fmt: str, output: Path | None, graph: str | None) -> None:
    """Export the graph, streamed from the store.

    Triple formats (turtle, ntriples, rdf-xml) hold the union of all documents;
    quad formats (nquads, trig, json-ld) keep each document's named graph.

    Example:

        kg export --format json-ld -o graph.jsonld
    """
    with user_errors():
        store = state.existing_store
        if graph is not None and graph not in set(store.named_graphs()):
            fail(f"there is no graph <{graph}> in {store.url} (`kg query documents` lists "
                 "the document graphs)")
        if output is None:
            store.dump(sys.stdout.buffer, fmt, graph=graph, prefixes=PREFIXES)
            sys.stdout.buffer.flush()
        else:
            _write_atomically(output, lambda out: store.dump(out, fmt, graph=graph,
                                                             prefixes=PREFIXES))
            click.echo(f"wrote {output}", err=True)


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

        kg query events_with_two_actors -p actor1="George W. Bush" -p actor2="Vladimir Putin"
    """
    named = load_queries()
    text, named_query = _resolve_query(query, named)
    values = _parse_params(params)
    try:
        read_query(text)  # the grammar and the bounds; SERVICE is refused: kg never fetches
    except (SparqlSyntaxError, SparqlRefused) as exc:
        fail(str(exc))
    if _sandboxed_process and not is_remote(state.store_url):
        from kg.sandbox import forbid_network

        forbid_network()  # and should the analysis miss one, the store cannot connect
    with user_errors():
        if named_query is not None:
            bindings = bind_params(named_query, values)
        else:
            bindings = {name: to_term(value) for name, value in values.items()}
        result = state.existing_store.query(text, bindings=bindings)
    click.echo(_render(result, fmt))


def _render(result: QueryResult, fmt: str) -> str:
    if result.kind == "graph":
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for triple in result.triples:
            graph.add(triple)
        return graph.serialize(format="turtle")
    return format_result(result, fmt)


@cli.command("queries")
def list_queries() -> None:
    """List the named queries with their parameters.

    Example:

        kg queries
    """
    for name, named in load_queries().items():
        click.echo(f"{name}: {named.title}")
        click.echo(f"    {named.description}")
        for param in named.params:
            default = f", default {param.default!r}" if param.default is not None else ""
            click.echo(f"    --param {param.name}=...  ({param.type}{default}) {param.description}")


@cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice((*RDF_FORMATS, *INPUT_FORMATS)),
    help="Skip detection: every FILE is in this format.",
)
@click.option(
    "--report",
    "report_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="text for people, the sh:ValidationReport in Turtle, or JSON.",
)
@click.option(
    "--shapes",
    "shapes_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Validate against the shapes in this Turtle file instead of the shipped ones.",
)
@click.option(
    "--inference",
    type=click.Choice(INFERENCE),
    default="none",
    show_default=True,
    help="What to infer from the data and the ontology before validating.",
)
@click.option("--all", "whole_store", is_flag=True, help="Validate everything the store holds.")
@pass_context
def validate_files(
    state: Context,
    files: tuple[Path, ...],
    fmt: str | None,
    report_format: str,
    shapes_file: Path | None,
    inference: str,
    whole_store: bool,
) -> None:
    """Check RDF files, input documents or the whole store against the SHACL shapes.

    FILEs may be Turtle, JSON-LD, N-Triples, N-Quads, TriG or RDF/XML (told by their
    extension or --format), or event pages, articles and WikiTimes files, which are
    mapped first. Nothing is fetched from the network. Exit status: 0 if everything
    conforms (warnings allowed), 1 if there are violations, 2 if an input is unusable.

    Example:

        kg validate mydata.ttl examples/000_30323f190908bd9a.txt --report json
    """
    if not files and not whole_store:
        raise click.UsageError("give one or more FILEs, or --all to validate the store")
    shapes = None
    if shapes_file is not None:
        try:
            shapes = load_shapes(shapes_file)
        except (ParseError, ShapesError) as exc:
            fail(str(exc), 2)
    reports = []
    unusable = False
    for file in files:
        try:
            graph = read_graph(file, format=fmt, base=state.base)
        except ParseError as exc:
            click.echo(f"error: {exc}", err=True)
            unusable = True
            continue
        reports.append(validate_graph(graph, shapes=shapes, inference=inference, source=str(file)))
    if whole_store:
        with user_errors(code=2):
            store = open_store(state.store_url, create=False)
        try:
            with user_errors(code=2):
                reports.append(validate_store(store, shapes=shapes, inference=inference))
        finally:
            store.close()
    if reports:
        click.echo(merge_reports(reports).render(report_format), nl=False)
    sys.exit(2 if unusable else 0 if all(r.conforms for r in reports) else 1)


@cli.command("infer")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="fast",
    show_default=True,
    help="fast: the OWL-RL rules the ontology needs, inside the store; "
    "owlrl: the owlrl package's full closure (slow, the reference).",
)
@click.option(
    "--same-as",
    is_flag=True,
    help="Also copy every fact across owl:sameAs links (fast engine; owlrl always does).",
)
@pass_context
def infer_graph(state: Context, engine: str, same_as: bool) -> None:
    """Bring the inferred graph up to date: what the ontology entails about the data.

    The entailed triples (an event is a sem:Event, relatedTo holds both ways, a
    participant is a sem:hasActor, ...) go to their own named graph, and so into the
    default graph that plain queries read. Each run computes them from what the other
    graphs assert and writes only the difference: what is no longer entailed goes.

    Example:

        kg infer && kg query 'PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
        SELECT (COUNT(?e) AS ?n) WHERE { ?e a sem:Event }'
    """
    with user_errors():
        report = infer(state.store, engine=engine, same_as=same_as)
    click.echo(
        f"{report.triples} triples inferred into <{INFERRED_GRAPH}> "
        f"(+{report.added} -{report.removed}) by the {engine} engine in {report.seconds:.1f} s"
    )


@cli.command("link")
@pass_context
def link_articles(state: Context) -> None:
    """Recompute every article's links to the events it reports.

    Each link has a score in [0, 1] and its reasons (shared actors, topic words and
    places, the distance between the dates); each article's links are a named graph
    of their own, replaced whole. `kg ingest` keeps them current as documents come
    and go: run this after changing the scoring, or after writing the store by hand.

    Example:

        kg link && kg query article_events -p article="missile defence plans"
    """
    with user_errors():
        report = link_all(state.store, software=SOFTWARE_IRI)
    click.echo(
        f"{report.links} article-event links computed for {report.articles} articles "
        f"({report.seconds:.1f} s)"
    )


@cli.command()
@pass_context
def stats(state: Context) -> None:
    """Count what the store holds.

    Example:

        kg stats
    """
    with user_errors():
        counts = store_stats(state.existing_store)
    width = max(len(k) for k in counts)
    for key, value in counts.items():
        click.echo(f"{key.ljust(width)}  {value}")


@cli.command("eval")
@click.argument(
    "folder", required=False, default="tests/eval",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("-v", "--verbose", is_flag=True, help="List the misses and false hits.")
def eval_extraction(folder: Path, verbose: bool) -> None:
    """Score the extractors against labelled pages: precision, recall and F1 per field.

    FOLDER holds one JSON label file per page (default: tests/eval).

    Example:

        kg eval --verbose tests/eval
    """
    from kg.evaluate import evaluate_folder, format_report

    with user_errors():
        report = evaluate_folder(folder, load_gazetteer())
    click.echo(format_report(report, verbose=verbose))


def _help_settings(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Print every setting with its default and meaning, then exit (as Datasette does)."""
    if not value or ctx.resilient_parsing:
        return
    from kg.web import SETTINGS

    width = max(len(name) for name in SETTINGS)
    for name, (default, meaning) in SETTINGS.items():
        shown = "none" if default is None else repr(default)
        click.echo(f"{name.lower().ljust(width)}  (default {shown}, or KG_{name})")
        click.echo(f"{''.ljust(width)}  {meaning}")
    ctx.exit()


@cli.command()
@click.option("--host", help="The address to listen on.  [default: 127.0.0.1]")
@click.option(
    "--port", type=int, help="The port to listen on; 0 picks a free one.  [default: 8000]"
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The base URL people use to reach the server (for IRIs and allowed origins).",
)
@click.option(
    "--allow-update",
    is_flag=True,
    default=None,
    help="Accept SPARQL updates, Graph Store writes and /ingest (with the token).",
)
@click.option(
    "--update-token",
    envvar="KG_UPDATE_TOKEN",
    help="The bearer token that writes must carry (or KG_UPDATE_TOKEN).",
)
@click.option(
    "--no-update-token",
    is_flag=True,
    default=None,
    help="Accept writes without a token: only on a loopback address.",
)
@click.option(
    "--query-timeout",
    type=float,
    metavar="SECONDS",
    help="Stop a query after this long and answer 503.  [default: 30]",
)
@click.option(
    "--max-rows", type=int, metavar="N", help="The most rows an answer holds.  [default: 10000]"
)
@click.option(
    "--workers",
    type=int,
    metavar="N",
    help="Query worker processes; 0 runs queries in the server process.",
)
@click.option("--threads", type=int, metavar="N", help="Request threads.  [default: 8]")
@click.option(
    "--setting",
    "settings",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="Any setting of `--help-settings`, e.g. --setting max_rows 500; may be repeated.",
)
@click.option(
    "--help-settings",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_help_settings,
    help="List every setting with its default and meaning, and exit.",
)
@pass_context
def serve(
    state: Context,
    host: str | None,
    port: int | None,
    public_url: str | None,
    allow_update: bool | None,
    update_token: str | None,
    no_update_token: bool | None,
    query_timeout: float | None,
    max_rows: int | None,
    workers: int | None,
    threads: int | None,
    settings: tuple[tuple[str, str], ...],
) -> None:
    """Serve the graph: SPARQL 1.1 endpoint, Graph Store, named queries and pages.

    Runs the waitress WSGI server on 127.0.0.1 unless told otherwise, on the store
    of --store. Updates are off unless --allow-update; they then need the token
    (Authorization: Bearer ...). Settings are documented in README.md
    (KG_* environment variables); the options here override them.

    Example:

        kg serve --port 8000 --allow-update --update-token "$(openssl rand -hex 16)"
    """
    from kg.web.server import ServeError, run, start

    options = {
        "HOST": host,
        "PORT": port,
        "PUBLIC_URL": public_url,
        "ALLOW_UPDATE": allow_update,
        "UPDATE_TOKEN": update_token,
        "NO_UPDATE_TOKEN": no_update_token,
        "QUERY_TIMEOUT": query_timeout,
        "MAX_ROWS": max_rows,
        "QUERY_WORKERS": workers,
        "THREADS": threads,
    }
    config: dict[str, Any] = {"STORE": state.store_url, "BASE": state.base}
    config.update(_named_settings(settings))
    config.update({key: value for key, value in options.items() if value is not None})
    try:
        serving = start(config)
    except ServeError as exc:
        fail(str(exc))
    for note in serving.notes:
        click.echo(f"kg serve: {note}", err=True)
    click.echo(serving.banner())
    sys.stdout.flush()
    run(serving)


def _named_settings(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """``--setting NAME VALUE`` pairs as settings; a name may be ``max_rows`` or ``KG_MAX_ROWS``."""
    from kg.web import SETTINGS

    chosen: dict[str, str] = {}
    for name, value in pairs:
        key = name.strip().upper().removeprefix("KG_").replace("-", "_")
        if key not in SETTINGS:
            raise click.UsageError(f"no setting {name!r}; `kg serve --help-settings` lists them")
        chosen[key] = value
    return chosen


def is_remote(store_url: str) -> bool:
    """Whether the store is another SPARQL server (reached over the network)."""
    return store_url.strip().lower().startswith(("http://", "https://"))


#: Set by the console script: its process is its own, so a command may take away its network
#: (tests invoke the commands inside the test process, which must keep it).
_sandboxed_process = False


def main() -> None:
    """Entry point of the ``kg`` console script."""
    global _sandboxed_process
    _sandboxed_process = True
    cli(prog_name="kg")
