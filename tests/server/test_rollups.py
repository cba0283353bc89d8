"""Session and trace rollups stay right when spans arrive late, out of order, twice, or move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from interactiveai.server.ingest.apply import apply_records
from interactiveai.server.ingest.records import (
    ObservationRecord,
    TraceRecord,
    pack_records,
    unpack_records,
)
from interactiveai.server.store import queries
from interactiveai.server.store.projects import create_project
from interactiveai.server.store.schema import sessions, traces
from interactiveai.server.store.session_stats import cohort_stats

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def project(engine: Engine) -> str:
    with engine.begin() as conn:
        return create_project(conn, "p").id


def gen(
    oid: str,
    trace_id: str,
    *,
    start: int = 0,
    end: int = 1,
    model: str | None = "gpt-4o",
    inp: int = 10,
    out: int = 5,
    cost: float | None = 0.01,
    level: str | None = None,
) -> ObservationRecord:
    return ObservationRecord(
        id=oid,
        trace_id=trace_id,
        type="generation",
        name=f"gen-{oid}",
        start_time=T0 + timedelta(seconds=start),
        end_time=T0 + timedelta(seconds=end),
        model=model,
        usage_details={"input": inp, "output": out, "total": inp + out},
        cost_details={"input": cost / 2, "output": cost / 2, "total": cost} if cost else None,
        level=level,
    )


def write(
    engine: Engine, project: str, obs: list[ObservationRecord], trs: list[TraceRecord]
) -> None:
    with engine.begin() as conn:
        apply_records(conn, project, obs, trs)


def session(engine: Engine, project: str, sid: str) -> dict:
    with engine.connect() as conn:
        row = queries.get_session(conn, project, sid)
    assert row is not None
    return row


def test_session_created_on_first_reference_with_aggregates(engine: Engine, project: str) -> None:
    write(
        engine,
        project,
        [gen("o1", "t1", start=0, end=2), gen("o2", "t2", start=60, end=65, model="claude")],
        [
            TraceRecord(
                id="t1", session_id="s1", user_id="u1", tags=["a", "b"], environment="prod"
            ),
            TraceRecord(
                id="t2", session_id="s1", user_id="u2", tags=["b", "c"], environment="prod"
            ),
        ],
    )
    s = session(engine, project, "s1")
    assert s["count_traces"] == 2
    assert s["user_ids"] == ["u1", "u2"]
    assert s["tags"] == ["a", "b", "c"]
    assert s["environment"] == "prod"
    assert s["created_at"] == T0
    assert s["duration_seconds"] == pytest.approx(65.0)
    assert s["input_tokens"] == 20 and s["output_tokens"] == 10 and s["total_tokens"] == 30
    assert s["total_cost"] == pytest.approx(0.02)
    assert s["input_cost"] == pytest.approx(0.01)
    assert set(s["usage_by_model"]) == {"gpt-4o", "claude"}
    assert s["usage_by_model"]["claude"]["totalTokens"] == 15


def test_resent_spans_are_not_counted_twice(engine: Engine, project: str) -> None:
    batch = [gen("o1", "t1"), gen("o2", "t1", start=1, end=3)]
    trs = [TraceRecord(id="t1", session_id="s1")]
    write(engine, project, batch, trs)
    write(engine, project, [gen("o1", "t1"), gen("o2", "t1", start=1, end=3)], trs)
    s = session(engine, project, "s1")
    assert s["count_traces"] == 1
    assert s["count_observations"] == 2
    assert s["total_tokens"] == 30


def test_late_and_out_of_order_spans(engine: Engine, project: str) -> None:
    # The child arrives before the trace's session is known, the root arrives last.
    write(engine, project, [gen("o2", "t1", start=30, end=40)], [])
    with engine.connect() as conn:
        assert conn.execute(select(sessions)).first() is None
    write(engine, project, [], [TraceRecord(id="t1", session_id="s1")])
    write(
        engine,
        project,
        [gen("o1", "t1", start=-10, end=50, model=None, cost=None, inp=0, out=0)],
        [],
    )
    s = session(engine, project, "s1")
    assert s["created_at"] == T0 - timedelta(seconds=10)
    assert s["duration_seconds"] == pytest.approx(60.0)
    assert s["count_observations"] == 2


def test_updated_observation_changes_rollup(engine: Engine, project: str) -> None:
    write(
        engine, project, [gen("o1", "t1", inp=10, out=5)], [TraceRecord(id="t1", session_id="s1")]
    )
    # An update that brings only new usage keeps the rest of the observation.
    write(
        engine,
        project,
        [ObservationRecord(id="o1", trace_id="t1", usage_details={"input": 100, "output": 50})],
        [],
    )
    s = session(engine, project, "s1")
    assert s["input_tokens"] == 100 and s["total_tokens"] == 150
    with engine.connect() as conn:
        name = conn.execute(select(traces.c.name)).scalar_one()
    assert name is None  # no root span and no explicit name: stays unnamed


def test_trace_moving_sessions_updates_both(engine: Engine, project: str) -> None:
    write(
        engine,
        project,
        [gen("o1", "t1"), gen("o2", "t2")],
        [
            TraceRecord(id="t1", session_id="s1"),
            TraceRecord(id="t2", session_id="s1"),
        ],
    )
    write(engine, project, [], [TraceRecord(id="t2", session_id="s2")])
    assert session(engine, project, "s1")["count_traces"] == 1
    assert session(engine, project, "s2")["count_traces"] == 1
    write(engine, project, [], [TraceRecord(id="t1", session_id="s2")])
    with engine.connect() as conn:
        assert queries.get_session(conn, project, "s1") is None
    assert session(engine, project, "s2")["count_traces"] == 2


def test_errors_counted(engine: Engine, project: str) -> None:
    write(
        engine,
        project,
        [gen("o1", "t1", level="ERROR"), gen("o2", "t1")],
        [TraceRecord(id="t1", session_id="s1")],
    )
    assert session(engine, project, "s1")["error_count"] == 1


def test_explicit_trace_fields_win_over_root(engine: Engine, project: str) -> None:
    write(engine, project, [], [TraceRecord(id="t1", root_name="root", root_input={"q": 1})])
    write(engine, project, [], [TraceRecord(id="t1", name="explicit", input={"q": 2})])
    write(engine, project, [], [TraceRecord(id="t1", root_name="root2", root_input={"q": 3})])
    with engine.connect() as conn:
        row = queries.get_trace(conn, project, "t1")
    assert row is not None
    assert row["name"] == "explicit" and row["input"] == {"q": 2}


def test_list_sessions_sort_filter_and_isolation(engine: Engine, project: str) -> None:
    with engine.begin() as conn:
        other = create_project(conn, "other").id
    for i in range(5):
        write(
            engine,
            project,
            [gen(f"o{i}", f"t{i}", start=i * 100, end=i * 100 + i, cost=0.01 * (5 - i))],
            [
                TraceRecord(
                    id=f"t{i}",
                    session_id=f"s{i}",
                    user_id=f"u{i % 2}",
                    tags=[f"tag{i % 3}"],
                    environment="prod" if i < 3 else "dev",
                )
            ],
        )
    write(engine, other, [gen("x", "tx")], [TraceRecord(id="tx", session_id="s0")])
    page = queries.Page(1, 50)
    with engine.connect() as conn:
        rows, total = queries.list_sessions(conn, project, queries.SessionFilter(), page)
        assert total == 5 and [r["id"] for r in rows] == ["s4", "s3", "s2", "s1", "s0"]
        rows, _ = queries.list_sessions(
            conn, project, queries.SessionFilter(), page, "totalCost.desc"
        )
        assert rows[0]["id"] == "s0"
        rows, _ = queries.list_sessions(
            conn, project, queries.SessionFilter(), page, "durationSeconds.asc"
        )
        assert rows[0]["id"] == "s0"
        rows, total = queries.list_sessions(
            conn, project, queries.SessionFilter(user_id="u1"), page
        )
        assert {r["id"] for r in rows} == {"s1", "s3"} and total == 2
        rows, _ = queries.list_sessions(conn, project, queries.SessionFilter(tags=["tag0"]), page)
        assert {r["id"] for r in rows} == {"s0", "s3"}
        rows, _ = queries.list_sessions(
            conn, project, queries.SessionFilter(environments=["dev"]), page
        )
        assert {r["id"] for r in rows} == {"s3", "s4"}
        rows, _ = queries.list_sessions(
            conn, project, queries.SessionFilter(ranges={"totalCost": (0.025, None)}), page
        )
        assert {r["id"] for r in rows} == {"s0", "s1", "s2"}
        rows, total = queries.list_sessions(
            conn, project, queries.SessionFilter(), queries.Page(2, 2)
        )
        assert [r["id"] for r in rows] == ["s2", "s1"] and total == 5
        with pytest.raises(queries.QueryError, match="unknown field"):
            queries.list_sessions(conn, project, queries.SessionFilter(), page, "nope.desc")


@pytest.mark.parametrize("packed", [False, True], ids=["records", "packed"])
def test_nul_characters_are_stored(engine: Engine, project: str, packed: bool) -> None:
    # PostgreSQL text and jsonb refuse U+0000; applications do send it.
    obs = gen("o1", "t1")
    obs.name = "na\x00me"
    obs.input = {"text": "a\x00b", "k\x00": 1}
    trs = [TraceRecord(id="t1", session_id="s1", user_id="u\x00", tags=["t\x00ag"])]
    if packed:  # as from a decoding process: documents serialized already
        observations, trs = unpack_records(pack_records([obs], trs))
        obs = observations[0]
        assert type(obs.input) is bytes
    write(engine, project, [obs], trs)
    with engine.connect() as conn:
        row = queries.get_trace(conn, project, "t1")
    assert row is not None
    stored = row["observations"][0]
    assert stored["name"].startswith("na") and stored["input"]["text"].startswith("a")
    assert stored["input"]["text"].endswith("b") and len(stored["input"]) == 2


def test_sessions_sort_by_users_tags_and_usage(engine: Engine, project: str) -> None:
    # s1: users bo+al, tags x+b, mostly claude; s2: user cy, tag a, gpt-4o; s3: none of them.
    write(
        engine,
        project,
        [
            gen("o1", "t1", model="gpt-4o", inp=5, out=5),
            gen("o2", "t2", model="claude-3", inp=50, out=50),
            gen("o3", "t3", model="gpt-4o"),
            gen("o4", "t4", model=None),
        ],
        [
            TraceRecord(id="t1", session_id="s1", user_id="bo", tags=["x"]),
            TraceRecord(id="t2", session_id="s1", user_id="al", tags=["b"]),
            TraceRecord(id="t3", session_id="s2", user_id="cy", tags=["a"]),
            TraceRecord(id="t4", session_id="s3"),
        ],
    )
    page = queries.Page(1, 50)

    def order(by: str) -> list[str]:
        with engine.connect() as conn:
            rows, _ = queries.list_sessions(conn, project, queries.SessionFilter(), page, by)
        return [r["id"] for r in rows]

    # Sessions without users, tags or usage sort before the others, ascending.
    assert order("userIds.asc") == ["s3", "s1", "s2"]  # "", al, cy
    assert order("tags.asc") == ["s3", "s2", "s1"]  # "", a, b
    assert order("usage.asc") == ["s3", "s1", "s2"]  # "", claude-3, gpt-4o
    assert order("usage.desc") == ["s2", "s1", "s3"]
    # A late trace changes the keys: a new first user, and gpt-4o overtakes claude in s1.
    write(
        engine,
        project,
        [gen("o5", "t5", model="gpt-4o", inp=500, out=500)],
        [TraceRecord(id="t5", session_id="s1", user_id="aa", tags=["0"])],
    )
    row = session(engine, project, "s1")
    assert (row["sort_user_id"], row["sort_tag"], row["sort_model"]) == ("aa", "0", "gpt-4o")


def test_cohort_stats_add_up_the_filtered_sessions(engine: Engine) -> None:
    with engine.begin() as conn:
        project = create_project(conn, "cohorts").id
    # s0: 2 traces, cost 0.03, an error; s1: 1 trace, cost 0.01, on staging.
    write(
        engine,
        project,
        [
            gen("o1", "t1", cost=0.01, inp=10, out=0, level="ERROR"),
            gen("o2", "t2", start=10, end=20, cost=0.02, inp=20, out=0),
            gen("o3", "t3", cost=0.01, inp=5, out=5),
        ],
        [
            TraceRecord(id="t1", session_id="s0"),
            TraceRecord(id="t2", session_id="s0"),
            TraceRecord(id="t3", session_id="s1", environment="staging"),
        ],
    )
    with engine.connect() as conn:
        both = cohort_stats(conn, project, queries.SessionFilter())
        staging = cohort_stats(conn, project, queries.SessionFilter(environments=["staging"]))
        none = cohort_stats(conn, project, queries.SessionFilter(environments=["nowhere"]))
    assert both["sessions"] == 2 and both["error_sessions"] == 1 and both["error_rate"] == 0.5
    assert both["total_cost"] == pytest.approx(0.04) and both["avg_cost"] == pytest.approx(0.02)
    assert both["total_tokens"] == 40 and both["avg_tokens"] == pytest.approx(20)
    assert both["avg_traces"] == pytest.approx(1.5)
    assert both["avg_duration_seconds"] == pytest.approx((20 + 1) / 2)
    assert (staging["sessions"], staging["total_tokens"], staging["error_rate"]) == (1, 10, 0.0)
    assert none["sessions"] == 0 and none["avg_cost"] is None and none["error_rate"] is None
