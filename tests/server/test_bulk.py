"""Bulk inserts: every row lands, whatever the row count and the database's parameter limit."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Engine, select

from interactiveai.server.store.bulk import bulk_insert
from interactiveai.server.store.projects import create_project
from interactiveai.server.store.schema import trace_tags


@pytest.mark.parametrize("count", [1, 7, 64, 1001])
def test_bulk_insert_writes_every_row(engine: Engine, dialect: str, count: int) -> None:
    with engine.begin() as conn:
        project = create_project(conn, "p").id
        if dialect == "sqlite":
            # A small limit (SQLite before 3.32 allowed 999) makes many multi-row statements.
            dbapi = conn.connection.dbapi_connection
            dbapi.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50)  # type: ignore[union-attr]
        rows = [
            {"project_id": project, "trace_id": f"t{n:05}", "tag": "x", "session_id": None}
            for n in range(count)
        ]
        bulk_insert(conn, trace_tags, rows)
        stored = conn.execute(select(trace_tags.c.trace_id).order_by(trace_tags.c.trace_id))
        assert [r.trace_id for r in stored] == [r["trace_id"] for r in rows]
