"""kg ingest: documents into the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

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
from kg.cli.progress import Reporter
from kg.pipeline import FileResult, InputFile, collect_files, infer, load_gazetteer
from kg.terms import is_iri


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
    "-v", "--verbose", is_flag=True,
    help="Print every warning (else the first few of each kind, and a count).",
)
@click.option(
    "--validate/--no-validate",
    "check",
    default=True,
    show_default=True,
    help="Check each document against the SHACL shapes before storing it.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that read and check documents (default 1: this process alone).",
)
@click.option(
    "--infer",
    "then_infer",
    is_flag=True,
    help="Afterwards recompute the inferred graph (as `kg infer` does).",
)
@click.option(
    "--base-url",
    help="Record each file in provenance as this URL plus its path relative to the folder "
    "ingested (default: urn:diplomacy-kg:file:PATH; never its place on this machine).",
)
@pass_context
def ingest(
    state: Context,
    paths: tuple[str, ...],
    fmt: str | None,
    gazetteers: tuple[Path, ...],
    quiet: bool,
    verbose: bool,
    check: bool,
    workers: int | None,
    then_infer: bool,
    base_url: str | None,
) -> None:
    """Ingest event pages, articles and WikiTimes files (folders are walked recursively).

    Each document becomes its own named graph; a document that cannot be read, or
    that breaks the SHACL shapes, is reported and nothing of it is stored, while the
    other files still go in. Shape warnings are printed and the document is stored.

    Example:

    \b
        kg ingest examples/ my-pages/2007-06-7_index.md
    """
    try:
        gazetteer = load_gazetteer(gazetteers)
    except ValueError as exc:
        fail(str(exc))

    out = Reporter(quiet=quiet, verbose=verbose)
    total = _count_inputs(paths)
    with user_errors(), out.phases() as progress:
        advance = progress("ingesting", total, "files")
        done = 0

        def on_result(result: FileResult) -> None:
            nonlocal advance, done
            if out.live and not out.showing("ingesting"):
                # A phase of the library's came first (the text index made again before
                # the first document): the files' bar comes back where it was.
                advance = progress("ingesting", total, "files")
                advance(done)
            advance(1)
            _show(out, result)
            done += 1

        # After the last document the library reports its own phases (the text index,
        # the links, the same events) through the same hook: each with its total.
        report = pipeline.ingest(
            state.store,
            # pipeline.ingest reads InputFiles as it reads paths (kg.sources.collect_files).
            cast("list[str]", _located(paths, base_url)),
            format=fmt,
            base=state.base,
            gazetteer=gazetteer,
            on_result=on_result,
            validate=check,
            workers=workers,
            progress=progress,
        )
    out.summarise()
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
        with user_errors(), out.phases() as progress:
            inferred = infer(state.store, progress=progress)
        click.echo(f"{inferred.triples} triples inferred ({inferred.seconds:.1f} s)")
    if report.failures:
        sys.exit(1)


def _located(paths: tuple[str, ...], base_url: str | None) -> list[str | InputFile]:
    """The inputs, their files recorded under ``base_url`` if one is given."""
    if base_url is None:
        return list(paths)
    if not is_iri(base_url) or base_url.lower().startswith("file:"):
        fail(f"--base-url {base_url!r} is not an absolute IRI other than a file: one")
    files, missing = collect_files(paths, base_url=base_url)
    return [*files, *(result.path for result in missing)]


def _count_inputs(paths: tuple[str, ...]) -> int:
    """How many results the ingest will give: one per file found, and one per missing path."""
    files, missing = collect_files(paths)
    return len(files) + len(missing)


def _show(out: Reporter, result: FileResult) -> None:
    """A file's errors always; what was skipped, and its warnings, grouped by kind."""
    if result.status == "failed":
        out.say(f"error: {result.message}")
    elif result.status == "skipped":
        out.warn(f"skipped {result.path}: {result.message}")
    for warning in result.warnings:
        out.warn(warning)
