"""Diplomacy KG: a knowledge graph of diplomatic news."""

__version__ = "0.1.0"
