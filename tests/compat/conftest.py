"""The compatibility tests use the API tests' server: one per module and dialect."""

from tests.api.conftest import server

__all__ = ["server"]
