"""Batch ingestion as a Langfuse v2 client does it: raw httpx posting /api/public/ingestion."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import uid

URL = "/api/public/ingestion"
T0 = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)


def ts(seconds: float = 0) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def event(type_: str, body: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {"id": event_id or str(uuid.uuid4()), "type": type_, "timestamp": ts(), "body": body}


def post(client: httpx.Client, *events: dict[str, Any]) -> dict[str, Any]:
    r = client.post(URL, json={"batch": list(events), "metadata": {"sdk_name": "python"}})
    assert r.status_code == 207, r.text
    return r.json()  # type: ignore[no-any-return]


def test_v2_client_batch_merges_into_traces_and_sessions(client: httpx.Client) -> None:
    session, trace, gen, span = uid("s-"), str(uuid.uuid4()), str(uuid.uuid4()), uid()
    first = post(
        client,
        event(
            "trace-create",
            {
                "id": trace,
                "name": "chat",
                "sessionId": session,
                "userId": "u-1",
                "tags": ["a"],
                "timestamp": ts(),
                "input": {"q": "hi"},
                "metadata": {"k": 1},
                "environment": "production",
                "release": "r1",
            },
        ),
        event(
            "generation-create",
            {
                "id": gen,
                "traceId": trace,
                "name": "llm",
                "startTime": ts(0),
                "model": "gpt-4o-mini",
                "modelParameters": {"temperature": 0.2},
                "input": [{"role": "user", "content": "hi"}],
                "usage": {"promptTokens": 1000, "completionTokens": 400, "totalTokens": 1400},
            },
        ),
        event("span-create", {"id": span, "traceId": trace, "name": "tool", "startTime": ts(1)}),
        event("sdk-log", {"log": "hello"}),
    )
    assert len(first["successes"]) == 4 and first["errors"] == []
    assert all(s["status"] == 201 for s in first["successes"])
    second = post(
        client,
        event(
            "generation-update",
            {
                "id": gen,
                "traceId": trace,
                "endTime": ts(2),
                "output": {"role": "assistant", "content": "hello"},
                "completionStartTime": ts(0.5),
            },
        ),
        event("span-update", {"id": span, "traceId": trace, "endTime": ts(3)}),
        event("trace-create", {"id": trace, "tags": ["b"], "output": "bye", "metadata": {"j": 2}}),
        event("score-create", {"traceId": trace, "name": "quality", "value": 0.8}),
        event("score-create", {"sessionId": session, "name": "resolved", "value": 1}),
    )
    assert len(second["successes"]) == 5, second

    t = client.get(f"/api/public/traces/{trace}").json()
    assert t["name"] == "chat" and t["output"] == "bye" and t["input"] == {"q": "hi"}
    assert t["tags"] == ["a", "b"] and t["metadata"] == {"k": 1, "j": 2}
    assert t["environment"] == "production" and t["release"] == "r1"
    obs = {o["id"]: o for o in t["observations"]}
    g = obs[gen]
    assert g["type"] == "GENERATION" and g["model"] == "gpt-4o-mini"
    assert g["output"] == {"role": "assistant", "content": "hello"}
    assert g["usageDetails"] == {"input": 1000, "output": 400, "total": 1400}
    # No cost was given: genai-prices computes it ($0.15 / $0.60 per million tokens).
    assert g["costDetails"]["total"] == pytest.approx(0.00039)
    assert g["latency"] == pytest.approx(2.0) and g["timeToFirstToken"] == pytest.approx(0.5)
    assert obs[span]["type"] == "SPAN" and obs[span]["endTime"] == ts(3).replace("Z", ".000Z")
    assert [s["name"] for s in t["scores"]] == ["quality"]

    s = client.get(f"/api/public/sessions/{session}").json()
    assert s["countTraces"] == 1 and s["userIds"] == ["u-1"]
    assert (s["inputTokens"], s["outputTokens"], s["totalTokens"]) == (1000, 400, 1400)
    assert s["totalCost"] == pytest.approx(0.00039)
    assert s["usageByModel"]["gpt-4o-mini"]["totalTokens"] == 1400
    assert [(x["name"], x["value"]) for x in s["scores"]] == [("resolved", 1.0)]
    assert s["durationSeconds"] == pytest.approx(3.0)


def test_given_cost_wins_and_v2_usage_costs(client: httpx.Client) -> None:
    trace = uid()
    post(
        client,
        event(
            "generation-create",
            {
                "id": "g1" + trace[:10],
                "traceId": trace,
                "model": "gpt-4o-mini",
                "usageDetails": {"input": 10, "output": 5},
                "costDetails": {"input": 1.0, "output": 2.0},
            },
        ),
        event(
            "generation-create",
            {
                "id": "g2" + trace[:10],
                "traceId": trace,
                "model": "gpt-4o-mini",
                "usage": {"input": 10, "output": 5, "unit": "TOKENS", "totalCost": 0.5},
            },
        ),
    )
    t = client.get(f"/api/public/traces/{trace}").json()
    costs = sorted(o["totalCost"] for o in t["observations"])
    assert costs == pytest.approx([0.5, 3.0])
    assert t["totalCost"] == pytest.approx(3.5)


def test_each_event_is_validated_alone(client: httpx.Client) -> None:
    trace, session = uid(), uid("s-")
    good = event("trace-create", {"id": trace, "sessionId": session}, "good")
    bad: list[tuple[dict[str, Any], str]] = [
        (event("trace-create", {"id": trace, "tags": "not-a-list"}, "e1"), "body.tags"),
        (
            event("span-create", {"id": uid(), "traceId": trace, "startTime": "yesterday"}, "e2"),
            "body.startTime",
        ),
        (event("generation-create", {"traceId": trace, "level": "LOUD"}, "e3"), "body.level"),
        (event("span-update", {"traceId": trace}, "e4"), "body.id"),
        (event("banana-create", {}, "e5"), "type"),
        ({"id": "e6", "type": "span-create", "body": "x"}, "body"),
        (
            event(
                "score-create",
                {"traceId": trace, "name": "q", "value": "x", "dataType": "NUMERIC"},
                "e7",
            ),
            "value",
        ),
        (event("score-create", {"name": "q", "value": 1}, "e8"), "traceId"),
        (
            event("generation-create", {"traceId": trace, "usage": {"input": 10**12}}, "e9"),
            "body.usage.input",
        ),
        (event("generation-create", {"traceId": trace, "name": {"x": 1}}, "e10"), "body.name"),
        ({"type": "trace-create", "body": {}}, "id"),
    ]
    answer = post(client, good, *(b for b, _ in bad))
    assert [s["id"] for s in answer["successes"]] == ["good"]
    errors = {e["id"]: e for e in answer["errors"]}
    for index, (ev, field) in enumerate(bad, start=1):
        err = errors[ev.get("id", f"batch[{index}]")]
        assert err["status"] == 400 and err["error"] == "BadRequestError"
        assert field in err["message"], (field, err)
    assert client.get(f"/api/public/sessions/{session}").status_code == 200


def test_invalid_session_ids_are_dropped_and_counted(client: httpx.Client) -> None:
    trace = uid()
    answer = post(client, event("trace-create", {"id": trace, "sessionId": "é" * 3}))
    assert answer["droppedSessionIds"] == 1 and answer["warnings"]
    assert client.get(f"/api/public/traces/{trace}").json()["sessionId"] is None


def test_envelope_errors_and_size_limit(client: httpx.Client) -> None:
    for body, word in [
        (b"{not json", "json"),
        (b"[]", "body"),
        (b'{"batch": 3}', "batch"),
    ]:
        r = client.post(URL, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and word in r.json()["message"].lower(), r.text
    big = {"batch": [event("trace-create", {"id": uid(), "input": "x" * 3_600_000})]}
    r = client.post(URL, json=big)
    assert r.status_code == 413 and r.json()["error"] == "PayloadTooLargeError"
    r = client.post(URL, content=b"x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 400


def test_nul_characters_do_not_break_storage(client: httpx.Client) -> None:
    trace = uid()
    answer = post(
        client, event("trace-create", {"id": trace, "name": "a\x00b", "input": {"k\x00": "v\x00"}})
    )
    assert answer["errors"] == []
    assert client.get(f"/api/public/traces/{trace}").json()["name"] == "a\ufffdb"


def test_updates_without_trace_id_find_their_trace(client: httpx.Client) -> None:
    trace, gen = uid(), uid()[:16]
    post(client, event("generation-create", {"id": gen, "traceId": trace, "name": "llm"}))
    answer = post(
        client,
        event("generation-update", {"id": gen, "output": "done"}, "u1"),
        event("span-update", {"id": "f" * 16, "output": "x"}, "u2"),
    )
    assert [s["id"] for s in answer["successes"]] == ["u1"]
    assert "traceId" in answer["errors"][0]["message"]
    assert client.get(f"/api/public/observations/{gen}").json()["output"] == "done"


def test_anthropic_and_openai_responses_usage_are_normalized_and_priced(
    client: httpx.Client,
) -> None:
    trace = uid()
    anthropic = {"input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 50}
    responses = {
        "input_tokens": 1000,
        "output_tokens": 100,
        "input_tokens_details": {"cached_tokens": 400},
        "output_tokens_details": {"reasoning_tokens": 30},
    }
    post(
        client,
        event(
            "generation-create",
            {
                "id": "a" * 16,
                "traceId": trace,
                "model": "claude-3-5-sonnet-20241022",
                "usageDetails": anthropic,
            },
        ),
        event(
            "generation-create",
            {"id": "b" * 16, "traceId": trace, "model": "gpt-4o", "usage": responses},
        ),
    )
    obs = {o["id"]: o for o in client.get(f"/api/public/traces/{trace}").json()["observations"]}
    claude, gpt = obs["a" * 16], obs["b" * 16]
    assert claude["usageDetails"] == {
        "input": 100,
        "input_cached_tokens": 50,
        "output": 20,
        "total": 170,
    }
    # $3/M fresh input, $0.30/M cache reads, $15/M output.
    assert claude["costDetails"]["total"] == pytest.approx(0.000615)
    assert (
        gpt["usageDetails"]["input"] == 600 and gpt["usageDetails"]["output_reasoning_tokens"] == 30
    )
    assert (gpt["usage"]["input"], gpt["usage"]["output"]) == (1000, 100)
    # $2.50/M fresh input, $1.25/M cached input, $10/M output (reasoning included).
    assert gpt["costDetails"]["total"] == pytest.approx(0.003)
