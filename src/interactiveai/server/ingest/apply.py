"""Apply decoded records to the database inside one transaction: merge, upsert, roll up.

Records are merged field by field into what exists (a given value wins, `None` keeps the
stored one), so re-sent spans, `*-update` events and late arrivals all converge on one row,
and nothing is counted twice: rollups are recomputed from the merged rows.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.ingest.usage import cost_totals, usage_totals
from interactiveai.server.store.bulk import bulk_insert, bulk_update
from interactiveai.server.store.rollups import (
    apply_trace_rollup,
    chunks,
    recompute_sessions,
    rollups_of_rows,
    session_aggregate,
    session_row,
    trace_rollups,
)
from interactiveai.server.store.schema import (
    observations,
    session_tags,
    sessions,
    trace_tags,
    traces,
)

# (connection, project id, model, usage details, start time) -> cost details or None.
PriceFn = Callable[[Connection, str, str, Mapping[str, int], datetime], dict[str, float] | None]

_OBS_FIELDS = [f.name for f in fields(ObservationRecord)]
_OBS_VALUES = attrgetter(*_OBS_FIELDS)  # one C call for all of a record's fields
_TRACE_FIELDS = [f.name for f in fields(TraceRecord)]
_TRACE_SCALARS = ("user_id", "session_id", "release", "version", "environment", "public")


def merge_observations(records: Iterable[ObservationRecord]) -> dict[str, ObservationRecord]:
    """Fold records with the same id into one; later given fields win."""
    merged: dict[str, ObservationRecord] = {}
    for rec in records:
        cur = merged.get(rec.id)
        if cur is None:
            merged[rec.id] = rec
            continue
        for name in _OBS_FIELDS:
            value = getattr(rec, name)
            if value is not None:
                setattr(cur, name, value)
    return merged


def merge_traces(records: Iterable[TraceRecord]) -> dict[str, TraceRecord]:
    """Fold trace records with the same id: scalars later-wins, tags union, metadata merged."""
    merged: dict[str, TraceRecord] = {}
    for rec in records:
        cur = merged.get(rec.id)
        if cur is None:
            # A copy: merging must not change the caller's records.
            merged[rec.id] = copy.copy(rec)
            continue
        for name in _TRACE_FIELDS:
            value = getattr(rec, name)
            if value is None:
                continue
            if name == "tags":
                cur.tags = _union(cur.tags, value)
            elif name == "metadata":
                cur.metadata = {**(cur.metadata or {}), **value}
            elif name == "root_start_time" and cur.root_start_time is not None:
                cur.root_start_time = min(cur.root_start_time, value)
            else:
                setattr(cur, name, value)
    return merged


def _union(a: Sequence[str] | None, b: Sequence[str] | None) -> list[str]:
    return list(dict.fromkeys([*(a or ()), *(b or ())]))


def _insert(conn: Connection, table: Table) -> Any:
    """An INSERT ... ON CONFLICT DO NOTHING for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def _select_for_update(conn: Connection, stmt: Any) -> Any:
    # SQLite has one writer at a time already; PostgreSQL needs the row locks so that
    # concurrent server processes serialize their read-merge-write of the same rows.
    return stmt.with_for_update() if conn.dialect.name == "postgresql" else stmt


def _stored_rows(
    conn: Connection, table: Table, project_id: str, ids: Sequence[str], *, lock: bool
) -> dict[str, dict[str, Any]]:
    """The stored rows of `ids` (sorted) by id; `lock` takes their row locks in key order."""
    rows: dict[str, dict[str, Any]] = {}
    for part in chunks(ids):
        stmt = select(table).where(table.c.project_id == project_id, table.c.id.in_(part))
        if lock:
            stmt = _select_for_update(conn, stmt.order_by(table.c.id))
        for found in conn.execute(stmt):
            rows[found.id] = dict(found._mapping)
    return rows


def _server_defaults(table: Table) -> dict[str, Any]:
    """The values the database would fill in for columns left out of an INSERT."""
    out: dict[str, Any] = {}
    for col in table.c:
        default = col.server_default
        arg = getattr(default, "arg", None)
        if arg is None:
            out[col.name] = None
        elif isinstance(arg, str):
            out[col.name] = col.type.python_type(arg) if arg else arg
        else:  # false()
            out[col.name] = False
    return out


_TRACE_DEFAULTS = _server_defaults(traces)


