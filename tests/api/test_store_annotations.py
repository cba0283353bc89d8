"""Store functions for scores, score configs, comments, deletes and bookmarks (both dialects)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from interactiveai.server.errors import BadRequestError, NotFoundError
from interactiveai.server.ingest.apply import apply_records
from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.store import comments, deletes, queries, scores
from interactiveai.server.store.projects import create_project
from interactiveai.server.store.schema import observations, trace_tags, traces

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def project(engine: Engine) -> str:
    with engine.begin() as conn:
        return create_project(conn, "p").id


def _trace(engine: Engine, project: str, tid: str, session: str | None, *, start: int = 0) -> None:
    obs = ObservationRecord(
        id=tid[:16],
        trace_id=tid,
        type="generation",
        start_time=T0 + timedelta(seconds=start),
        end_time=T0 + timedelta(seconds=start + 1),
        model="m",
        usage_details={"input": 10, "output": 5, "total": 15},
        cost_details={"input": 0.01, "output": 0.02, "total": 0.03},
    )
    with engine.begin() as conn:
        apply_records(conn, project, [obs], [TraceRecord(id=tid, session_id=session, tags=["t"])])


def tid(n: int) -> str:
    return f"{n:032x}"


def test_score_data_types_and_validation(engine: Engine, project: str) -> None:
    _trace(engine, project, tid(1), "s1")
    with engine.begin() as conn:
        num = scores.create_score(conn, project, name="q", value=0.5, trace_id=tid(1))
        boo = scores.create_score(conn, project, name="ok", value=True, session_id="s1")
        cat = scores.create_score(conn, project, name="c", value="good", session_id="s1")
        txt = scores.create_score(
            conn, project, name="t", value="free text", data_type="TEXT", trace_id=tid(1)
        )
        obs = scores.create_score(conn, project, name="o", value=1, observation_id=tid(1)[:16])
        got = {s["id"]: s for s in scores.list_scores(conn, project)}
    assert got[num]["data_type"] == "NUMERIC" and got[num]["value"] == 0.5
    assert got[boo]["data_type"] == "BOOLEAN" and got[boo]["string_value"] == "True"
    assert got[cat]["data_type"] == "CATEGORICAL" and got[cat]["string_value"] == "good"
    assert got[txt]["value"] is None and got[txt]["string_value"] == "free text"
    # An observation alone is resolved to its trace.
    assert got[obs]["trace_id"] == tid(1)

    bad: list[tuple[dict[str, object], str]] = [
        ({"name": "x", "value": 1}, "traceId"),
        ({"name": "x", "value": 1, "trace_id": tid(1), "session_id": "s1"}, "traceId"),
        ({"name": "", "value": 1, "trace_id": tid(1)}, "name"),
        ({"name": "x", "value": "a", "data_type": "NUMERIC", "trace_id": tid(1)}, "value"),
        ({"name": "x", "value": 2, "data_type": "BOOLEAN", "trace_id": tid(1)}, "value"),
        ({"name": "x", "value": 1, "data_type": "PERCENT", "trace_id": tid(1)}, "dataType"),
        ({"name": "x", "value": 1, "source": "HUMAN", "trace_id": tid(1)}, "source"),
        ({"name": "x", "value": 1, "session_id": "é"}, "sessionId"),
        ({"name": "x", "value": 1, "session_id": "s" * 200}, "sessionId"),
        ({"name": "x", "value": 1, "observation_id": "f" * 16}, "traceId"),
        ({"name": "x", "value": 1, "trace_id": tid(1), "config_id": "nope"}, "configId"),
        ({"name": "x", "value": float("nan"), "trace_id": tid(1)}, "value"),
        ({"name": "x", "value": 1, "trace_id": "t" * 65}, "traceId"),
    ]
    for kwargs, field in bad:
        with engine.begin() as conn, pytest.raises(BadRequestError) as info:
            scores.create_score(conn, project, **kwargs)  # type: ignore[arg-type]
        assert field in info.value.message, (kwargs, info.value.message)


def test_score_upsert_delete_and_isolation(engine: Engine, project: str) -> None:
    with engine.begin() as conn:
        other = create_project(conn, "other").id
        sid = scores.create_score(conn, project, name="q", value=1, session_id="s", score_id="x1")
        scores.create_score(conn, project, name="q", value=3, session_id="s", score_id="x1")
        rows = scores.list_scores(conn, project, session_id="s")
        assert [(r["id"], r["value"]) for r in rows] == [(sid, 3.0)]
        assert scores.list_scores(conn, other) == []
        assert scores.delete_score(conn, other, sid) is False
        assert scores.delete_score(conn, project, sid) is True
        assert scores.delete_score(conn, project, sid) is False


def test_score_configs_constrain_scores(engine: Engine, project: str) -> None:
    with engine.begin() as conn:
        cat = scores.create_score_config(
            conn,
            project,
            name="verdict",
            data_type="CATEGORICAL",
            categories=[{"label": "bad", "value": 0}, {"label": "good", "value": 1}],
        )
        num = scores.create_score_config(
            conn, project, name="stars", data_type="NUMERIC", min_value=1, max_value=5
        )
        boo = scores.create_score_config(conn, project, name="ok", data_type="BOOLEAN")
        configs = {c["id"]: c for c in scores.list_score_configs(conn, project)}
        assert len(configs[boo]["categories"]) == 2
        s = scores.create_score(
            conn, project, name="verdict", value="good", session_id="s", config_id=cat
        )
        assert scores.get_score(conn, project, s)["value"] == 1.0  # type: ignore[index]
        scores.create_score(conn, project, name="stars", value=5, session_id="s", config_id=num)
    for kwargs, field in [
        ({"name": "verdict", "value": "meh", "config_id": cat}, "value"),
        ({"name": "stars", "value": 6, "config_id": num}, "value"),
        ({"name": "other", "value": 3, "config_id": num}, "name"),
        ({"name": "stars", "value": 3, "config_id": num, "data_type": "BOOLEAN"}, "dataType"),
    ]:
        with engine.begin() as conn, pytest.raises(BadRequestError) as info:
            scores.create_score(conn, project, session_id="s", **kwargs)  # type: ignore[arg-type]
        assert field in info.value.message
    for fields, field in [
        ({"name": "x", "data_type": "CATEGORICAL"}, "categories"),
        ({"name": "x", "data_type": "NUMERIC", "min_value": 3, "max_value": 1}, "minValue"),
        ({"name": "x", "data_type": "NOPE"}, "dataType"),
        ({"data_type": "NUMERIC"}, "name"),
        (
            {"name": "x", "data_type": "CATEGORICAL", "categories": [{"label": "a", "value": "z"}]},
            "categories[0].value",
        ),
    ]:
        with engine.begin() as conn, pytest.raises(BadRequestError) as info:
            scores.create_score_config(conn, project, **fields)
        assert field in info.value.message


def test_comments_need_an_existing_object(engine: Engine, project: str) -> None:
    _trace(engine, project, tid(1), "s1")
    with engine.begin() as conn:
        c1 = comments.create_comment(conn, project, "TRACE", tid(1), "looks wrong", "u1")
        comments.create_comment(conn, project, "session", "s1", "escalated")
        comments.create_comment(conn, project, "OBSERVATION", tid(1)[:16], "slow")
        assert [c["id"] for c in comments.list_comments(conn, project, "TRACE", tid(1))] == [c1]
        assert len(comments.list_comments(conn, project, "SESSION", "s1")) == 1
        other = create_project(conn, "other").id
    for args, exc in [
        (("TRACE", tid(9), "x"), NotFoundError),
        (("SESSION", "nope", "x"), NotFoundError),
        (("BLOB", tid(1), "x"), BadRequestError),
        (("TRACE", tid(1), ""), BadRequestError),
        (("TRACE", tid(1), "x" * 5001), BadRequestError),
    ]:
        with engine.begin() as conn, pytest.raises(exc):
            comments.create_comment(conn, project, *args)
    with engine.begin() as conn, pytest.raises(NotFoundError):
        comments.create_comment(conn, other, "TRACE", tid(1), "not yours")


def test_delete_traces_and_session_keep_rollups(engine: Engine, project: str) -> None:
    _trace(engine, project, tid(1), "s1", start=0)
    _trace(engine, project, tid(2), "s1", start=10)
    _trace(engine, project, tid(3), "s2")
    with engine.begin() as conn:
        scores.create_score(conn, project, name="q", value=1, trace_id=tid(1))
        scores.create_score(conn, project, name="q", value=1, session_id="s1")
        comments.create_comment(conn, project, "TRACE", tid(1), "x")
        assert deletes.delete_traces(conn, project, [tid(1), tid(9)]) == 1
        s1 = queries.get_session(conn, project, "s1")
        assert s1 is not None
        assert s1["count_traces"] == 1 and s1["total_tokens"] == 15
        assert s1["total_cost"] == pytest.approx(0.03)
        assert s1["duration_seconds"] == pytest.approx(1.0)
        assert len(s1["scores"]) == 1  # the session score stays
        assert scores.list_scores(conn, project, trace_id=tid(1)) == []
        assert comments.list_comments(conn, project, "TRACE", tid(1)) == []
        n_obs = conn.execute(
            select(func.count()).select_from(observations).where(observations.c.trace_id == tid(1))
        ).scalar_one()
        assert n_obs == 0

        assert deletes.set_session_bookmark(conn, project, "s2", True) is True
        assert queries.get_session(conn, project, "s2")["bookmarked"] is True  # type: ignore[index]
        assert deletes.set_session_bookmark(conn, project, "nope", True) is False

        assert deletes.delete_session(conn, project, "s1") is True
        assert queries.get_session(conn, project, "s1") is None
        assert scores.list_scores(conn, project, session_id="s1") == []
        assert deletes.delete_session(conn, project, "s1") is False
        left = conn.execute(select(traces.c.id).where(traces.c.project_id == project)).all()
        assert [r[0] for r in left] == [tid(3)]
        tags = conn.execute(select(trace_tags.c.trace_id)).all()
        assert [r[0] for r in tags] == [tid(3)]
