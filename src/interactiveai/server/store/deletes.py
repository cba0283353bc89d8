"""Deleting traces and sessions (with what hangs off them), and session bookmarks.

Deletes keep the rollups right: the sessions that lose traces are recomputed from the traces
that remain (and dropped when none remain), exactly as the write path does.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, delete, select, update

from interactiveai.server.store.rollups import chunks, recompute_sessions
from interactiveai.server.store.schema import (
    comments,
    observations,
    scores,
    sessions,
    trace_tags,
    traces,
)


def _lock_sessions(conn: Connection, project_id: str, session_ids: Sequence[str]) -> None:
    # Same lock order as the write path (session rows in key order) so that a delete and a
    # concurrent ingest in another process serialize instead of deadlocking.
    if conn.dialect.name != "postgresql":
        return
    for part in chunks(sorted(session_ids)):
        conn.execute(
            select(sessions.c.id)
            .where(sessions.c.project_id == project_id, sessions.c.id.in_(part))
            .order_by(sessions.c.id)
            .with_for_update()
        ).all()


def delete_traces(conn: Connection, project_id: str, trace_ids: Sequence[str]) -> int:
    """Delete traces with their observations, scores and comments; returns how many existed."""
    ids = sorted(set(trace_ids))
    if not ids:
        return 0
    t, o = traces.c, observations.c
    found: list[str] = []
    session_ids: set[str] = set()
    for part in chunks(ids):
        stmt = select(t.id, t.session_id).where(t.project_id == project_id, t.id.in_(part))
        if conn.dialect.name == "postgresql":
            stmt = stmt.order_by(t.id).with_for_update()
        for tid, sid in conn.execute(stmt):
            found.append(tid)
            if sid is not None:
                session_ids.add(sid)
    # Observations, scores and comments may exist for an id whose trace row does not
    # (a score sent before its trace): delete by the ids asked for, not only those found.
    for part in chunks(ids):
        obs_ids = [
            r[0]
            for r in conn.execute(
                select(o.id).where(o.project_id == project_id, o.trace_id.in_(part))
            )
        ]
        for obs_part in chunks(obs_ids):
            conn.execute(
                delete(comments).where(
                    comments.c.project_id == project_id,
                    comments.c.object_type == "OBSERVATION",
                    comments.c.object_id.in_(obs_part),
                )
            )
        conn.execute(delete(observations).where(o.project_id == project_id, o.trace_id.in_(part)))
        conn.execute(
            delete(scores).where(scores.c.project_id == project_id, scores.c.trace_id.in_(part))
        )
        conn.execute(
            delete(comments).where(
                comments.c.project_id == project_id,
                comments.c.object_type == "TRACE",
                comments.c.object_id.in_(part),
            )
        )
        conn.execute(
            delete(trace_tags).where(
                trace_tags.c.project_id == project_id, trace_tags.c.trace_id.in_(part)
            )
        )
        conn.execute(delete(traces).where(t.project_id == project_id, t.id.in_(part)))
    if session_ids:
        _lock_sessions(conn, project_id, sorted(session_ids))
        recompute_sessions(conn, project_id, sorted(session_ids))
    return len(found)


def delete_session(conn: Connection, project_id: str, session_id: str) -> bool:
    """Delete a session with its traces, their observations, scores and comments.

    Returns False when neither the session nor any trace of it exists in the project.
    """
    # No session lock up front: delete_traces locks traces, then sessions, the write path's
    # order, so a concurrent ingest in another process waits instead of deadlocking.
    t = traces.c
    trace_ids = [
        r[0]
        for r in conn.execute(
            select(t.id).where(t.project_id == project_id, t.session_id == session_id)
        )
    ]
    existed = bool(trace_ids)
    delete_traces(conn, project_id, trace_ids)
    conn.execute(
        delete(scores).where(
            scores.c.project_id == project_id,
            scores.c.session_id == session_id,
            scores.c.trace_id.is_(None),
        )
    )
    conn.execute(
        delete(comments).where(
            comments.c.project_id == project_id,
            comments.c.object_type == "SESSION",
            comments.c.object_id == session_id,
        )
    )
    result = conn.execute(
        delete(sessions).where(
            and_(sessions.c.project_id == project_id, sessions.c.id == session_id)
        )
    )
    return existed or bool(result.rowcount)


def set_session_bookmark(
    conn: Connection, project_id: str, session_id: str, bookmarked: bool
) -> bool:
    """Bookmark or un-bookmark a session; False when the session does not exist."""
    s = sessions.c
    result = conn.execute(
        update(sessions)
        .where(s.project_id == project_id, s.id == session_id)
        .values(bookmarked=bool(bookmarked))
    )
    return bool(result.rowcount)