def apply_records(
    conn: Connection,
    project_id: str,
    obs_records: Sequence[ObservationRecord],
    trace_records: Sequence[TraceRecord],
    *,
    now: datetime | None = None,
    price: PriceFn | None = None,
) -> None:
    """Merge the records into the database and bring trace and session rollups up to date.

    Traces first seen here (the common case: a new turn of a conversation) are built in
    memory and inserted whole; their rollups come from the observation rows in hand, and a
    session that only gains such traces is added to rather than recomputed. Anything else
    (late spans, re-sent spans, a trace moving sessions) is merged into the stored rows and
    recomputed from the database.
    """
    now = now or datetime.now(UTC)
    obs_by_id = merge_observations(obs_records)
    trace_recs = merge_traces(trace_records)
    for obs in obs_by_id.values():
        trace_recs.setdefault(obs.trace_id, TraceRecord(id=obs.trace_id))

    trace_ids = sorted(trace_recs)
    if not trace_ids:
        return
    # Stored traces first, in key order: on PostgreSQL that takes the row locks in one order
    # everywhere. A trace another process inserts meanwhile makes our INSERT below fail on
    # its key, and the writer retries the transaction, which then finds it stored.
    existing_traces = _stored_rows(conn, traces, project_id, trace_ids, lock=True)
    fresh = [tid for tid in trace_ids if tid not in existing_traces]

    obs_rows = _write_observations(conn, project_id, obs_by_id, now, price)

    rollups = trace_rollups(conn, project_id, sorted(existing_traces))
    rollups.update(rollups_of_rows(obs_rows, fresh))
    first_start = _first_starts(obs_by_id.values())
    old_sessions: set[str] = set()
    tag_changes: list[dict[str, Any]] = []
    stored_rows, fresh_rows = [], []
    for tid in trace_ids:
        row = existing_traces.get(tid)
        rec = trace_recs[tid]
        if row is None:
            row = _TRACE_DEFAULTS | {
                "project_id": project_id,
                "id": tid,
                "timestamp": rec.root_start_time or first_start.get(tid) or now,
                "created_at": now,
            }
            fresh_rows.append(row)
        else:
            stored_rows.append(row)
        old_session, old_tags = row["session_id"], row["tags"]
        _merge_trace_row(row, rec)
        if old_session is not None and old_session != row["session_id"]:
            old_sessions.add(old_session)
        if row["tags"] != old_tags or row["session_id"] != old_session:
            tag_changes.append(row)
        apply_trace_rollup(row, rollups[tid])
        row["updated_at"] = now
    bulk_insert(conn, traces, fresh_rows)
    bulk_update(conn, traces, stored_rows)
    _write_trace_tags(conn, project_id, tag_changes, fresh={r["id"] for r in fresh_rows})
    _write_sessions(conn, project_id, fresh_rows, stored_rows, old_sessions, now)


def _write_sessions(
    conn: Connection,
    project_id: str,
    fresh_rows: Sequence[dict[str, Any]],
    stored_rows: Sequence[dict[str, Any]],
    old_sessions: set[str],
    now: datetime,
) -> None:
    """Bring the sessions the traces belong to (or left) up to date."""
    gained: dict[str, list[dict[str, Any]]] = {}
    for row in fresh_rows:
        if row["session_id"] is not None:
            gained.setdefault(row["session_id"], []).append(row)
    # A session that a stored trace joined, left or changed within is recomputed from its
    # traces; one that only gained new traces is added to.
    recompute = old_sessions | {r["session_id"] for r in stored_rows if r["session_id"]}
    touched = sorted(recompute | gained.keys())
    if not touched:
        return
    stored = _stored_rows(conn, sessions, project_id, touched, lock=True)
    inserts, updates, new_tags = [], [], []
    for sid, rows in gained.items():
        if sid in recompute:
            continue
        before = stored.get(sid)
        agg = session_aggregate(rows, before)
        row = session_row(project_id, sid, agg, now)
        if before is None:
            inserts.append(row | {"first_seen_at": now})
        else:
            updates.append(row)
        known = set((before or {}).get("tags") or ())
        new_tags += [
            {"project_id": project_id, "tag": tag, "session_id": sid}
            for tag in agg["tags"]
            if tag not in known
        ]
    bulk_insert(conn, sessions, inserts)
    bulk_update(conn, sessions, updates)
    bulk_insert(conn, session_tags, new_tags)
    if recompute:
        # A stored trace may have moved into a session that has no row yet.
        missing = sorted(sid for sid in recompute if sid not in stored)
        if missing:
            conn.execute(
                _insert(conn, sessions),
                [
                    {
                        "project_id": project_id,
                        "id": sid,
                        "created_at": now,
                        "first_seen_at": now,
                        "last_activity_at": now,
                    }
                    for sid in missing
                ],
            )
        recompute_sessions(conn, project_id, sorted(recompute), now)


