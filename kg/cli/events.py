"""Commands over event identity: the same-event links."""

from __future__ import annotations

import click

from kg.cli.base import Context, cli, pass_context, user_errors
from kg.cli.progress import Reporter
from kg.pipeline import SOFTWARE_IRI, link_same_events_all


@cli.command("same-events")
@pass_context
def same_events(state: Context) -> None:
    """Recompute every day's same-event links.

    Two event nodes that one real event got from different sources (a WikiTimes record
    and an event page in other words) are joined by dip:sameEventAs, with a link node
    carrying the score and its reasons; each day's links are a named graph of their own,
    replaced whole. `kg ingest` keeps them current for the days it touches: run this
    after changing the scoring, or after writing the store by hand.

    Example:

    \b
        kg same-events && kg query real_events -p from=2015-09-01 -p to=2015-09-30
    """
    with user_errors(), Reporter().phases() as progress:
        report = link_same_events_all(state.store, software=SOFTWARE_IRI, progress=progress)
    click.echo(
        f"{report.links} same-event links computed for {report.days} days "
        f"({report.seconds:.1f} s)"
    )
