"""The open conventions (OpenInference, OpenTelemetry GenAI, framework keys) as real OTLP spans."""

from __future__ import annotations

import json

from tests.ingest.builders import decode_one


def test_openinference_llm_span() -> None:
    obs, trace = decode_one(
        {
            "openinference.span.kind": "LLM",
            "llm.model_name": "gpt-4o-mini",
            "llm.invocation_parameters": json.dumps({"temperature": 0.2, "max_tokens": 64}),
            "llm.input_messages.0.message.role": "system",
            "llm.input_messages.0.message.content": "Be brief.",
            "llm.input_messages.1.message.role": "user",
            "llm.input_messages.1.message.content": "Weather in Paris?",
            "llm.output_messages.0.message.role": "assistant",
            "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "weather",
            "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
            "llm.token_count.prompt": 120,
            "llm.token_count.completion": 30,
            "llm.token_count.total": 150,
            "llm.token_count.prompt_details.cache_read": 100,
            "llm.token_count.completion_details.reasoning": 10,
            "llm.cost.total": 0.002,
            "llm.provider": "openai",
            "session.id": "oi-session",
        },
        name="ChatOpenAI",
    )
    assert obs.type == "generation"
    assert obs.model == "gpt-4o-mini"
    assert obs.model_parameters == {"temperature": 0.2, "max_tokens": 64}
    assert obs.input == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
    ]
    assert obs.output == [
        {
            "role": "assistant",
            "tool_calls": [{"function": {"name": "weather", "arguments": '{"city":"Paris"}'}}],
        }
    ]
    assert obs.usage_details == {
        "input": 20,
        "input_cached_tokens": 100,
        "output": 20,
        "output_reasoning_tokens": 10,
        "total": 150,
    }
    assert obs.cost_details == {"total": 0.002}
    assert obs.metadata is not None
    assert obs.metadata["attributes"] == {"llm.provider": "openai"}
    assert trace.session_id == "oi-session"
    assert trace.root_name == "ChatOpenAI"
    assert trace.root_input == obs.input


def test_openinference_chain_with_input_value_and_mime_types() -> None:
    obs, _ = decode_one(
        {
            "openinference.span.kind": "CHAIN",
            "input.value": '{"query": "x"}',
            "input.mime_type": "application/json",
            "output.value": '{"not": "parsed"}',
            "output.mime_type": "text/plain",
        }
    )
    assert obs.type == "chain"
    assert obs.input == {"query": "x"}
    assert obs.output == '{"not": "parsed"}'  # the client said it is text


def test_genai_chat_span() -> None:
    obs, trace = decode_one(
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.system": "openai",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.response.model": "gpt-4o-2024-08-06",
            "gen_ai.request.temperature": 0.7,
            "gen_ai.request.max_tokens": 256,
            "gen_ai.system_instructions": json.dumps([{"type": "text", "content": "Be nice."}]),
            "gen_ai.input.messages": json.dumps(
                [{"role": "user", "parts": [{"type": "text", "content": "Hello"}]}]
            ),
            "gen_ai.output.messages": json.dumps(
                [{"role": "assistant", "parts": [{"type": "text", "content": "Hi!"}]}]
            ),
            "gen_ai.usage.input_tokens": 50,
            "gen_ai.usage.output_tokens": 10,
            "gen_ai.usage.cache_read.input_tokens": 20,
            "gen_ai.usage.cost": 0.01,
            "gen_ai.conversation.id": "conv-9",
        },
        name="chat gpt-4o",
    )
    assert obs.type == "generation"
    assert obs.model == "gpt-4o-2024-08-06"  # the response model beats the request model
    assert obs.model_parameters == {"temperature": 0.7, "max_tokens": 256}
    assert obs.input == [
        {"role": "system", "parts": [{"type": "text", "content": "Be nice."}]},
        {"role": "user", "parts": [{"type": "text", "content": "Hello"}]},
    ]
    assert obs.output == [{"role": "assistant", "parts": [{"type": "text", "content": "Hi!"}]}]
    assert obs.usage_details == {
        "input": 30,
        "input_cached_tokens": 20,
        "output": 10,
        "total": 60,
    }
    assert obs.cost_details == {"total": 0.01}
    assert obs.metadata is not None
    # A key that loses to a better one of its row is kept, not thrown away.
    assert obs.metadata["attributes"] == {
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-4o",
    }
    assert trace.session_id == "conv-9"


