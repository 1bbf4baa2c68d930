"""kg serve: the SPARQL endpoint."""

from __future__ import annotations

import sys
from typing import Any

import click

from kg.cli.base import (
    Context,
    cli,
    fail,
    pass_context,
)


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
@click.option("--threads", type=int, metavar="N", help="Request threads.  [default: 24]")
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
    (KG_* environment variables); the options here override them. At start, an
    inference or linking that a killed command left halfway is run again; /health
    shows whether the derived data is current (writes through the server make it
    stale until `kg infer`, `kg link` or `kg check --repair`).

    Example:

    \b
        kg serve --port 8000 --allow-update --update-token "$(openssl rand -hex 16)"
    """
    from kg.web.server import ServeError, run, start
    from kg.web.state import get_state

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
    if state.index is not None:  # kg --index PATH serve: a remote store's text index
        config["INDEX"] = state.index
    config.update(_named_settings(settings))
    config.update({key: value for key, value in options.items() if value is not None})
    try:
        serving = start(config)
    except ServeError as exc:
        fail(str(exc))
    with serving.app.app_context():
        resumed = get_state().resumed  # derivations a killed command left halfway, run again
    for note in (*resumed, *serving.notes):
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


