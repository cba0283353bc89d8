"""Bad input gets the right 4xx naming the problem; valid data in the same request is kept."""

from __future__ import annotations

import gzip

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

from tests.support.server import LiveServer

OTLP = "/api/public/otel/v1/traces"
PB = {"Content-Type": "application/x-protobuf"}


def span(trace_id: bytes, span_id: bytes, name: str, session: str | None = None) -> Span:
    attrs = [KeyValue(key="session.id", value=AnyValue(string_value=session))] if session else []
    return Span(
        trace_id=trace_id,
        span_id=span_id,
        name=name,
        start_time_unix_nano=1_700_000_000_000_000_000,
        end_time_unix_nano=1_700_000_001_000_000_000,
        attributes=attrs,
    )


def request(*spans: Span) -> bytes:
    req = ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=list(spans))])]
    )
    return req.SerializeToString()


@pytest.fixture
def client(sqlite_server: LiveServer) -> httpx.Client:
    return sqlite_server.client()


def assert_error(r: httpx.Response, status: int, *words: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"message", "error"}
    for w in words:
        assert w.lower() in body["message"].lower(), body


def test_error_shape_is_pinned(client: httpx.Client) -> None:
    r = client.get("/api/public/sessions/nope")
    assert r.status_code == 404
    assert r.json() == {"message": "Session not found", "error": "NotFoundError"}


def test_missing_and_wrong_keys(sqlite_server: LiveServer) -> None:
    r = httpx.get(sqlite_server.url + "/api/public/sessions")
    assert_error(r, 401, "authorization")
    r = httpx.get(sqlite_server.url + "/api/public/sessions", auth=("pk-test-0000", "sk-wrong"))
    assert_error(r, 401, "invalid api key")
    r = httpx.get(sqlite_server.url + "/api/public/sessions", headers={"Authorization": "Bearer x"})
    assert_error(r, 401, "basic")


def test_wrong_content_type(client: httpx.Client) -> None:
    r = client.post(OTLP, content=b"hello", headers={"Content-Type": "text/plain"})
    assert_error(r, 400, "text/plain")


def test_garbage_bodies(client: httpx.Client) -> None:
    assert_error(client.post(OTLP, content=b"\xff\x00garbage", headers=PB), 400)
    r = client.post(OTLP, content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(r, 400)
    r = client.post(OTLP, content=b"not gzip", headers={**PB, "Content-Encoding": "gzip"})
    assert_error(r, 400, "gzip")


def test_oversized_body(client: httpx.Client) -> None:
    r = client.post(OTLP, content=b"\x00" * (10 * 1024 * 1024 + 1), headers=PB)
    assert_error(r, 413, "limit")
    bomb = gzip.compress(b"\x00" * (11 * 1024 * 1024))
    r = client.post(OTLP, content=bomb, headers={**PB, "Content-Encoding": "gzip"})
    assert_error(r, 413, "limit")


def test_bad_ids_rejected_alone(client: httpx.Client, sqlite_server: LiveServer) -> None:
    good = span(b"\x01" * 16, b"\x02" * 8, "good", "bad-ids-session")
    short_trace = span(b"\x01" * 4, b"\x03" * 8, "short-trace")
    zero_span = span(b"\x05" * 16, b"\x00" * 8, "zero-span")
    r = client.post(OTLP, content=request(good, short_trace, zero_span), headers=PB)
    assert r.status_code == 200, r.text
    resp = ExportTraceServiceResponse.FromString(r.content)
    assert resp.partial_success.rejected_spans == 2
    assert "trace" in resp.partial_success.error_message.lower()
    s = sqlite_server.get("/api/public/sessions/bad-ids-session")
    assert s["countTraces"] == 1


@pytest.mark.parametrize(
    ("session_id", "kept"),
    [("ünïcode-session", False), ("x" * 200, False), ("y" * 199, True)],
)
def test_session_id_rule(
    client: httpx.Client, sqlite_server: LiveServer, session_id: str, kept: bool
) -> None:
    trace_id = (session_id.encode()[:2] + b"\x09" * 14)[:16]
    r = client.post(OTLP, content=request(span(trace_id, b"\x07" * 8, "t", session_id)), headers=PB)
    assert r.status_code == 200
    resp = ExportTraceServiceResponse.FromString(r.content)
    trace_hex = trace_id.hex()
    trace = sqlite_server.get(f"/api/public/traces/{trace_hex}")
    if kept:
        assert trace["sessionId"] == session_id
        assert resp.partial_success.rejected_spans == 0
    else:
        # The trace is kept without a session, and the drop is reported.
        assert trace["sessionId"] is None
        assert "session" in resp.partial_success.error_message.lower()


def test_another_projects_key_sees_nothing(sqlite_server: LiveServer) -> None:
    from interactiveai.server.store.engine import make_engine
    from interactiveai.server.store.projects import create_api_key, create_project

    engine = make_engine(sqlite_server.database_url)
    with engine.begin() as conn:
        pid = create_project(conn, "other").id
        pk, sk = create_api_key(conn, pid)
    engine.dispose()
    with httpx.Client(base_url=sqlite_server.url, auth=(pk, sk)) as other:
        assert other.get("/api/public/sessions").json()["data"] == []
        assert other.get("/api/public/sessions/bad-ids-session").status_code == 404
        assert other.get("/api/public/projects").json()["data"][0]["id"] == pid


def test_bad_pagination_and_order(client: httpx.Client) -> None:
    assert_error(client.get("/api/public/sessions", params={"limit": 0}), 400, "limit")
    assert_error(client.get("/api/public/sessions", params={"limit": 1000}), 400, "limit")
    assert_error(client.get("/api/public/sessions", params={"page": -1}), 400, "page")
    assert_error(
        client.get("/api/public/sessions", params={"orderBy": "nope.desc"}), 400, "orderBy"
    )
    assert_error(
        client.get("/api/public/sessions", params={"fromTimestamp": "yesterday"}),
        400,
        "fromTimestamp",
    )
    assert_error(client.get("/api/public/observations", params={"type": "BOGUS"}), 400, "type")


def test_health_needs_no_key(sqlite_server: LiveServer) -> None:
    r = httpx.get(sqlite_server.url + "/api/public/health")
    assert r.status_code == 200 and r.json()["status"] == "OK"
