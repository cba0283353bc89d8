"""End to end: the real server process, spans from the real OpenTelemetry SDK, sessions over HTTP."""

from __future__ import annotations

import pytest

from tests.server.otel import otel_tracer
from tests.support.server import LiveServer

VOCABULARIES = [
    "interactiveai.session.id",
    "langfuse.session.id",
    "session.id",
    "gen_ai.conversation.id",
]


def test_each_vocabulary_makes_a_session(live_server: LiveServer) -> None:
    with otel_tracer(live_server) as tracer:
        for key in VOCABULARIES:
            for turn in range(2):
                with tracer.start_as_current_span(f"turn-{turn}") as root:
                    root.set_attribute(key, f"sess-{key}")
                    root.set_attribute("user.id", "user-a")
                    root.set_attribute("input.value", f"question {turn}")
                    with tracer.start_as_current_span("llm") as llm:
                        llm.set_attribute("gen_ai.request.model", "gpt-4o-mini")
                        llm.set_attribute("gen_ai.usage.input_tokens", 100)
                        llm.set_attribute("gen_ai.usage.output_tokens", 20)
                        llm.set_attribute("gen_ai.usage.cost", 0.5)
    listing = live_server.get("/api/public/sessions")
    assert {s["id"] for s in listing["data"]} == {f"sess-{k}" for k in VOCABULARIES}
    assert listing["meta"]["totalItems"] == 4
    for key in VOCABULARIES:
        s = live_server.get(f"/api/public/sessions/sess-{key}")
        assert s["countTraces"] == 2, key
        assert s["userIds"] == ["user-a"]
        assert s["inputTokens"] == 200 and s["outputTokens"] == 40 and s["totalTokens"] == 240
        assert s["totalCost"] == pytest.approx(1.0)
        assert list(s["usageByModel"]) == ["gpt-4o-mini"]
        assert [t["name"] for t in s["traces"]] == ["turn-0", "turn-1"]
        assert s["traces"][0]["input"] == "question 0"
        assert s["durationSeconds"] >= 0


def test_standard_otlp_path_and_trace_detail(live_server: LiveServer) -> None:
    with otel_tracer(live_server, "/v1/traces") as tracer:
        with tracer.start_as_current_span("root") as root:
            root.set_attribute("session.id", "std-path")
            trace_id = format(root.get_span_context().trace_id, "032x")
            with tracer.start_as_current_span("child"):
                pass
    trace = live_server.get(f"/api/public/traces/{trace_id}")
    assert trace["sessionId"] == "std-path"
    assert {o["name"] for o in trace["observations"]} == {"root", "child"}
    assert all(o["type"] == "SPAN" for o in trace["observations"])
    listing = live_server.get("/api/public/traces", sessionId="std-path")
    assert [t["id"] for t in listing["data"]] == [trace_id]
