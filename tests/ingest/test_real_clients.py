"""Payloads produced by real clients (OpenTelemetry SDK, our SDK) encoded by the OTLP exporter's
own encoder, decoded by the server: what arrives over the wire in production."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Tracer, format_span_id, format_trace_id

from interactiveai.server.ingest.otlp import decode_export_request
from interactiveai.server.ingest.records import DecodedBatch

PROTOBUF = "application/x-protobuf"


@pytest.fixture
def otel() -> Iterator[tuple[Tracer, InMemorySpanExporter]]:
    """A private OpenTelemetry SDK pipeline (no global state) collecting spans in memory."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": "shop", "service.version": "4.2", "deployment.environment": "qa"}
        )
    )
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider.get_tracer("shop.tracing", "0.9"), exporter
    provider.shutdown()


def _wire(exporter: InMemorySpanExporter, *, zipped: bool = False) -> DecodedBatch:
    body = encode_spans(exporter.get_finished_spans()).SerializeToString()
    if zipped:
        return decode_export_request(gzip.compress(body), PROTOBUF, "gzip")
    return decode_export_request(body, PROTOBUF, None)


def test_opentelemetry_sdk_spans_decode(otel: tuple[Tracer, InMemorySpanExporter]) -> None:
    tracer, exporter = otel
    with tracer.start_as_current_span(
        "handle request",
        attributes={"session.id": "cart-77", "user.id": "alice", "tag.tags": ["web", "eu"]},
    ) as root:
        with tracer.start_as_current_span(
            "chat gpt-4o",
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.usage.input_tokens": 11,
                "gen_ai.usage.output_tokens": 4,
                "gen_ai.request.stop_sequences": ["\n\n"],
            },
        ) as child:
            pass
        with pytest.raises(RuntimeError), tracer.start_as_current_span("failing step"):
            raise RuntimeError("card declined")

    batch = _wire(exporter, zipped=True)
    assert (batch.rejected_spans, batch.warnings) == (0, [])
    by_name = {o.name: o for o in batch.observations}
    trace_id = format_trace_id(root.get_span_context().trace_id)
    root_obs, chat, failing = (
        by_name["handle request"],
        by_name["chat gpt-4o"],
        by_name["failing step"],
    )
    assert {o.trace_id for o in batch.observations} == {trace_id}
    assert root_obs.id == format_span_id(root.get_span_context().span_id)
    assert chat.id == format_span_id(child.get_span_context().span_id)
    assert chat.parent_observation_id == root_obs.id
    assert root_obs.parent_observation_id is None
    finished = {s.name: s for s in exporter.get_finished_spans()}
    start_ns = finished["handle request"].start_time
    assert root_obs.start_time is not None and start_ns is not None
    # Exact, in whole microseconds: a float timestamp near 1.8e9 s is only good to ~0.2 µs,
    # which made a 1 µs tolerance fail when the nanoseconds were just under a microsecond.
    since_epoch = root_obs.start_time - datetime(1970, 1, 1, tzinfo=UTC)
    assert since_epoch // timedelta(microseconds=1) == start_ns // 1000

    assert (chat.type, chat.model) == ("generation", "gpt-4o")
    assert chat.model_parameters == {"stop_sequences": ["\n\n"]}
    assert chat.usage_details == {"input": 11, "output": 4, "total": 15}
    assert (failing.level, failing.status_message) == ("ERROR", "RuntimeError: card declined")
    assert all(o.environment == "qa" and o.version == "4.2" for o in batch.observations)
    assert root_obs.metadata is not None
    assert root_obs.metadata["scope"] == {"name": "shop.tracing", "version": "0.9"}
    assert root_obs.metadata["resourceAttributes"]["service.name"] == "shop"

    roots = [t for t in batch.traces if t.root_name is not None]
    assert [t.root_name for t in roots] == ["handle request"]
    sessions = {t.session_id for t in batch.traces} - {None}
    assert sessions == {"cart-77"}
    assert next(t for t in batch.traces if t.session_id).tags == ["web", "eu"]


def test_our_sdk_spans_decode() -> None:
    from interactiveai import InteractiveAI

    exporter = InMemorySpanExporter()
    client = InteractiveAI(span_exporter=exporter, environment="production", release="1.0.0")
    try:
        with client.start_as_current_observation(name="turn", input={"q": "hi"}) as turn:
            turn.update_trace(
                session_id="conv-1",
                user_id="bob",
                tags=["beta"],
                metadata={"plan": "pro"},
                name="chat turn",
            )
            with client.start_as_current_observation(
                name="llm",
                as_type="generation",
                model="gpt-4o-mini",
                model_parameters={"temperature": 0},
                usage_details={"input": 20, "output": 5},
                cost_details={"total": 0.001},
            ) as gen:
                gen.update(output="hello", level="WARNING")
            turn.update(output={"a": "hello"})
        client.flush()
        batch = _wire(exporter)
    finally:
        client.shutdown()

    assert (batch.rejected_spans, batch.dropped_session_ids) == (0, 0)
    by_name = {o.name: o for o in batch.observations}
    turn_obs, llm = by_name["turn"], by_name["llm"]
    assert (turn_obs.type, turn_obs.input, turn_obs.output) == ("span", {"q": "hi"}, {"a": "hello"})
    assert (llm.type, llm.model, llm.model_parameters) == (
        "generation",
        "gpt-4o-mini",
        {"temperature": 0},
    )
    assert (llm.output, llm.level) == ("hello", "WARNING")
    assert llm.usage_details == {"input": 20, "output": 5, "total": 25}
    assert llm.cost_details == {"total": 0.001}
    assert llm.parent_observation_id == turn_obs.id
    assert turn_obs.environment == "production"
    root_trace = next(t for t in batch.traces if t.root_name == "turn")
    assert (root_trace.name, root_trace.session_id, root_trace.user_id) == (
        "chat turn",
        "conv-1",
        "bob",
    )
    assert (root_trace.tags, root_trace.metadata) == (["beta"], {"plan": "pro"})
    assert root_trace.root_input == {"q": "hi"}
    assert (root_trace.environment, root_trace.release) == ("production", "1.0.0")
