"""Values the sessions-list filters offer: environments and session-score names.

Both are small sets read through indexes: environments from the (project_id, environment,
created_at) index of `sessions`, score names from the project's session scores.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from interactiveai.server.store.schema import scores, sessions


def session_environments(conn: Connection, project_id: str) -> list[str]:
    """The environments that have sessions, sorted."""
    s = sessions.c
    stmt = (
        select(s.environment)
        .where(s.project_id == project_id)
        .group_by(s.environment)
        .order_by(s.environment)
    )
    return [r[0] for r in conn.execute(stmt)]


def session_score_names(conn: Connection, project_id: str) -> list[str]:
    """Names of the scores that target sessions, sorted."""
    sc = scores.c
    stmt = (
        select(sc.name)
        .where(sc.project_id == project_id, sc.session_id.is_not(None), sc.trace_id.is_(None))
        .group_by(sc.name)
        .order_by(sc.name)
    )
    return [r[0] for r in conn.execute(stmt)]
