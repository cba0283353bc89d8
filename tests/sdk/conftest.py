"""Fixtures for SDK tests: a loopback stand-in for the network, and no client left running."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interactiveai.sdk import registry
from tests.sdk.fake_server import FakeServer

PUBLIC_KEY = "pk-test"
SECRET_KEY = "sk-test"


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A loopback HTTP server answering like InteractiveAI (scriptable failures)."""
    server = FakeServer()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_client_left_running(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without INTERACTIVEAI_* in the environment and ends with its clients shut down."""
    import os

    for name in list(os.environ):
        if name.startswith("INTERACTIVEAI_"):
            monkeypatch.delenv(name)
    before = set(map(id, registry._clients.values()))
    yield
    for client in list(registry._clients.values()):
        if id(client) not in before:
            client.shutdown()
