"""Type inference, tags, metadata, level, environment, roots, usage/cost priority."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from interactiveai.server.ingest.mapping import map_span
from tests.ingest.builders import END_NS, START_NS, decode, decode_one, span

PARENT = "00000000000000aa"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"interactiveai.observation.type": "agent"}, "agent"),
        ({"langfuse.observation.type": "GUARDRAIL"}, "guardrail"),
        ({"langfuse.observation.type": "bogus", "openinference.span.kind": "TOOL"}, "tool"),
        ({"langfuse.observation.type": "event", "openinference.span.kind": "LLM"}, "event"),
        ({"openinference.span.kind": "LLM"}, "generation"),
        ({"openinference.span.kind": "CHAIN"}, "chain"),
        ({"openinference.span.kind": "RETRIEVER"}, "retriever"),
        ({"openinference.span.kind": "EMBEDDING"}, "embedding"),
        ({"openinference.span.kind": "AGENT"}, "agent"),
        ({"openinference.span.kind": "GUARDRAIL"}, "guardrail"),
        ({"openinference.span.kind": "EVALUATOR"}, "evaluator"),
        ({"openinference.span.kind": "RERANKER"}, "span"),
        ({"gen_ai.operation.name": "chat"}, "generation"),
        ({"gen_ai.operation.name": "text_completion"}, "generation"),
        ({"gen_ai.operation.name": "generate_content"}, "generation"),
        ({"gen_ai.operation.name": "embeddings"}, "embedding"),
        ({"gen_ai.operation.name": "invoke_agent"}, "agent"),
        ({"gen_ai.operation.name": "create_agent"}, "agent"),
        ({"gen_ai.operation.name": "execute_tool"}, "tool"),
        ({"gen_ai.tool.name": "search"}, "tool"),
        ({"tool.name": "search"}, "span"),  # OpenInference's tool.name names, never types
        ({"llm.model_name": "m"}, "generation"),
        ({"gen_ai.request.model": "m"}, "generation"),
        ({"http.method": "GET"}, "span"),
        ({}, "span"),
    ],
)
def test_type_inference(attributes: dict[str, Any], expected: str) -> None:
    obs, _ = decode_one(attributes)
    assert obs.type == expected


def test_openinference_tool_span_is_named_after_the_tool() -> None:
    obs, _ = decode_one({"openinference.span.kind": "TOOL", "tool.name": "calc"}, name="run")
    assert (obs.type, obs.name) == ("tool", "calc")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["a", "b", "a"], ["a", "b"]),
        ('["a", "b"]', ["a", "b"]),
        ("a, b ,c", ["a", "b", "c"]),
        ("single", ["single"]),
        ([], None),
    ],
)
def test_tag_shapes(value: Any, expected: list[str] | None) -> None:
    _, trace = decode_one({"langfuse.trace.tags": value})
    assert trace.tags == expected


@pytest.mark.parametrize(
    "key",
    [
        "interactiveai.trace.tags",
        "langfuse.tags",
        "langfuse.observation.metadata.langfuse_tags",
        "ai.telemetry.metadata.tags",
        "tag.tags",
    ],
)
def test_every_tag_key(key: str) -> None:
    _, trace = decode_one({key: ["t"]})
    assert trace.tags == ["t"]


def test_public_flag() -> None:
    assert decode_one({"langfuse.public": "true"})[1].public is True
    assert decode_one({"interactiveai.trace.public": False})[1].public is False
    assert decode_one({})[1].public is None


def test_metadata_keeps_unmapped_attributes_resource_and_scope() -> None:
    obs, trace = decode_one(
        {
            "langfuse.observation.metadata": json.dumps({"x": 1}),
            "http.route": "/chat",
            "retries": 2,
            "nested": {"k": [1, 2]},
        },
        resource={"service.name": "api", "host.name": "h1"},
        scope_name="my.instrumentation",
        scope_version="2.1",
    )
    assert obs.metadata == {
        "x": 1,
        "attributes": {"http.route": "/chat", "retries": 2, "nested": {"k": [1, 2]}},
        "resourceAttributes": {"service.name": "api", "host.name": "h1"},
        "scope": {"name": "my.instrumentation", "version": "2.1"},
    }
    assert trace.metadata is None  # observation metadata is not trace metadata


def test_non_object_metadata_is_wrapped() -> None:
    obs, _ = decode_one({"interactiveai.observation.metadata": json.dumps([1, 2])})
    assert obs.metadata is not None
    assert obs.metadata["metadata"] == [1, 2]


def test_trace_metadata_merges_json_and_flattened_keys_by_priority() -> None:
    _, trace = decode_one(
        {
            "langfuse.trace.metadata": json.dumps({"a": "lf-json", "b": "lf-json"}),
            "langfuse.trace.metadata.b": "lf-flat",
            "interactiveai.trace.metadata.a": "ours",
            "ai.telemetry.metadata.c": '{"deep": true}',
        }
    )
    assert trace.metadata == {"a": "ours", "b": "lf-flat", "c": {"deep": True}}


def test_level_and_status_message() -> None:
    obs, _ = decode_one({}, error="ValueError: nope")
    assert (obs.level, obs.status_message) == ("ERROR", "ValueError: nope")
    obs, _ = decode_one({"langfuse.observation.level": "DEBUG"}, error="x")
    assert obs.level == "DEBUG"  # an explicit level wins over the span status
    obs, _ = decode_one({"interactiveai.observation.level": "LOUD"})
    assert obs.level == "DEFAULT"  # unknown levels are ignored
    obs, _ = decode_one({"interactiveai.observation.status_message": "mine"}, error="theirs")
    assert obs.status_message == "mine"


def test_environment_release_version_from_resource_then_span() -> None:
    resource = {
        "deployment.environment.name": "prod",
        "langfuse.release": "res-release",
        "service.version": "3.1",
    }
    obs, trace = decode_one({}, resource=resource)
    assert (obs.environment, obs.version) == ("prod", "3.1")
    assert (trace.environment, trace.release, trace.version) == ("prod", "res-release", "3.1")
    obs, trace = decode_one(
        {"deployment.environment": "canary", "interactiveai.version": "span-v"}, resource=resource
    )
    assert (trace.environment, trace.version, trace.release) == ("canary", "span-v", "res-release")
    obs, trace = decode_one({})
    # No default filled in here: "not given" must not overwrite what another span gave.
    assert (obs.environment, trace.environment) == (None, None)


def test_root_detection() -> None:
    obs, trace = decode_one({"input.value": "q", "output.value": "a"}, name="root")
    assert obs.parent_observation_id is None
    assert (trace.root_name, trace.root_input, trace.root_output) == ("root", "q", "a")
    assert trace.root_start_time == datetime(2025, 1, 1, tzinfo=UTC)
    assert trace.name is None  # the explicit trace name stays unset
    obs, trace = decode_one({}, parent=PARENT, name="child")
    assert obs.parent_observation_id == PARENT
    assert trace.root_name is None
    for key in ("langfuse.internal.as_root", "interactiveai.internal.as_root"):
        obs, trace = decode_one({key: True}, parent=PARENT, name="remote root")
        assert trace.root_name == "remote root"
        assert obs.parent_observation_id == PARENT


def test_times_are_utc_datetimes() -> None:
    obs, _ = decode_one({})
    assert obs.start_time == datetime(2025, 1, 1, tzinfo=UTC)
    assert obs.end_time is not None and obs.start_time is not None
    assert (obs.end_time - obs.start_time).total_seconds() == (END_NS - START_NS) / 1e9
    assert obs.start_time.tzinfo is UTC


def test_explicit_usage_and_cost_win_over_conventions() -> None:
    obs, _ = decode_one(
        {
            "langfuse.observation.usage_details": json.dumps({"input": 1, "output": 2}),
            "gen_ai.usage.input_tokens": 100,
            "llm.token_count.prompt": 1000,
            "langfuse.observation.cost_details": json.dumps({"total": 9.0}),
            "gen_ai.usage.cost": 1.0,
            "llm.cost.total": 2.0,
        }
    )
    assert obs.usage_details == {"input": 1, "output": 2, "total": 3}
    assert obs.cost_details == {"total": 9.0}
    obs, _ = decode_one({"gen_ai.usage.input_tokens": 5, "llm.token_count.prompt": 1000})
    assert obs.usage_details == {"input": 5, "total": 5}
    obs, _ = decode_one({"llm.cost.prompt": 0.1, "llm.cost.completion": 0.2})
    assert obs.cost_details == {"input": 0.1, "output": 0.2}


def test_openai_shaped_usage_details_are_normalized() -> None:
    usage = {
        "prompt_tokens": 100,
        "completion_tokens": 40,
        "total_tokens": 140,
        "prompt_tokens_details": {"cached_tokens": 60},
        "completion_tokens_details": {"reasoning_tokens": 15},
    }
    obs, _ = decode_one({"interactiveai.observation.usage_details": json.dumps(usage)})
    assert obs.usage_details == {
        "input": 40,
        "input_cached_tokens": 60,
        "output": 25,
        "output_reasoning_tokens": 15,
        "total": 140,
    }


def test_map_span_directly_with_plain_values() -> None:
    """map_span is usable without OTLP (the Langfuse batch route and tests call it too)."""
    obs, trace = map_span(
        trace_id="0af7651916cd43dd8448eb211c80319c",
        span_id="b7ad6b7169203331",
        parent_span_id=None,
        name="n",
        start_time=None,
        end_time=None,
        attributes={"session.id": "s", "gen_ai.request.model": "m", "gen_ai.request.top_p": 0.9},
    )
    assert (obs.type, obs.model, obs.model_parameters) == ("generation", "m", {"top_p": 0.9})
    assert (trace.session_id, trace.root_name) == ("s", "n")
    assert obs.metadata is None


def test_non_finite_doubles_are_kept_as_text() -> None:
    obs, _ = decode_one({"score": float("nan"), "hi": float("inf"), "lo": float("-inf")})
    assert obs.metadata is not None
    assert obs.metadata["attributes"] == {"score": "NaN", "hi": "Infinity", "lo": "-Infinity"}


def test_values_longer_than_their_columns_are_cut_with_a_warning() -> None:
    observations, traces, batch = decode(
        [
            span(
                name="n" * 1500,
                attributes={
                    "gen_ai.request.model": "m" * 300,
                    "langfuse.environment": "e" * 256,
                    "langfuse.trace.tags": ["ok", "t" * 400],
                    "langfuse.observation.prompt.version": 2**40,
                },
            )
        ]
    )
    obs, trace = observations[0], traces[0]
    assert batch.rejected_spans == 0 and batch.dropped_session_ids == 0
    assert obs.name == "n" * 1024 and trace.root_name == "n" * 1024
    assert obs.model == "m" * 255
    assert obs.environment == trace.environment == "e" * 255
    assert trace.tags == ["ok", "t" * 255]
    assert obs.prompt_version is None
    text = "\n".join(batch.warnings)
    assert len(batch.warnings) == 5
    for expected in (
        "name is 1500 characters long; cut to 1024",
        "model is 300 characters long; cut to 255",
        "environment is 256 characters long; cut to 255",
        "tag is 400 characters long; cut to 255",
        "prompt version is too large; dropped",
    ):
        assert expected in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-01T00:00:00.500Z", datetime(2025, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        ('"2025-01-01T02:00:00+02:00"', datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-01-01T00:00:00", datetime(2025, 1, 1, tzinfo=UTC)),  # naive → UTC
        (1_735_689_600_000, datetime(2025, 1, 1, tzinfo=UTC)),  # epoch milliseconds
        ("9999-12-31T23:59:59-05:00", None),  # no UTC instant: dropped, not a crash
        ("soon", None),
    ],
)
def test_completion_start_time_forms(value: Any, expected: datetime | None) -> None:
    obs, _ = decode_one({"interactiveai.observation.completion_start_time": value})
    assert obs.completion_start_time == expected
