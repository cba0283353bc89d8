"""The sampler of a TracerProvider the SDK creates: OpenTelemetry's default decisions, cheaper."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import DEFAULT_ON, ParentBasedTraceIdRatio, Sampler
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState

from interactiveai import InteractiveAI
from interactiveai.sdk.processor import ParentBasedAlwaysOn, default_sampler

TRACE_ID = 0x0AF7651916CD43DD8448EB211C80319C
STATE = TraceState([("vendor", "value")])


def _parent(*, sampled: bool, remote: bool, state: TraceState | None = None) -> Context:
    flags = TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
    span_context = SpanContext(
        TRACE_ID, 0x00F067AA0BA902B7, is_remote=remote, trace_flags=flags, trace_state=state
    )
    return trace.set_span_in_context(NonRecordingSpan(span_context))


PARENTS = {
    "root": None,
    "local sampled": _parent(sampled=True, remote=False),
    "local not sampled": _parent(sampled=False, remote=False),
    "remote sampled with state": _parent(sampled=True, remote=True, state=STATE),
    "remote not sampled with state": _parent(sampled=False, remote=True, state=STATE),
}


@pytest.mark.parametrize("parent", PARENTS.values(), ids=list(PARENTS))
@pytest.mark.parametrize("attributes", [None, {"http.method": "GET"}])
def test_decides_like_opentelemetrys_default(
    parent: Context | None, attributes: dict[str, str] | None
) -> None:
    ours = ParentBasedAlwaysOn().should_sample(parent, TRACE_ID, "s", attributes=attributes)
    theirs = DEFAULT_ON.should_sample(parent, TRACE_ID, "s", attributes=attributes)

    assert ours.decision == theirs.decision
    assert dict(ours.attributes) == dict(theirs.attributes)
    # OpenTelemetry gives a root span no trace state; SpanContext turns that into the empty one.
    assert (ours.trace_state or TraceState()) == (theirs.trace_state or TraceState())


def test_the_client_samples_with_it_unless_opentelemetry_is_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)
    assert isinstance(default_sampler(), ParentBasedAlwaysOn)
    client = InteractiveAI(span_exporter=InMemorySpanExporter())
    assert client._provider is not None
    assert isinstance(client._provider.sampler, ParentBasedAlwaysOn)

    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    assert default_sampler() is None
    configured = InteractiveAI(span_exporter=InMemorySpanExporter())
    assert configured._provider is not None
    sampler: Sampler = configured._provider.sampler
    assert isinstance(sampler, ParentBasedTraceIdRatio)


def test_spans_under_an_unsampled_remote_parent_are_not_exported() -> None:
    exporter = InMemorySpanExporter()
    client = InteractiveAI(span_exporter=exporter)
    tracer = client._tracer
    tracer.start_span("dropped", context=PARENTS["remote not sampled with state"]).end()
    tracer.start_span("kept", context=PARENTS["remote sampled with state"]).end()
    client.flush()

    (kept,) = exporter.get_finished_spans()
    assert kept.name == "kept"
    assert kept.context is not None and kept.context.trace_state == STATE
