"""The kg command's group and what its commands share: the store, errors, the base IRI."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from kg import __version__
from kg.model import ParseError
from kg.pipeline import SearchError, use_index
from kg.queries import QueryParamError
from kg.rdfio import FORMATS
from kg.store import Store, StoreError, open_store
from kg.store.view import open_for_reading as open_view
from kg.vocab import DEFAULT_BASE

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
    except (StoreError, QueryParamError, ParseError, SearchError) as exc:
        fail(str(exc), code)
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), code)


class Context:
    """What every command needs: the store (opened on first use) and the IRI base."""

    def __init__(self, store_url: str, base: str, index: str | None = None) -> None:
        self.store_url = store_url
        self.base = base
        self.index = index  # the text index's file, if not the store's own
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The store, created if it does not exist yet (for commands that write)."""
        return self._open(create=True)

    @property
    def existing_store(self) -> Store:
        """The store, which must exist (for commands that only read)."""
        return self._open(create=False)

    @property
    def existing_writable_store(self) -> Store:
        """The store, which must exist, opened for writing (never a read-only view)."""
        return self._open(create=False, write=True)

    def _open(self, *, create: bool, write: bool = False) -> Store:
        if self._store is None:
            with user_errors():
                if create or write:
                    self._store = open_store(self.store_url, create=create)
                else:
                    self._store = open_for_reading(self.store_url)
                if self.index is not None:
                    use_index(self._store, self.index)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def open_for_reading(url: str) -> Store:
    """The store for a command that only reads: a read-only view if `kg serve` holds it."""
    return open_view(url, on_view=lambda note: click.echo(f"kg: {note}", err=True))


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store_url",
    envvar="KG_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    show_envvar=True,
    help="Where the graph lives: a folder (embedded store), memory:, or a SPARQL endpoint URL "
    "(or set KG_STORE). Read commands on a folder that `kg serve` holds read a read-only view.",
)
@click.option(
    "--base",
    envvar="KG_BASE",
    default=DEFAULT_BASE,
    show_default=True,
    show_envvar=True,
    help="The IRI base under which data IRIs are minted.",
)
@click.option(
    "--index",
    envvar="KG_INDEX",
    show_envvar=True,
    type=click.Path(dir_okay=False),
    help="The text index of a remote store: an SQLite file, made by `kg reindex` (an embedded "
    "store keeps its own in its folder, memory: in memory).",
)
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, store_url: str, base: str, index: str | None) -> None:
    """Diplomacy KG: turn news into a queryable knowledge graph.

    Example:

    \b
        kg ingest examples/ && kg query events_with_actor --param actor="Vladimir Putin"
    """
    state = Context(store_url, base, index)
    ctx.obj = state
    ctx.call_on_close(state.close)



#: Set by the console script: its process is its own, so a command may take away its network
#: (tests invoke the commands inside the test process, which must keep it).
sandboxed_process = False
