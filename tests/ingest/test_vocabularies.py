"""Each row group of spec/attributes.md, sent as a real OTLP protobuf request and decoded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.ingest.builders import decode_one

PARENT = "00000000000000aa"
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_our_vocabulary_fills_every_field() -> None:
    obs, trace = decode_one(
        {
            "interactiveai.observation.type": "generation",
            "interactiveai.observation.input": json.dumps({"question": "why?"}),
            "interactiveai.observation.output": json.dumps("because"),
            "interactiveai.observation.metadata": json.dumps({"a": 1, "b": 2}),
            "interactiveai.observation.metadata.b": "flat wins",
            "interactiveai.observation.level": "warning",
            "interactiveai.observation.status_message": "slow",
            "interactiveai.observation.model.name": "gpt-4o",
            "interactiveai.observation.model.parameters": json.dumps({"temperature": 0.1}),
            "interactiveai.observation.usage_details": json.dumps({"input": 10, "output": 5}),
            "interactiveai.observation.cost_details": json.dumps({"input": 0.5, "output": 1}),
            "interactiveai.observation.completion_start_time": "2025-01-01T01:00:00+01:00",
            "interactiveai.observation.prompt.name": "qa",
            "interactiveai.observation.prompt.version": 3,
            "interactiveai.trace.name": "my trace",
            "interactiveai.trace.input": json.dumps({"in": 1}),
            "interactiveai.trace.output": json.dumps([1, 2]),
            "interactiveai.trace.metadata": json.dumps({"team": "x"}),
            "interactiveai.trace.metadata.region": "eu",
            "interactiveai.trace.tags": ["t1", "t2"],
            "interactiveai.trace.public": True,
            "interactiveai.session.id": "sess-1",
            "interactiveai.user.id": "user-1",
            "interactiveai.environment": "staging",
            "interactiveai.release": "r1",
            "interactiveai.version": "v1",
        },
        name="llm-call",
    )
    assert obs.type == "generation"
    assert obs.name == "llm-call"
    assert obs.input == {"question": "why?"}
    assert obs.output == "because"
    assert obs.metadata is not None
    assert obs.metadata["a"] == 1 and obs.metadata["b"] == "flat wins"
    assert "attributes" not in obs.metadata  # every key was mapped
    assert obs.level == "WARNING"
    assert obs.status_message == "slow"
    assert obs.model == "gpt-4o"
    assert obs.model_parameters == {"temperature": 0.1}
    assert obs.usage_details == {"input": 10, "output": 5, "total": 15}
    assert obs.cost_details == {"input": 0.5, "output": 1.0}
    assert obs.completion_start_time == T0
    assert obs.completion_start_time.tzinfo is UTC
    assert (obs.prompt_name, obs.prompt_version) == ("qa", 3)
    assert (obs.environment, obs.version) == ("staging", "v1")
    assert trace.name == "my trace"
    assert (trace.input, trace.output) == ({"in": 1}, [1, 2])
    assert trace.metadata == {"team": "x", "region": "eu"}
    assert trace.tags == ["t1", "t2"]
    assert trace.public is True
    assert (trace.session_id, trace.user_id) == ("sess-1", "user-1")
    assert (trace.environment, trace.release, trace.version) == ("staging", "r1", "v1")


def test_langfuse_vocabulary() -> None:
    # As the Langfuse Python SDK v3 writes them: JSON-serialized values, flattened metadata.
    obs, trace = decode_one(
        {
            "langfuse.observation.type": "generation",
            "langfuse.observation.input": json.dumps([{"role": "user", "content": "hi"}]),
            "langfuse.observation.output": json.dumps({"role": "assistant", "content": "yo"}),
            "langfuse.observation.metadata.step": "2",
            "langfuse.observation.metadata.cfg": json.dumps({"k": [1]}),
            "langfuse.observation.level": "ERROR",
            "langfuse.observation.status_message": "boom",
            "langfuse.observation.model.name": "claude-3-5-sonnet",
            "langfuse.observation.model.parameters": json.dumps({"max_tokens": 100}),
            "langfuse.observation.usage_details": json.dumps(
                {"input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 50}
            ),
            "langfuse.observation.cost_details": json.dumps({"total": 0.25}),
            "langfuse.observation.completion_start_time": json.dumps("2025-01-01T00:00:00Z"),
            "langfuse.observation.prompt.name": "p",
            "langfuse.observation.prompt.version": 7,
            "langfuse.trace.name": "lf trace",
            "langfuse.trace.input": json.dumps("question"),
            "langfuse.trace.output": json.dumps("answer"),
            "langfuse.trace.metadata.plan": "pro",
            "langfuse.trace.tags": ["x"],
            "langfuse.trace.public": "true",
            "langfuse.session.id": "lf-session",
            "langfuse.user.id": "lf-user",
            "langfuse.environment": "prod",
            "langfuse.release": "2.0",
            "langfuse.version": "9",
        },
        parent=PARENT,
    )
    assert obs.type == "generation"
    assert obs.input == [{"role": "user", "content": "hi"}]
    assert obs.output == {"role": "assistant", "content": "yo"}
    assert obs.metadata is not None
    assert obs.metadata["step"] == "2" and obs.metadata["cfg"] == {"k": [1]}
    assert (obs.level, obs.status_message) == ("ERROR", "boom")
    assert obs.model == "claude-3-5-sonnet"
    assert obs.model_parameters == {"max_tokens": 100}
    # Anthropic-shaped usage: cache reads sit beside input_tokens, not inside.
    assert obs.usage_details == {
        "input": 100,
        "output": 20,
        "input_cached_tokens": 50,
        "total": 170,
    }
    assert obs.cost_details == {"total": 0.25}
    assert obs.completion_start_time == T0
    assert (obs.prompt_name, obs.prompt_version) == ("p", 7)
    assert (trace.name, trace.input, trace.output) == ("lf trace", "question", "answer")
    assert trace.metadata == {"plan": "pro"}
    assert trace.tags == ["x"]
    assert trace.public is True
    assert (trace.session_id, trace.user_id) == ("lf-session", "lf-user")
    assert (trace.environment, trace.release, trace.version) == ("prod", "2.0", "9")
    assert trace.root_name is None  # it has a parent: not the root


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("interactiveai.session.id", "a"),
        ("langfuse.session.id", "a"),
        ("session.id", "a"),
        ("gen_ai.conversation.id", "a"),
        ("langfuse.trace.metadata.langfuse_session_id", "a"),
        ("langfuse.observation.metadata.langfuse_session_id", "a"),
        ("ai.telemetry.metadata.sessionId", "a"),
        ("langfuse_session_id", "a"),  # baggage copied onto the span
    ],
)
def test_every_session_id_key(key: str, expected: str) -> None:
    _, trace = decode_one({key: expected})
    assert trace.session_id == expected


@pytest.mark.parametrize(
    "key",
    [
        "interactiveai.user.id",
        "langfuse.user.id",
        "user.id",
        "enduser.id",
        "langfuse.trace.metadata.langfuse_user_id",
        "interactiveai.trace.metadata.langfuse_user_id",
        "ai.telemetry.metadata.userId",
    ],
)
def test_every_user_id_key(key: str) -> None:
    _, trace = decode_one({key: "u"})
    assert trace.user_id == "u"


def test_first_key_in_the_list_wins() -> None:
    _, trace = decode_one(
        {
            "gen_ai.conversation.id": "fourth",
            "session.id": "third",
            "langfuse.session.id": "second",
            "interactiveai.session.id": "first",
            "enduser.id": "u4",
            "user.id": "u3",
        }
    )
    assert trace.session_id == "first"
    assert trace.user_id == "u3"
    obs, _ = decode_one({"user.id": "u3", "enduser.id": "u4"})
    assert obs.metadata == {
        "attributes": {"enduser.id": "u4"},
        "resourceAttributes": {"service.name": "test"},
        "scope": {"name": "test-scope", "version": "1.0"},
    }


def test_session_id_and_gen_ai_conversation_id_vocabularies() -> None:
    _, trace = decode_one({"session.id": "otel-session", "user.id": "otel-user"})
    assert (trace.session_id, trace.user_id) == ("otel-session", "otel-user")
    _, trace = decode_one({"gen_ai.conversation.id": "conv-1"})
    assert trace.session_id == "conv-1"


def test_non_string_ids_become_strings() -> None:
    _, trace = decode_one({"session.id": 12345, "user.id": 7.0})
    assert (trace.session_id, trace.user_id) == ("12345", "7")
