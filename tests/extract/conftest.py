"""Fixtures for the extraction tests: the shipped gazetteer, loaded once."""

from __future__ import annotations

import pytest

from kg.extract import Gazetteer, load_gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (kg/data/gazetteer.json)."""
    return load_gazetteer()
