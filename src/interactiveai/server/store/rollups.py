"""Keep trace and session rollups right: recomputed from their parts for the keys a write touched.

Why recompute rather than add deltas: spans arrive late, out of order, twice, or updated, and
traces move between sessions; recomputing a touched trace from its observations, then a
touched session from its traces, is right in all those cases and costs one indexed read of
a small set of rows. Under PostgreSQL with several server processes, callers lock the trace
and session rows (SELECT ... FOR UPDATE, in key order) before calling these, so the last
committer's recompute sees every committed part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, select

from interactiveai.server.store.bulk import bulk_insert, bulk_update
from interactiveai.server.store.schema import observations, session_tags, sessions, traces

_CHUNK = 500
_SUMS = ("input_cost", "output_cost", "total_cost", "input_tokens", "output_tokens", "total_tokens")


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    """Slices of at most `size` items: bounded IN lists for both dialects."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _empty_usage() -> dict[str, float]:
    return {
        "inputTokens": 0,
        "outputTokens": 0,
        "totalTokens": 0,
        "inputCost": 0.0,
        "outputCost": 0.0,
        "totalCost": 0.0,
    }


_USAGE_KEYS = {
    "input_tokens": "inputTokens",
    "output_tokens": "outputTokens",
    "total_tokens": "totalTokens",
    "input_cost": "inputCost",
    "output_cost": "outputCost",
    "total_cost": "totalCost",
}


def _zero_rollup() -> dict[str, Any]:
    return {
        "start_time": None,
        "end_time": None,
        "observation_count": 0,
        "error_count": 0,
        "usage_by_model": None,
    } | dict.fromkeys(_SUMS, 0)


