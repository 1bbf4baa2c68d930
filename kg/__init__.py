"""Diplomacy KG: a knowledge graph of diplomatic news."""

__version__ = "0.1.0"

#: What `kg serve` calls itself in its Server header, so that a client can tell it apart.
SERVER_SOFTWARE = "diplomacy-kg"
