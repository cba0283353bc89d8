"""Engine creation for the two supported databases, and the URL default."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from interactiveai.server.store.types import json_text

log = logging.getLogger(__name__)

DEFAULT_DIR = Path.home() / ".interactiveai"


def default_database_url() -> str:
    """The embedded default: a SQLite file under ~/.interactiveai/."""
    return f"sqlite:///{DEFAULT_DIR / 'interactiveai.db'}"


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, *, pool_size: int = 8) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            json_serializer=json_text,
            json_deserializer=orjson.loads,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:/// or postgresql://"
        )
    return create_engine(
        url,
        json_serializer=json_text,
        json_deserializer=orjson.loads,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # No server-side prepared statements: their generic plans, made while a table was
        # small, kept choosing sequential scans as it grew (100x slower id lookups).
        connect_args={"prepare_threshold": None},
    )


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable across application crashes under WAL; only an OS crash may
    # lose the last commits, the usual trade of embedded servers (datasette, Phoenix).
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA temp_store=MEMORY")
    # Checkpoints (which fsync) every ~40 MB of WAL instead of every 4 MB: at ingestion rates
    # the default made one commit in three pay for a checkpoint.
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.close()


@contextmanager
def begin_write(connection: Connection) -> Iterator[Connection]:
    """A write transaction that holds SQLite's write lock from its first statement.

    The driver only begins a transaction at the first INSERT/UPDATE/DELETE, so the writer's
    reads before it (the stored rows it merges into) could see a state that another server
    process changes before the write lock is taken. BEGIN IMMEDIATE waits for the lock first.
    PostgreSQL callers lock the rows they read instead (SELECT ... FOR UPDATE).
    """
    with connection.begin():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection


def describe(engine: Engine) -> str:
    """Where the data lives, without the password: for start-up logs."""
    return engine.url.render_as_string(hide_password=True)
