"""The users page's queries on both dialects: a page of end users with sums, and their count."""

from __future__ import annotations

from sqlalchemy import Engine

from interactiveai.server.ingest.apply import apply_records
from interactiveai.server.ingest.records import TraceRecord
from interactiveai.server.store.projects import create_project
from interactiveai.server.store.queries import Page
from interactiveai.server.store.user_stats import count_users, list_user_stats


def test_users_are_listed_counted_and_searched_by_prefix(engine: Engine) -> None:
    with engine.begin() as conn:
        pid = create_project(conn, "p").id
        other = create_project(conn, "other").id
        users = ["al", "al_x", "alx", "bo", "bo", None]
        apply_records(
            conn,
            pid,
            [],
            [
                TraceRecord(id=f"t{i}", user_id=u, session_id=f"s{i % 2}")
                for i, u in enumerate(users)
            ],
        )
        apply_records(conn, other, [], [TraceRecord(id="tx", user_id="zed")])
    with engine.connect() as conn:
        assert count_users(conn, pid) == 4
        rows, more = list_user_stats(conn, pid, Page(1, 3))
        assert [r["user_id"] for r in rows] == ["al", "al_x", "alx"] and more
        rows, more = list_user_stats(conn, pid, Page(2, 3))
        assert [(r["user_id"], r["count_traces"], r["count_sessions"]) for r in rows] == [
            ("bo", 2, 2)
        ]
        assert not more
        # "_" in a prefix is a character, not a LIKE wildcard.
        assert count_users(conn, pid, prefix="al_") == 1
        assert count_users(conn, other) == 1