def _first_starts(records: Iterable[ObservationRecord]) -> dict[str, datetime]:
    first: dict[str, datetime] = {}
    for rec in records:
        if rec.start_time is not None:
            cur = first.get(rec.trace_id)
            if cur is None or rec.start_time < cur:
                first[rec.trace_id] = rec.start_time
    return first


def _merge_trace_row(row: dict[str, Any], rec: TraceRecord) -> None:
    """Overlay one merged trace record on the stored row (in place)."""
    for name in _TRACE_SCALARS:
        value = getattr(rec, name)
        if value is not None:
            row[name] = value
    if rec.timestamp is not None:
        row["timestamp"] = rec.timestamp
        row["timestamp_explicit"] = True
    if rec.tags is not None:
        row["tags"] = _union(row["tags"], rec.tags)
    if rec.metadata is not None:
        row["metadata"] = {**(row["metadata"] or {}), **rec.metadata}
    # Explicit trace name/input/output win; the root observation's stand in until then.
    for name in ("name", "input", "output"):
        value = getattr(rec, name)
        if value is not None:
            row[name] = value
            row[f"{name}_explicit"] = True
        elif not row[f"{name}_explicit"]:
            root_value = getattr(rec, f"root_{name}")
            if root_value is not None:
                row[name] = root_value


def _write_trace_tags(
    conn: Connection, project_id: str, rows: Sequence[dict[str, Any]], fresh: set[str]
) -> None:
    """Mirror the tags of changed traces into `trace_tags`, which the tag filters read."""
    if not rows:
        return
    tt = trace_tags.c
    for part in chunks([r["id"] for r in rows if r["id"] not in fresh]):
        conn.execute(delete(trace_tags).where(tt.project_id == project_id, tt.trace_id.in_(part)))
    values = [
        {"project_id": project_id, "trace_id": r["id"], "tag": tag, "session_id": r["session_id"]}
        for r in rows
        for tag in r["tags"] or ()
    ]
    bulk_insert(conn, trace_tags, values)


def _write_observations(
    conn: Connection,
    project_id: str,
    records: Mapping[str, ObservationRecord],
    now: datetime,
    price: PriceFn | None,
) -> list[dict[str, Any]]:
    """Insert or merge the observations; returns their rows as written."""
    if not records:
        return []
    ids = sorted(records)
    existing = _stored_rows(conn, observations, project_id, ids, lock=False)
    new_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    template = dict.fromkeys(_OBS_FIELDS) | {
        "project_id": project_id,
        "type": "span",
        "level": "DEFAULT",
        "environment": "default",
        "cost_computed": False,
        "created_at": now,
    }
    for oid in ids:
        rec = records[oid]
        row: dict[str, Any] | None = existing.get(oid)
        is_new = row is None
        if row is None:
            row = template.copy()
        usage_before, model_before = row.get("usage_details"), row.get("model")
        for name, value in zip(_OBS_FIELDS, _OBS_VALUES(rec), strict=True):
            if value is not None:
                row[name] = value
        if row["start_time"] is None:
            row["start_time"] = now
        if rec.cost_details is not None:
            row["cost_computed"] = False
        elif (
            price is not None
            and row["model"]
            and row["usage_details"]
            and (
                row["cost_details"] is None
                or (
                    row["cost_computed"]
                    and (row["usage_details"] != usage_before or row["model"] != model_before)
                )
            )
        ):
            computed = price(
                conn, project_id, row["model"], row["usage_details"], row["start_time"]
            )
            if computed is not None:
                row["cost_details"] = computed
                row["cost_computed"] = True
        row["input_tokens"], row["output_tokens"], row["total_tokens"] = usage_totals(
            row["usage_details"] or {}
        )
        row["input_cost"], row["output_cost"], row["total_cost"] = cost_totals(
            row["cost_details"] or {}
        )
        row["updated_at"] = now
        if is_new:
            new_rows.append(row)
        else:
            updates.append(row)
    bulk_insert(conn, observations, new_rows)
    bulk_update(conn, observations, updates)
    return new_rows + updates
