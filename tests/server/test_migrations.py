"""Migrations take an empty database to head on both dialects, and back down."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

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


def test_0004_fills_the_sort_keys_of_existing_sessions(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.downgrade(engine, "0003")
    now = "2026-01-01 00:00:00"
    usage = {"gpt-4o": {"totalTokens": 10}, "claude-3": {"totalTokens": 90}}
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO projects (id, name, created_at) VALUES ('p', 'p', :now)"),
            {"now": now},
        )
        insert = text(
            "INSERT INTO sessions (project_id, id, created_at, first_seen_at, last_activity_at,"
            " user_ids, tags, usage_by_model) VALUES ('p', :id, :now, :now, :now, :u, :t, :m)"
        )
        conn.execute(
            insert,
            [
                {
                    "id": "full",
                    "now": now,
                    "u": '["bo", "al"]',
                    "t": '["x", "b"]',
                    "m": json.dumps(usage),
                },
                {"id": "bare", "now": now, "u": None, "t": "[]", "m": None},
            ],
        )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, sort_user_id, sort_tag, sort_model FROM sessions ORDER BY id")
        ).all()
        if database_url.startswith("sqlite"):
            # The upgrade refreshed the planner's statistics, new indexes included.
            stats = conn.execute(text("SELECT idx FROM sqlite_stat1")).scalars().all()
            assert "ix_sessions_project_id_sort_user_id_id" in stats
    engine.dispose()
    assert [tuple(r) for r in rows] == [("bare", "", "", ""), ("full", "al", "b", "claude-3")]