def trace_rollups(
    conn: Connection, project_id: str, trace_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Rollup column values of the given traces, computed from their observations."""
    o = observations.c
    end = func.coalesce(o.end_time, o.start_time)
    per = {tid: _zero_rollup() for tid in trace_ids}
    for part in chunks(sorted(per)):
        rows = conn.execute(
            select(
                o.trace_id,
                o.model,
                func.count().label("n"),
                func.sum(case((o.level == "ERROR", 1), else_=0)).label("errors"),
                func.min(o.start_time).label("start"),
                func.max(end).label("end"),
                *(func.coalesce(func.sum(getattr(o, k)), 0).label(k) for k in _SUMS),
            )
            .where(o.project_id == project_id, o.trace_id.in_(part))
            .group_by(o.trace_id, o.model)
        )
        for r in rows:
            agg = per[r.trace_id]
            agg["observation_count"] += r.n
            agg["error_count"] += r.errors or 0
            if r.start is not None and (agg["start_time"] is None or r.start < agg["start_time"]):
                agg["start_time"] = r.start
            if r.end is not None and (agg["end_time"] is None or r.end > agg["end_time"]):
                agg["end_time"] = r.end
            for k in _SUMS:
                agg[k] += getattr(r, k) or 0
            if r.model:
                usage = _empty_usage()
                for k, camel in _USAGE_KEYS.items():
                    usage[camel] = getattr(r, k) or 0
                agg["usage_by_model"] = (agg["usage_by_model"] or {}) | {r.model: usage}
    return per


def apply_trace_rollup(row: dict[str, Any], rollup: dict[str, Any]) -> None:
    """Lay rollup values over a trace row (in place), with the trace timestamp rule."""
    row.update(rollup)
    # A trace's timestamp is its explicit one, else when its first observation started.
    if not row.get("timestamp_explicit") and rollup["start_time"] is not None:
        row["timestamp"] = rollup["start_time"]


def recompute_traces(conn: Connection, project_id: str, trace_ids: Sequence[str]) -> None:
    """Recompute rollup columns of the given traces from their observations."""
    if not trace_ids:
        return
    rollups = trace_rollups(conn, project_id, trace_ids)
    t = traces.c
    rows = []
    for part in chunks(sorted(rollups)):
        for r in conn.execute(
            select(t.project_id, t.id, t.timestamp, t.timestamp_explicit).where(
                t.project_id == project_id, t.id.in_(part)
            )
        ):
            row = dict(r._mapping)
            apply_trace_rollup(row, rollups[r.id])
            row.pop("timestamp_explicit")
            rows.append(row)
    bulk_update(conn, traces, rows)


def session_sort_keys(
    users: Iterable[str], tags: Iterable[str], usage_by_model: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """The sort keys of a session's user ids, tags and usage (see the `sessions` table)."""
    top = min(
        usage_by_model,
        key=lambda model: (-(usage_by_model[model].get("totalTokens") or 0), model),
        default="",
    )
    return {
        "sort_user_id": min(users, default="")[:200],
        "sort_tag": min(tags, default="")[:255],
        "sort_model": top[:255],
    }


def recompute_sessions(
    conn: Connection, project_id: str, session_ids: Sequence[str], now: datetime | None = None
) -> None:
    """Recompute the given sessions' aggregates from their traces; drop sessions left empty."""
    if not session_ids:
        return
    now = now or datetime.now(UTC)
    t = traces.c
    per: dict[str, dict[str, Any]] = {}
    for part in chunks(sorted(set(session_ids))):
        rows = conn.execute(
            select(
                t.session_id,
                t.timestamp,
                t.user_id,
                t.environment,
                t.tags,
                t.start_time,
                t.end_time,
                t.observation_count,
                t.error_count,
                t.usage_by_model,
                *(getattr(t, k) for k in _SUMS),
            )
            .where(t.project_id == project_id, t.session_id.in_(part))
            .order_by(t.session_id, t.timestamp)
        )
        for r in rows:
            agg = per.get(r.session_id)
            if agg is None:
                agg = per[r.session_id] = {
                    "created_at": r.timestamp,
                    "environment": r.environment,
                    "start": None,
                    "end": None,
                    "count_traces": 0,
                    "count_observations": 0,
                    "errors": 0,
                    "users": {},
                    "tags": {},
                    "models": {},
                } | dict.fromkeys(_SUMS, 0)
            agg["count_traces"] += 1
            agg["count_observations"] += r.observation_count
            agg["errors"] += r.error_count
            if r.user_id:
                agg["users"][r.user_id] = None
            for tag in r.tags or ():
                agg["tags"][tag] = None
            start = r.start_time or r.timestamp
            end = r.end_time or start
            if agg["start"] is None or start < agg["start"]:
                agg["start"] = start
            if agg["end"] is None or end > agg["end"]:
                agg["end"] = end
            for k in _SUMS:
                agg[k] += getattr(r, k) or 0
            for model, usage in (r.usage_by_model or {}).items():
                acc = agg["models"].setdefault(model, _empty_usage())
                for key, value in usage.items():
                    acc[key] = acc.get(key, 0) + (value or 0)
    empty = [sid for sid in set(session_ids) if sid not in per]
    s = sessions.c
    bulk_update(
        conn,
        sessions,
        [
            {
                "project_id": project_id,
                "id": sid,
                "created_at": agg["created_at"],
                "environment": agg["environment"],
                "start_time": agg["start"],
                "end_time": agg["end"],
                "duration_seconds": (agg["end"] - agg["start"]).total_seconds()
                if agg["start"] is not None
                else 0.0,
                "count_traces": agg["count_traces"],
                "count_observations": agg["count_observations"],
                "error_count": agg["errors"],
                "user_ids": sorted(agg["users"]),
                "tags": sorted(agg["tags"]),
                "usage_by_model": agg["models"] or None,
                **session_sort_keys(agg["users"], agg["tags"], agg["models"]),
                "last_activity_at": now,
                **{k: agg[k] for k in _SUMS},
            }
            for sid, agg in per.items()
        ],
    )
    for part in chunks(sorted(empty)):
        conn.execute(delete(sessions).where(and_(s.project_id == project_id, s.id.in_(part))))
    st = session_tags.c
    for part in chunks(sorted(set(session_ids))):
        conn.execute(
            delete(session_tags).where(st.project_id == project_id, st.session_id.in_(part))
        )
    tag_rows = [
        {"project_id": project_id, "tag": tag, "session_id": sid}
        for sid, agg in per.items()
        for tag in agg["tags"]
    ]
    bulk_insert(conn, session_tags, tag_rows)
