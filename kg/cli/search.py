"""Commands of the text index: search, reindex."""

from __future__ import annotations

import json

import click
from rdflib import Literal, URIRef

from kg.cli.base import Context, cli, fail, pass_context, user_errors
from kg.cli.progress import Reporter
from kg.pipeline import KINDS, MAX_LIMIT, check_index, reindex, search
from kg.results import format_table
from kg.store import QueryResult


@cli.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Only things of this kind; may be repeated (default: every kind).")
@click.option("-n", "--limit", type=click.IntRange(1, MAX_LIMIT), default=20, show_default=True)
@click.option("-f", "--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True)
@pass_context
def search_command(state: Context, words: tuple[str, ...], kinds: tuple[str, ...], limit: int,
                   fmt: str) -> None:
    """Search the events, articles, actors, posts, places, topics and outlets, best first.

    Every word must be there, in any order and form ("talks" finds "talk", "Erdogan"
    finds "Erdoğan"); "a phrase", OR, NOT, brackets and a final * (a prefix) work as in
    SQLite FTS5. Each result has a snippet with the words found in [brackets].

    Example:

    \b
        kg search "missile defense"
    """
    with user_errors():
        hits = search(state.existing_store, " ".join(words), kinds=kinds or KINDS, limit=limit)
    if fmt == "json":
        click.echo(json.dumps({"results": [hit.to_json() for hit in hits]}, indent=2,
                              ensure_ascii=False))
        return
    rows = tuple((Literal(h.kind), Literal(h.date or ""), Literal(_line(h.label, 60)),
                  Literal(_line(h.snippet, 80)), URIRef(h.iri)) for h in hits)
    click.echo(format_table(QueryResult("select", ("kind", "date", "label", "snippet", "iri"),
                                        rows)))


def _line(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters around its first [highlight]."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    start = max(0, min(flat.find("[") - width // 4, len(flat) - width + 1))
    if start > 0:
        flat = "…" + flat[start + 1:]
    return flat if len(flat) <= width else flat[:width - 1] + "…"


@cli.command("reindex")
@click.option("--check", "only_check", is_flag=True,
              help="Only say whether the index was derived from the documents as the store "
              "holds them now (exit 1 if not).")
@pass_context
def reindex_command(state: Context, only_check: bool) -> None:
    """Make the text index again, whole, from the documents in the store.

    Ingest keeps the index current; run this after the store was changed by other means
    (a restore, Graph Store or SPARQL Update writes, kg check --repair), or with --check to
    ask whether it is needed.

    Example:

    \b
        kg reindex
    """
    with user_errors():
        if only_check:
            found = check_index(state.existing_store)
            click.echo(f"{found.index}: {found.things} things; store: {found.documents} "
                       f"documents, {found.missing} not indexed, {found.extra} indexed but "
                       f"gone, {found.changed} changed"
                       + ("" if found.built else "; never built")
                       + ("; a write died halfway" if found.pending else ""))
            if not found.current:
                fail("the text index is not current: run `kg reindex`")
            return
        with Reporter().phases() as progress:
            made = reindex(state.existing_store, progress=progress)
    size = f", {made.size / 1e6:.1f} MB" if made.size is not None else ""
    click.echo(f"indexed {made.things} things from {made.documents} documents in "
               f"{made.seconds} s ({made.index}{size})")
