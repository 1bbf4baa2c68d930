"""The errors of the store, apart so that every store module can raise them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class StoreError(Exception):
    """The store cannot do what was asked: unreachable, locked, bad URL, refused data."""


class QuerySyntaxError(StoreError):
    """A SPARQL query or update that does not parse."""


class NotAStore(StoreError):
    """A URL that answers, but not as a store this program writes into (a `kg serve`)."""


class StoreClosed(StoreError):
    """A store used after it was closed: nothing more goes in or comes out."""


@contextlib.contextmanager
def query_errors(what: str) -> Iterator[None]:
    """pyoxigraph's errors of a query or update as the store's: a syntax error, or a failure."""
    try:
        yield
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise StoreError(f"{what} failed: {exc}") from None
