"""kg backup and kg restore: the named graphs to a folder, and back into an empty store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.base import Context, cli, pass_context, user_errors
from kg.store.backup import backup, restore


@cli.command("backup")
@click.argument("folder", type=click.Path(path_type=Path))
@pass_context
def backup_store(state: Context, folder: Path) -> None:
    """Back up the store into FOLDER (new or empty): its named graphs as N-Quads, and a manifest.

    Taken online from one consistent read. For a store a running `kg serve` holds, give
    its URL: kg --store http://127.0.0.1:8000/sparql backup FOLDER.

    Example:

    \b
        kg backup backups/2026-12-05 && kg --store restored restore backups/2026-12-05
    """
    with user_errors():
        made = backup(state.existing_store, folder)
    click.echo(f"{made.quads} quads in {made.graphs} graphs backed up into {made.folder}")


@cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_context
def restore_store(state: Context, folder: Path) -> None:
    """Restore a backup FOLDER into the store, which must be new or empty.

    The data is checked against the manifest first; the default graph is rebuilt as the
    merge of the restored named graphs.

    Example:

    \b
        kg --store restored restore backups/2026-12-05 && kg --store restored stats
    """
    with user_errors():
        made = restore(state.store, folder)
    click.echo(f"{made.quads} quads in {made.graphs} graphs restored from {made.folder} "
               f"(backed up {made.created} from {made.source})")
