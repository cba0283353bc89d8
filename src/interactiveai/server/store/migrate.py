"""Schema migrations (Alembic), run programmatically: on server start and by `db upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from interactiveai.server.store.maintenance import refresh_statistics

_SCRIPTS = Path(__file__).parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (default: the newest)."""
    before = current_revision(engine)
    with engine.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    if current_revision(engine) != before:
        # New indexes start without statistics, and SQLite's planner then chose badly for
        # every page of sessions (100 ms instead of 10 on 50,000) until the next ANALYZE.
        with engine.begin() as conn:
            refresh_statistics(conn)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` ("base" drops everything)."""
    with engine.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def autogenerate(engine: Engine, message: str) -> None:
    """Write a new revision from the difference between the database and `schema` (dev tool)."""
    with engine.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
