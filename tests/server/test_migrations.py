"""Migrations take an empty database to head on both dialects, and back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from interactiveai.server.store import migrate
from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.schema import metadata


def test_migrated_schema_matches_tables(database_url: str) -> None:
    # `database_url` is already migrated to head; the diff against the tables must be empty.
    engine = make_engine(database_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    engine.dispose()
    assert diff == []


def test_down_to_empty_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
