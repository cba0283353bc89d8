"""Scores: event shapes, validation, and the background batch to /api/public/ingestion."""

from __future__ import annotations

import base64
import datetime as dt
import math
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider

import interactiveai
from interactiveai import InteractiveAI
from interactiveai.sdk.scores import score_event
from interactiveai.testing import Capture
from tests.sdk.conftest import PUBLIC_KEY, SECRET_KEY
from tests.sdk.fake_server import INGESTION, FakeServer

TRACE_ID = "0123456789abcdef0123456789abcdef"


def test_score_targets_and_types(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="turn") as span:
        span.score(name="relevance", value=0.9, comment="good", metadata={"by": "judge"})
        span.score_trace(name="helpful", value="yes")
        interactiveai.score_current_span(name="ok", value=True)
        interactiveai.score_current_trace(name="turns", value=2, data_type="NUMERIC")
    interactiveai.create_score(
        name="resolved",
        value="resolved after 2 turns",
        session_id="ticket-2611",
        data_type="TEXT",
        score_id="score-1",
        timestamp=dt.datetime(2025, 1, 1, 12, 0, 0),
    )

    bodies = [{k: v for k, v in b.items() if k != "id"} for b in interactiveai_capture.scores()]
    trace_id, observation_id = span.trace_id, span.id
    assert bodies == [
        {
            "traceId": trace_id,
            "observationId": observation_id,
            "name": "relevance",
            "value": 0.9,
            "dataType": "NUMERIC",
            "comment": "good",
            "metadata": {"by": "judge"},
        },
        {"traceId": trace_id, "name": "helpful", "value": "yes", "dataType": "CATEGORICAL"},
        {
            "traceId": trace_id,
            "observationId": observation_id,
            "name": "ok",
            "value": 1.0,
            "dataType": "BOOLEAN",
        },
        {"traceId": trace_id, "name": "turns", "value": 2.0, "dataType": "NUMERIC"},
        {
            "sessionId": "ticket-2611",
            "name": "resolved",
            "value": "resolved after 2 turns",
            "dataType": "TEXT",
            "timestamp": "2025-01-01T12:00:00.000Z",
        },
    ]
    assert interactiveai_capture.scores()[-1]["id"] == "score-1"


def test_event_envelope() -> None:
    event = score_event(name="n", value=1, environment="prod", trace_id=TRACE_ID)
    assert event is not None
    assert event["type"] == "score-create"
    assert set(event) == {"id", "type", "timestamp", "body"}
    assert event["timestamp"].endswith("Z")
    assert event["body"]["environment"] == "prod"
    assert event["id"] != event["body"]["id"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"value": 1}, "give trace_id or session_id"),
        ({"value": 1, "observation_id": "0123456789abcdef"}, "observation_id needs trace_id"),
        ({"value": 1, "session_id": "é"}, "session id contains non US-ASCII characters"),
        ({"value": [1], "trace_id": TRACE_ID}, "value must be a number or a string"),
        ({"value": math.nan, "trace_id": TRACE_ID}, "is not finite"),
    ],
)
def test_invalid_scores_are_dropped_with_a_reason(
    fields: dict[str, Any], reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert score_event(name="bad", environment=None, **fields) is None
    assert reason in caplog.text


def test_scores_are_batched_to_the_ingestion_endpoint(fake_server: FakeServer) -> None:
    client = InteractiveAI(
        public_key=PUBLIC_KEY,
        secret_key=SECRET_KEY,
        host=fake_server.url,
        tracer_provider=TracerProvider(),
        environment="test",
    )
    for i in range(5):
        client.create_score(name=f"s{i}", value=i, trace_id=TRACE_ID)
    client.flush()

    [request] = fake_server.accepted(INGESTION)
    expected = "Basic " + base64.b64encode(f"{PUBLIC_KEY}:{SECRET_KEY}".encode()).decode()
    assert request.headers["authorization"] == expected
    assert request.headers["content-type"] == "application/json"
    events = fake_server.score_events()
    assert [e["body"]["name"] for e in events] == ["s0", "s1", "s2", "s3", "s4"]
    assert all(e["body"]["environment"] == "test" for e in events)


def test_rejected_events_in_a_207_are_logged(
    fake_server: FakeServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reject_all(request: Any, scripted: Any) -> tuple[int, dict[str, str], bytes]:
        import json

        events = json.loads(request.body)["batch"]
        errors = [{"id": e["id"], "status": 400, "message": "traceId: unknown"} for e in events]
        body = json.dumps({"successes": [], "errors": errors}).encode()
        return 207, {"Content-Type": "application/json"}, body

    monkeypatch.setattr(fake_server, "_answer", reject_all)
    client = InteractiveAI(
        public_key=PUBLIC_KEY,
        secret_key=SECRET_KEY,
        host=fake_server.url,
        tracer_provider=TracerProvider(),
    )
    client.create_score(name="s", value=1, trace_id=TRACE_ID)
    client.flush()
    assert "rejected: 400 traceId: unknown" in caplog.text


def test_sampled_out_traces_lose_their_scores_too(interactiveai_capture: Capture) -> None:
    client = InteractiveAI(
        span_exporter=interactiveai_capture.exporter,
        score_exporter=interactiveai_capture.score_events.extend,
        sample_rate=0.0,
    )
    client.create_score(name="dropped", value=1, trace_id=TRACE_ID)
    client.create_score(name="session scores stay", value=1, session_id="s")
    client.flush()
    assert [s["name"] for s in interactiveai_capture.scores()] == ["session scores stay"]
