"""Shared fixtures: a `dialect` that runs storage tests on SQLite and PostgreSQL, live servers.

Under CI=true a missing PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine, text

from interactiveai.server.settings import Settings
from interactiveai.server.store import migrate
from interactiveai.server.store.engine import make_engine
from tests.support.postgres import PostgresCluster, pg_bin_dir
from tests.support.server import LiveServer, start_server

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("INTERACTIVEAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_db_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the whole run, with a migrated template database."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL is not installed (run `make test-deps`)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    admin = make_engine(cluster.url(), pool_size=1)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE DATABASE ia_template"))
    template = make_engine(cluster.url("ia_template"), pool_size=1)
    migrate.upgrade(template)
    template.dispose()
    admin.dispose()
    yield cluster
    cluster.stop()


def new_pg_database(cluster: PostgresCluster) -> str:
    """A fresh, migrated database (copied from the template) and its URL."""
    name = f"t{os.getpid()}_{next(_db_numbers)}"
    admin = make_engine(cluster.url(), pool_size=1)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE ia_template'))
    admin.dispose()
    return cluster.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def dialect(request: pytest.FixtureRequest) -> str:
    """The database kind a test runs on; every storage and API test runs on both."""
    return str(request.param)


@pytest.fixture
def database_url(dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database of the test's dialect."""
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = make_engine(url, pool_size=1)
        migrate.upgrade(engine)
        engine.dispose()
        return url
    return new_pg_database(request.getfixturevalue("pg_cluster"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's fresh database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Server settings pointing at the test's database."""
    return Settings.from_env(env={}, database_url=database_url)


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    """`interactiveai serve` as a subprocess on the test's database (both dialects)."""
    server = start_server(database_url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server on a fresh SQLite file, shared by a module's tests."""
    path = tmp_path_factory.mktemp("server") / "ia.db"
    server = start_server(f"sqlite:///{path}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Debian Chromium (never a downloaded browser) for the whole run.

    One Playwright for every browser test: a second sync Playwright alive in the same thread
    refuses to start.
    """
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
