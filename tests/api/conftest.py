"""Fixtures of the API tests: one real server per module and dialect, and a second project."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.projects import create_api_key, create_project
from tests.conftest import new_pg_database
from tests.support.server import LiveServer, start_server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """`interactiveai serve` on a fresh database of each dialect, shared by a module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'ia.db'}"
    else:
        url = new_pg_database(request.getfixturevalue("pg_cluster"))
    live = start_server(url)
    yield live
    live.stop()


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    """An authenticated client of the module's server."""
    with server.client() as c:
        yield c


@dataclass
class OtherProject:
    """A second project on the same server, with its own key."""

    id: str
    public_key: str
    secret_key: str


@pytest.fixture(scope="module")
def other_project(server: LiveServer) -> OtherProject:
    """Another project of the server's database (for isolation tests)."""
    engine = make_engine(server.database_url, pool_size=1)
    with engine.begin() as conn:
        pid = create_project(conn, "other").id
        pk, sk = create_api_key(conn, pid)
    engine.dispose()
    return OtherProject(pid, pk, sk)


@pytest.fixture
def other_client(server: LiveServer, other_project: OtherProject) -> Iterator[httpx.Client]:
    """A client with the other project's key."""
    auth = (other_project.public_key, other_project.secret_key)
    with httpx.Client(base_url=server.url, auth=auth, timeout=30) as c:
        yield c


def uid(prefix: str = "") -> str:
    """A fresh id, so tests sharing a server do not see each other's data."""
    return prefix + uuid.uuid4().hex
