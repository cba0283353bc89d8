"""The write path's shortcuts (new traces rolled up in memory, sessions added to instead of
recomputed) give exactly what recomputing everything from the stored observations gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select

from interactiveai.server.ingest.apply import apply_records
from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.store.projects import create_project
from interactiveai.server.store.rollups import recompute_sessions, recompute_traces
from interactiveai.server.store.schema import session_tags, sessions, traces

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TRACES = [f"t{i:02}" for i in range(14)]
SESSIONS = ["s1", "s2", "s3", "s4", None]
# Each observation belongs to one trace for good (ids are unique per trace in OTLP).
OBSERVATIONS = {f"o{i:02}": TRACES[i % len(TRACES)] for i in range(45)}


def _observation(rng: random.Random, oid: str) -> ObservationRecord:
    start = T0 + timedelta(seconds=rng.randrange(-300, 3000))
    usage = {"input": rng.randrange(100), "output": rng.randrange(50)}
    return ObservationRecord(
        id=oid,
        trace_id=OBSERVATIONS[oid],
        type=rng.choice(["span", "generation"]),
        start_time=start if rng.random() < 0.9 else None,
        end_time=start + timedelta(seconds=rng.randrange(60)) if rng.random() < 0.7 else None,
        model=rng.choice([None, "gpt-4o", "claude"]),
        usage_details=usage if rng.random() < 0.7 else None,
        cost_details={"total": rng.randrange(1, 99) / 1000} if rng.random() < 0.5 else None,
        level=rng.choice([None, "DEFAULT", "ERROR"]),
    )


def _trace(rng: random.Random, tid: str) -> TraceRecord:
    return TraceRecord(
        id=tid,
        session_id=rng.choice(SESSIONS),
        user_id=rng.choice([None, "u1", "u2", "u3"]),
        tags=rng.sample(["a", "b", "c", "d"], rng.randrange(3)) or None,
        environment=rng.choice([None, "prod", "staging"]),
        timestamp=T0 + timedelta(seconds=rng.randrange(-600, 600)) if rng.random() < 0.1 else None,
    )


def _snapshot(conn: Connection, project: str) -> dict[str, Any]:
    def rows(table: Any, skip: set[str]) -> dict[str, dict[str, Any]]:
        found = conn.execute(select(table).where(table.c.project_id == project))
        return {r.id: {k: v for k, v in r._mapping.items() if k not in skip} for r in found}

    tags = conn.execute(
        select(session_tags.c.session_id, session_tags.c.tag).where(
            session_tags.c.project_id == project
        )
    )
    return {
        "traces": rows(traces, {"updated_at", "created_at"}),
        "sessions": rows(sessions, {"last_activity_at", "first_seen_at"}),
        "session_tags": sorted(tuple(r) for r in tags),
    }


def _approx(value: Any) -> Any:
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-9, abs=1e-12)
    if isinstance(value, dict):
        return {k: _approx(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_rollups_equal_a_full_recompute(engine: Engine, seed: int) -> None:
    rng = random.Random(seed)
    with engine.begin() as conn:
        project = create_project(conn, "p").id
    for _ in range(25):
        obs = [_observation(rng, oid) for oid in rng.sample(sorted(OBSERVATIONS), rng.randrange(8))]
        trs = [_trace(rng, tid) for tid in rng.sample(TRACES, rng.randrange(4))]
        with engine.begin() as conn:
            apply_records(conn, project, obs, trs)
        with engine.connect() as conn:
            written = _snapshot(conn, project)
            recompute_traces(conn, project, sorted(written["traces"]))
            session_ids = {t["session_id"] for t in written["traces"].values()} - {None}
            recompute_sessions(conn, project, sorted(session_ids | set(written["sessions"])))
            recomputed = _snapshot(conn, project)
            conn.rollback()
        assert written["session_tags"] == recomputed["session_tags"]
        assert written["traces"] == _approx(recomputed["traces"])
        assert written["sessions"] == _approx(recomputed["sessions"])
    assert written["sessions"], "the random writes made no session at all"
