"""The ``kg`` command: a thin click layer over the library, one module per group of commands."""

from __future__ import annotations

from kg.cli import (  # noqa: F401  (each registers its commands)
    backup,
    base,
    check,
    events,
    ingest,
    read,
    search,
    serve,
)
from kg.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the ``kg`` console script."""
    base.sandboxed_process = True
    cli(prog_name="kg")