def test_legacy_genai_prompt_and_completion_attributes() -> None:
    obs, _ = decode_one(
        {
            "gen_ai.request.model": "claude-3-haiku",
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "2+2?",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.content": "4",
            "gen_ai.completion.0.finish_reason": "stop",
            "gen_ai.usage.prompt_tokens": 8,
            "gen_ai.usage.completion_tokens": 1,
            "llm.usage.total_tokens": 9,
        }
    )
    assert obs.type == "generation"  # a model key and nothing more specific
    assert obs.input == [{"role": "user", "content": "2+2?"}]
    assert obs.output == [{"role": "assistant", "content": "4", "finish_reason": "stop"}]
    assert obs.usage_details == {"input": 8, "output": 1, "total": 9}


def test_genai_tool_span_takes_the_tool_name() -> None:
    obs, _ = decode_one(
        {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "get_weather",
            "gen_ai.tool.call.arguments": '{"city": "Oslo"}',
            "gen_ai.tool.call.result": '{"temp": -3}',
        },
        name="execute_tool get_weather",
    )
    assert (obs.type, obs.name) == ("tool", "get_weather")
    assert (obs.input, obs.output) == ({"city": "Oslo"}, {"temp": -3})


def test_framework_keys() -> None:
    obs, trace = decode_one(
        {
            "traceloop.entity.input": '{"a": 1}',
            "traceloop.entity.output": "plain text",
            "ai.model.id": "gpt-4.1",
            "ai.telemetry.metadata.sessionId": "vercel-session",
            "ai.telemetry.metadata.userId": "vercel-user",
            "ai.telemetry.metadata.tags": ["v1", "v2"],
            "ai.telemetry.metadata.feature": "chat",
            "langfuse.metadata.plan": "free",
        }
    )
    assert (obs.input, obs.output) == ({"a": 1}, "plain text")
    assert (obs.type, obs.model) == ("generation", "gpt-4.1")
    assert (trace.session_id, trace.user_id) == ("vercel-session", "vercel-user")
    assert trace.tags == ["v1", "v2"]
    assert trace.metadata == {"feature": "chat", "plan": "free"}


def test_vercel_ai_prompt_and_response_text() -> None:
    obs, _ = decode_one(
        {
            "ai.prompt.messages": json.dumps([{"role": "user", "content": "hey"}]),
            "ai.response.text": "hello there",
        }
    )
    assert obs.input == [{"role": "user", "content": "hey"}]
    assert obs.output == "hello there"


def test_bare_input_output_and_model_keys() -> None:
    obs, _ = decode_one({"input": "raw in", "output": '["x"]', "model": "local-llm"})
    assert (obs.input, obs.output, obs.model, obs.type) == (
        "raw in",
        ["x"],
        "local-llm",
        "generation",
    )


def test_explicit_keys_beat_open_conventions_for_io() -> None:
    obs, _ = decode_one(
        {
            "input.value": "from openinference",
            "langfuse.observation.input": json.dumps("from langfuse"),
            "gen_ai.input.messages": "[]",
        }
    )
    assert obs.input == "from langfuse"
    obs, _ = decode_one(
        {"input.value": "oi", "gen_ai.input.messages": "[]", "gen_ai.system_instructions": "be"}
    )
    assert obs.input == "oi"
    assert obs.metadata is not None
    assert obs.metadata["attributes"] == {"gen_ai.system_instructions": "be"}
    obs, _ = decode_one({"gen_ai.input.messages": "[]", "llm.input_messages.0.message.role": "u"})
    assert obs.input == []
