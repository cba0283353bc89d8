"""Read queries shared by the public API and the UI. Rows come back as snake_case dicts.

Listing sessions reads the `sessions` rollup rows only (plus index lookups for user and
tag filters); it never scans traces or observations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, select

from interactiveai.server.store.conditions import equal_to, of_user_traces
from interactiveai.server.store.schema import (
    observations,
    scores,
    session_tags,
    sessions,
    trace_tags,
    traces,
)
from interactiveai.server.store.session_scores import (
    SCORE_ORDER_PREFIX,
    ScoreCondition,
    session_score_match,
    session_score_order,
)

SESSION_SORTS: dict[str, str] = {
    "id": "id",
    "createdAt": "created_at",
    "environment": "environment",
    "duration": "duration_seconds",
    "durationSeconds": "duration_seconds",
    "countTraces": "count_traces",
    "traces": "count_traces",
    "inputCost": "input_cost",
    "outputCost": "output_cost",
    "totalCost": "total_cost",
    "inputTokens": "input_tokens",
    "outputTokens": "output_tokens",
    "totalTokens": "total_tokens",
    "lastActivityAt": "last_activity_at",
    "errorCount": "error_count",
    "bookmarked": "bookmarked",
    "userIds": "sort_user_id",
    "tags": "sort_tag",
    "usage": "sort_model",
}
# Ranges a caller can filter on: name -> column.
SESSION_RANGES: dict[str, str] = {
    "totalCost": "total_cost",
    "totalTokens": "total_tokens",
    "durationSeconds": "duration_seconds",
    "countTraces": "count_traces",
}
TRACE_SORTS: dict[str, str] = {
    "timestamp": "timestamp",
    "name": "name",
    "userId": "user_id",
    "sessionId": "session_id",
    "release": "release",
    "version": "version",
    "environment": "environment",
    "latency": "latency",
    "totalCost": "total_cost",
    "totalTokens": "total_tokens",
}


class QueryError(ValueError):
    """A filter or sort the caller asked for cannot be applied; the message names it."""


@dataclass(slots=True)
class Page:
    """Offset pagination."""

    page: int = 1
    limit: int = 50

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.limit


@dataclass(slots=True)
class SessionFilter:
    """Filters of the sessions list; every field narrows the result."""

    from_timestamp: datetime | None = None
    to_timestamp: datetime | None = None
    environments: Sequence[str] = ()
    user_id: str | None = None
    tags: Sequence[str] = ()
    id_search: str | None = None
    bookmarked: bool | None = None
    # name -> (min, max), either may be None; names from SESSION_RANGES.
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    # Session-score conditions; every one must hold (see ScoreCondition).
    scores: Sequence[ScoreCondition] = ()


def parse_order(order_by: str | None, allowed: dict[str, str], default: str) -> tuple[str, bool]:
    """Parse `field.asc|desc` into (column, descending)."""
    if not order_by:
        return default, True
    name, _, direction = order_by.partition(".")
    direction = direction or "desc"
    column = allowed.get(name) or (name if name in allowed.values() else None)
    if column is None:
        raise QueryError(
            f"orderBy: unknown field {name!r}; use one of {', '.join(sorted(allowed))}"
        )
    if direction not in ("asc", "desc"):
        raise QueryError(f"orderBy: direction must be asc or desc, got {direction!r}")
    return column, direction == "desc"


def session_conditions(
    project_id: str, f: SessionFilter, scan_order: str | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a session filter (`scan_order`: the column a page walks)."""
    s = sessions.c
    cond: list[ColumnElement[bool]] = [s.project_id == project_id]
    if f.from_timestamp is not None:
        cond.append(s.created_at >= f.from_timestamp)
    if f.to_timestamp is not None:
        cond.append(s.created_at < f.to_timestamp)
    if f.environments:
        cond.append(s.environment.in_(list(f.environments)))
    if f.user_id:
        cond.append(s.id.in_(of_user_traces(traces.c.session_id, project_id, f.user_id)))
    st = session_tags.c
    for tag in f.tags:
        if scan_order is not None:
            # A page reads an order index and probes the tag per row: it stops after a page.
            cond.append(
                select(st.session_id)
                .where(st.project_id == s.project_id, st.tag == tag, st.session_id == s.id)
                .exists()
            )
        else:
            # A count reads the tag's sessions once.
            cond.append(
                s.id.in_(select(st.session_id).where(st.project_id == project_id, st.tag == tag))
            )
    if f.id_search:
        cond.append(s.id.contains(f.id_search, autoescape=True))
    if f.bookmarked is not None:
        cond.append(s.bookmarked == f.bookmarked)
    for sc in f.scores:
        cond.append(s.id.in_(session_score_match(project_id, sc)))
    for name, (lo, hi) in f.ranges.items():
        col_name = SESSION_RANGES.get(name)
        if col_name is None:
            raise QueryError(f"unknown range filter {name!r}")
        col: Any = s[col_name]
        if scan_order is not None and col_name != scan_order:
            # `col + 0` hides the range's index from the planner: a page sorted on another
            # column reads that column's index and filters (cheap for LIMIT 50), where the
            # planner would otherwise fetch every row in the range and sort them all.
            col = col + 0
        if lo is not None:
            cond.append(col >= lo)
        if hi is not None:
            cond.append(col <= hi)
    return cond


