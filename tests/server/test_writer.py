"""The writer: group commit, back-pressure, and one bad request not sinking the others."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from interactiveai.server.errors import OverloadedError
from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.ingest.writer import WriteJob, Writer
from interactiveai.server.store.projects import create_project
from interactiveai.server.store.schema import observations

T = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def project(engine: Engine) -> str:
    with engine.begin() as conn:
        return create_project(conn, "p").id


def job(project: str, n: int, prefix: str) -> WriteJob:
    obs = [
        ObservationRecord(id=f"{prefix}{i:04d}", trace_id=f"trace-{prefix}", start_time=T)
        for i in range(n)
    ]
    return WriteJob(project, obs, [TraceRecord(id=f"trace-{prefix}", session_id=f"s-{prefix}")])


def test_full_queue_answers_overloaded(engine: Engine, project: str) -> None:
    writer = Writer(engine, max_queue_spans=25, batch_spans=1000)  # not started: nothing drains
    writer.submit(job(project, 10, "a"))
    writer.submit(job(project, 10, "b"))
    with pytest.raises(OverloadedError) as err:
        writer.submit(job(project, 10, "c"))
    assert err.value.status == 503
    assert err.value.headers["Retry-After"] == "1"
    # What was accepted is written once the writer runs, in one group.
    writer.start()
    writer.stop()
    with engine.connect() as conn:
        assert len(conn.execute(select(observations.c.id)).all()) == 20
    assert writer.commits == 1


def test_bad_job_does_not_sink_the_group(engine: Engine, project: str) -> None:
    writer = Writer(engine)
    good1, good2 = job(project, 3, "g"), job(project, 2, "h")

    def boom(_conn: object) -> None:
        raise RuntimeError("broken extra write")

    bad = job(project, 4, "x")
    bad.extra = boom
    futures = [writer.submit(j) for j in (good1, bad, good2)]
    writer.start()
    assert futures[0].result(10) is None and futures[2].result(10) is None
    with pytest.raises(OverloadedError):
        futures[1].result(10)
    writer.stop()
    with engine.connect() as conn:
        ids = {r.id for r in conn.execute(select(observations.c.id))}
    # Nothing of the failed request is half-written; both others are complete.
    assert ids == {f"g{i:04d}" for i in range(3)} | {f"h{i:04d}" for i in range(2)}


def test_writer_survives_losing_its_connection(engine: Engine, project: str, dialect: str) -> None:
    # The writer keeps one connection; a PostgreSQL restart or an operator's kill ends it.
    writer = Writer(engine)
    writer.start()
    try:
        writer.submit(job(project, 2, "before")).result(10)
        assert writer._conn is not None
        if dialect == "postgresql":
            pid = writer._conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            writer._conn.commit()
            with engine.connect() as admin:
                admin.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        else:
            writer._conn.connection.dbapi_connection.close()  # type: ignore[union-attr]
        writer.submit(job(project, 3, "after")).result(10)
    finally:
        writer.stop()
    with engine.connect() as conn:
        assert len(conn.execute(select(observations.c.id)).all()) == 5
