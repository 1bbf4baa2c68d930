"""The errors of the store, apart so that every store module can raise them."""


class StoreError(Exception):
    """The store cannot do what was asked: unreachable, locked, bad URL, refused data."""


class QuerySyntaxError(StoreError):
    """A SPARQL query or update that does not parse."""

