"""Two server processes on one database (PostgreSQL, or one SQLite file) keep session rollups
right."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

from tests.conftest import new_pg_database
from tests.support.postgres import PostgresCluster
from tests.support.server import start_server

SESSIONS = 4
TRACES = 60
SPANS_PER_TRACE = 3


def trace_request(n: int, rng: random.Random) -> bytes:
    trace_id = rng.getrandbits(128).to_bytes(16, "big")
    root = rng.getrandbits(64).to_bytes(8, "big")
    spans = []
    for i in range(SPANS_PER_TRACE):
        attrs = [
            KeyValue(key="session.id", value=AnyValue(string_value=f"shared-{n % SESSIONS}")),
            KeyValue(key="gen_ai.request.model", value=AnyValue(string_value="m")),
            KeyValue(key="gen_ai.usage.input_tokens", value=AnyValue(int_value=10)),
            KeyValue(key="gen_ai.usage.output_tokens", value=AnyValue(int_value=1)),
            KeyValue(key="gen_ai.usage.cost", value=AnyValue(double_value=0.5)),
        ]
        spans.append(
            Span(
                trace_id=trace_id,
                span_id=root if i == 0 else rng.getrandbits(64).to_bytes(8, "big"),
                parent_span_id=b"" if i == 0 else root,
                name=f"s{i}",
                start_time_unix_nano=1_700_000_000_000_000_000 + n * 1_000_000,
                end_time_unix_nano=1_700_000_000_000_000_000 + n * 1_000_000 + 500,
                attributes=attrs,
            )
        )
    return ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=spans)])]
    ).SerializeToString()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_processes_same_sessions(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        url = new_pg_database(request.getfixturevalue("pg_cluster"))
    servers = [start_server(url), start_server(url)]
    try:
        rng = random.Random(3)
        bodies = [trace_request(n, rng) for n in range(TRACES)]

        def send(n: int) -> int:
            server = servers[n % 2]
            with server.client() as c:
                r = c.post(
                    "/api/public/otel/v1/traces",
                    content=bodies[n],
                    headers={"Content-Type": "application/x-protobuf"},
                )
                return r.status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(send, range(TRACES))) == {200}
        per_session = TRACES // SESSIONS
        for k in range(SESSIONS):
            s = servers[k % 2].get(f"/api/public/sessions/shared-{k}", limit=1)
            assert s["countTraces"] == per_session
            assert s["countObservations"] == per_session * SPANS_PER_TRACE
            assert s["inputTokens"] == per_session * SPANS_PER_TRACE * 10
            assert s["totalCost"] == pytest.approx(per_session * SPANS_PER_TRACE * 0.5)
    finally:
        for server in servers:
            server.stop()


@pytest.mark.postgres
def test_serve_with_two_worker_processes(pg_cluster: PostgresCluster) -> None:
    server = start_server(new_pg_database(pg_cluster), {"INTERACTIVEAI_WORKERS": "2"})
    try:
        rng = random.Random(5)
        with server.client() as c:
            for n in range(8):
                r = c.post(
                    "/api/public/otel/v1/traces",
                    content=trace_request(n, rng),
                    headers={"Content-Type": "application/x-protobuf"},
                )
                assert r.status_code == 200
        listing = server.get("/api/public/sessions")
        assert sum(s["countTraces"] for s in listing["data"]) == 8
        assert "2 processes" in server.output()
    finally:
        server.stop()
