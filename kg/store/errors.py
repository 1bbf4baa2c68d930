"""The errors of the store, apart so that every store module can raise them."""


class StoreError(Exception):
    """The store cannot do what was asked: unreachable, locked, bad URL, refused data."""


class QuerySyntaxError(StoreError):
    """A SPARQL query or update that does not parse."""


class NotAStore(StoreError):
    """A URL that answers, but not as a store this program writes into (a `kg serve`)."""
