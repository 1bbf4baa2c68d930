"""Fixtures for the regression tests of reported issues, shared with the suites they come from.

pytest shares a conftest's fixtures only with the folder below it, so the ones these tests
need are imported here, as tests/security/conftest.py imports those of tests/web.
"""

from tests.security.conftest import listener  # noqa: F401  (a loopback listener)
from tests.web.conftest import (  # noqa: F401  (the example store, a read-only kg serve)
    example_store,
    server,
)
