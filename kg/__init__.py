"""Diplomacy KG: a knowledge graph of diplomatic news."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.notebook import Graph

__version__ = "0.1.0"

#: What `kg serve` calls itself in its Server header, so that a client can tell it apart.
SERVER_SOFTWARE = "diplomacy-kg"


def open_store(path_or_url: str | os.PathLike[str]) -> Graph:
    """Open the graph for analysis: a store folder, memory:, or a SPARQL endpoint (kg serve's URL).

    ``open_store(...).query(text_or_name, **params).to_dataframe()`` gives a pandas DataFrame.
    """
    from kg.notebook import open_graph

    return open_graph(path_or_url)
