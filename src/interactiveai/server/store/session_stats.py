"""Cohort metrics: what a set of sessions (any sessions-list filter) adds up to.

Read from the session rollup rows only, so a cohort of 50,000 sessions is one pass over
their rows, not over their traces.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from interactiveai.server.store.queries import SessionFilter, session_conditions
from interactiveai.server.store.schema import sessions


def cohort_stats(conn: Connection, project_id: str, f: SessionFilter) -> dict[str, Any]:
    """Count, totals and per-session means of the sessions matching `f`.

    Keys: sessions, total_cost, avg_cost, total_tokens, avg_tokens, avg_duration_seconds,
    avg_traces, error_sessions, error_rate (a fraction; None for an empty cohort).
    """
    s = sessions.c
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(s.total_cost), 0),
            func.avg(s.total_cost),
            func.coalesce(func.sum(s.total_tokens), 0),
            func.avg(s.total_tokens),
            func.avg(s.duration_seconds),
            func.avg(s.count_traces),
            func.coalesce(func.sum(case((s.error_count > 0, 1), else_=0)), 0),
        ).where(and_(*session_conditions(project_id, f)))
    ).one()
    n = int(row[0])
    return {
        "sessions": n,
        "total_cost": float(row[1]),
        "avg_cost": _float(row[2]),
        "total_tokens": int(row[3]),
        "avg_tokens": _float(row[4]),
        "avg_duration_seconds": _float(row[5]),
        "avg_traces": _float(row[6]),
        "error_sessions": int(row[7]),
        "error_rate": int(row[7]) / n if n else None,
    }


def _float(value: Any) -> float | None:
    # AVG over no rows is NULL; PostgreSQL answers numeric averages as Decimal.
    return None if value is None else float(value)
