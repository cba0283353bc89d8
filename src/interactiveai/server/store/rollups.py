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


def _fold(
    agg: dict[str, Any],
    model: str | None,
    count: int,
    errors: int,
    start: datetime | None,
    end: datetime | None,
    sums: Sequence[Any],
) -> None:
    """Add one (trace, model) group of observations to the trace's rollup."""
    agg["observation_count"] += count
    agg["error_count"] += errors or 0
    if start is not None and (agg["start_time"] is None or start < agg["start_time"]):
        agg["start_time"] = start
    if end is not None and (agg["end_time"] is None or end > agg["end_time"]):
        agg["end_time"] = end
    for k, value in zip(_SUMS, sums, strict=True):
        agg[k] += value or 0
    if model:
        usage = _empty_usage()
        for k, value in zip(_SUMS, sums, strict=True):
            usage[_USAGE_KEYS[k]] = value or 0
        agg["usage_by_model"] = (agg["usage_by_model"] or {}) | {model: usage}


def trace_rollups(
    conn: Connection, project_id: str, trace_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Rollup column values of the given traces, computed from their stored observations."""
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
            _fold(per[r.trace_id], r.model, r.n, r.errors, r.start, r.end, r[-len(_SUMS) :])
    return per


def rollups_of_rows(
    rows: Iterable[Mapping[str, Any]], trace_ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The same rollups as `trace_rollups`, from observation rows in memory: for traces whose
    observations are all in hand (a trace first seen in this write)."""
    per = {tid: _zero_rollup() for tid in trace_ids}
    groups: dict[tuple[str, str | None], list[Any]] = {}
    for row in rows:
        tid = row["trace_id"]
        if tid not in per:
            continue
        start, end = row["start_time"], row["end_time"] or row["start_time"]
        group = groups.get((tid, row["model"]))
        if group is None:
            groups[(tid, row["model"])] = [
                1,
                int(row["level"] == "ERROR"),
                start,
                end,
                *(row[k] for k in _SUMS),
            ]
            continue
        group[0] += 1
        group[1] += row["level"] == "ERROR"
        if start is not None and (group[2] is None or start < group[2]):
            group[2] = start
        if end is not None and (group[3] is None or end > group[3]):
            group[3] = end
        for i, k in enumerate(_SUMS, 4):
            group[i] += row[k] or 0
    for (tid, model), (count, errors, start, end, *sums) in groups.items():
        _fold(per[tid], model, count, errors, start, end, sums)
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


def _add_trace(agg: dict[str, Any], r: Mapping[str, Any]) -> None:
    """Fold one trace row into a session aggregate (see `session_aggregate`)."""
    if agg["created_at"] is None or r["timestamp"] < agg["created_at"]:
        # A session is as old as its first trace, and has that trace's environment.
        agg["created_at"] = r["timestamp"]
        agg["environment"] = r["environment"]
    agg["count_traces"] += 1
    agg["count_observations"] += r["observation_count"]
    agg["error_count"] += r["error_count"]
    if r["user_id"]:
        agg["users"][r["user_id"]] = None
    for tag in r["tags"] or ():
        agg["tags"][tag] = None
    start = r["start_time"] or r["timestamp"]
    end = r["end_time"] or start
    if agg["start_time"] is None or start < agg["start_time"]:
        agg["start_time"] = start
    if agg["end_time"] is None or end > agg["end_time"]:
        agg["end_time"] = end
    for k in _SUMS:
        agg[k] += r[k] or 0
    for model, usage in (r["usage_by_model"] or {}).items():
        acc = agg["models"].setdefault(model, _empty_usage())
        for key, value in usage.items():
            acc[key] = acc.get(key, 0) + (value or 0)


def session_aggregate(
    trace_rows: Iterable[Mapping[str, Any]], stored: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A session's aggregate over trace rows, added to a stored session row if given.

    Adding to the stored row is right only when the traces are new to the session (none of them
    was counted in it before): the write path's shortcut for a conversation's next turn.
    """
    agg: dict[str, Any] = {
        "created_at": None,
        "environment": None,
        "start_time": None,
        "end_time": None,
        "count_traces": 0,
        "count_observations": 0,
        "error_count": 0,
        "users": {},
        "tags": {},
        "models": {},
    } | dict.fromkeys(_SUMS, 0)
    if stored is not None:
        for key in ("created_at", "environment", "start_time", "end_time", *_SUMS):
            agg[key] = stored[key]
        for key in ("count_traces", "count_observations", "error_count"):
            agg[key] = stored[key]
        agg["users"] = dict.fromkeys(stored["user_ids"] or ())
        agg["tags"] = dict.fromkeys(stored["tags"] or ())
        agg["models"] = {m: dict(u) for m, u in (stored["usage_by_model"] or {}).items()}
    for r in trace_rows:
        _add_trace(agg, r)
    return agg


def session_row(project_id: str, sid: str, agg: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The `sessions` columns a session aggregate sets."""
    return {
        "project_id": project_id,
        "id": sid,
        "created_at": agg["created_at"],
        "environment": agg["environment"],
        "start_time": agg["start_time"],
        "end_time": agg["end_time"],
        "duration_seconds": (agg["end_time"] - agg["start_time"]).total_seconds()
        if agg["start_time"] is not None
        else 0.0,
        "count_traces": agg["count_traces"],
        "count_observations": agg["count_observations"],
        "error_count": agg["error_count"],
        "user_ids": sorted(agg["users"]),
        "tags": sorted(agg["tags"]),
        "usage_by_model": agg["models"] or None,
        **session_sort_keys(agg["users"], agg["tags"], agg["models"]),
        "last_activity_at": now,
        **{k: agg[k] for k in _SUMS},
    }


def recompute_sessions(
    conn: Connection, project_id: str, session_ids: Sequence[str], now: datetime | None = None
) -> None:
    """Recompute the given sessions' aggregates from their traces; drop sessions left empty."""
    if not session_ids:
        return
    now = now or datetime.now(UTC)
    t = traces.c
    per: dict[str, list[Mapping[str, Any]]] = {}
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
            per.setdefault(r.session_id, []).append(dict(r._mapping))
    empty = [sid for sid in set(session_ids) if sid not in per]
    s = sessions.c
    aggregates = {sid: session_aggregate(rows) for sid, rows in per.items()}
    bulk_update(
        conn, sessions, [session_row(project_id, sid, agg, now) for sid, agg in aggregates.items()]
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
        for sid, agg in aggregates.items()
        for tag in agg["tags"]
    ]
    bulk_insert(conn, session_tags, tag_rows)