def list_sessions(
    conn: Connection,
    project_id: str,
    f: SessionFilter,
    page: Page,
    order_by: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of sessions with their aggregates and session scores, and the total count.

    `order_by` is `field.asc|desc` over SESSION_SORTS, or `score:<name>.asc|desc` (the
    mean value of that session score; sessions without it come last).
    """
    cond = session_conditions(project_id, f)
    s = sessions.c
    col: Any
    if order_by and order_by.startswith(SCORE_ORDER_PREFIX):
        col, desc = session_score_order(project_id, order_by)
        order = [
            col.desc().nulls_last() if desc else col.asc().nulls_last(),
            s.id.desc() if desc else s.id.asc(),
        ]
    else:
        column, desc = parse_order(order_by, SESSION_SORTS, "created_at")
        col = s[column]
        # The id breaks ties so that pages are stable.
        order = [col.desc(), s.id.desc()] if desc else [col.asc(), s.id.asc()]
    page_cond = session_conditions(project_id, f, scan_order=getattr(col, "name", None))
    stmt = (
        select(sessions)
        .where(and_(*page_cond))
        .order_by(*order)
        .limit(page.limit)
        .offset(page.offset)
    )
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    total = conn.execute(select(func.count()).select_from(sessions).where(and_(*cond))).scalar_one()
    attach_session_scores(conn, project_id, rows)
    return rows, int(total)


def attach_session_scores(conn: Connection, project_id: str, rows: list[dict[str, Any]]) -> None:
    """Add `scores` (the scores whose target is the session) to each session row."""
    by_id: dict[str, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    for r in rows:
        r["scores"] = by_id[r["id"]]
    if not by_id:
        return
    stmt = (
        select(scores)
        .where(
            scores.c.project_id == project_id,
            scores.c.session_id.in_(list(by_id)),
            scores.c.trace_id.is_(None),
        )
        .order_by(scores.c.timestamp)
    )
    for sc in conn.execute(stmt):
        by_id[sc.session_id].append(dict(sc._mapping))


def get_session(conn: Connection, project_id: str, session_id: str) -> dict[str, Any] | None:
    """One session row with its scores, or None."""
    r = conn.execute(
        select(sessions).where(sessions.c.project_id == project_id, sessions.c.id == session_id)
    ).first()
    if r is None:
        return None
    row = dict(r._mapping)
    attach_session_scores(conn, project_id, [row])
    return row


@dataclass(slots=True)
class TraceFilter:
    """Filters of the traces list."""

    user_id: str | None = None
    name: str | None = None
    session_id: str | None = None
    from_timestamp: datetime | None = None
    to_timestamp: datetime | None = None
    tags: Sequence[str] = ()
    version: str | None = None
    release: str | None = None
    environments: Sequence[str] = ()


def _trace_select(project_id: str, f: TraceFilter) -> Select[Any]:
    t = traces.c
    cond: list[ColumnElement[bool]] = [t.project_id == project_id]
    cond += equal_to(
        (
            (f.user_id, t.user_id),
            (f.name, t.name),
            (f.session_id, t.session_id),
            (f.version, t.version),
            (f.release, t.release),
        )
    )
    if f.from_timestamp is not None:
        cond.append(t.timestamp >= f.from_timestamp)
    if f.to_timestamp is not None:
        cond.append(t.timestamp < f.to_timestamp)
    if f.environments:
        cond.append(t.environment.in_(list(f.environments)))
    for tag in f.tags:
        cond.append(
            t.id.in_(
                select(trace_tags.c.trace_id).where(
                    trace_tags.c.project_id == project_id, trace_tags.c.tag == tag
                )
            )
        )
    return select(traces).where(and_(*cond))


def list_traces(
    conn: Connection,
    project_id: str,
    f: TraceFilter,
    page: Page,
    order_by: str | None = None,
    *,
    chronological: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """A page of traces (newest first, or oldest first when `chronological`) and the count."""
    if chronological and not order_by:
        column, desc = "timestamp", False
    else:
        column, desc = parse_order(order_by, TRACE_SORTS, "timestamp")
    stmt = _trace_select(project_id, f)
    t = traces.c
    if column == "latency":
        key: Any = (
            func.coalesce(func.julianday(t.end_time) - func.julianday(t.start_time), 0)
            if conn.dialect.name == "sqlite"
            else (t.end_time - t.start_time)
        )
    else:
        key = t[column]
    stmt = stmt.order_by(key.desc() if desc else key.asc(), t.id.desc() if desc else t.id.asc())
    rows = [dict(r._mapping) for r in conn.execute(stmt.limit(page.limit).offset(page.offset))]
    total = conn.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    attach_trace_children(conn, project_id, rows)
    return rows, int(total)


def attach_trace_children(conn: Connection, project_id: str, rows: list[dict[str, Any]]) -> None:
    """Add `observation_ids` and `score_ids` to each trace row."""
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r["observation_ids"] = []
        r["score_ids"] = []
    if not by_id:
        return
    ids = list(by_id)
    o = observations.c
    for oid, tid in conn.execute(
        select(o.id, o.trace_id)
        .where(o.project_id == project_id, o.trace_id.in_(ids))
        .order_by(o.start_time)
    ):
        by_id[tid]["observation_ids"].append(oid)
    for sid, tid in conn.execute(
        select(scores.c.id, scores.c.trace_id).where(
            scores.c.project_id == project_id, scores.c.trace_id.in_(ids)
        )
    ):
        by_id[tid]["score_ids"].append(sid)


def get_trace(conn: Connection, project_id: str, trace_id: str) -> dict[str, Any] | None:
    """One trace with `observations` (by start time) and `scores`, or None."""
    r = conn.execute(
        select(traces).where(traces.c.project_id == project_id, traces.c.id == trace_id)
    ).first()
    if r is None:
        return None
    row = dict(r._mapping)
    o = observations.c
    row["observations"] = [
        dict(x._mapping)
        for x in conn.execute(
            select(observations)
            .where(o.project_id == project_id, o.trace_id == trace_id)
            .order_by(o.start_time, o.id)
        )
    ]
    row["scores"] = [
        dict(x._mapping)
        for x in conn.execute(
            select(scores)
            .where(scores.c.project_id == project_id, scores.c.trace_id == trace_id)
            .order_by(scores.c.timestamp)
        )
    ]
    return row
