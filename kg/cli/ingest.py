"""kg ingest: documents into the store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kg import pipeline
from kg.cli.base import (
    INPUT_FORMATS,
    Context,
    cli,
    fail,
    pass_context,
    user_errors,
)
from kg.pipeline import FileResult, infer, load_gazetteer


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

        report = pipeline.ingest(
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
    if report.error is not None:
        click.echo(f"error: the run stopped: {report.error}", err=True)
        sys.exit(1)
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


