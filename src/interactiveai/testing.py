"""Pytest plugin shipped with InteractiveAI: capture observations and scores in memory.

Installed as the `interactiveai` pytest11 entry point, so the fixture is available in any
project that has the SDK installed::

    def test_answer_is_traced(interactiveai_capture):
        answer("hello")                       # code decorated with @observe
        [span] = interactiveai_capture.observations()
        assert span.attributes["interactiveai.observation.type"] == "generation"

For the length of the test every module-level call (`interactiveai.flush()`, `@observe`,
`get_client()`) goes to an in-memory client with deterministic ids (trace and observation
ids count up from 1) and a deterministic clock (2025-01-01T00:00:00Z, one second per
reading). Nothing is sent over the network.

This module is imported by every pytest run in such projects: it imports only the
standard library and pytest at load time, and the SDK when the fixture is used.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from interactiveai.sdk.client import InteractiveAI

START_NS = 1_735_689_600 * 10**9  # 2025-01-01T00:00:00Z


class IncrementalIdGenerator:
    """Ids 1, 2, 3...: trace `000...001`, observation `0000000000000001`, and so on."""

    def __init__(self) -> None:
        self._trace_ids = itertools.count(1)
        self._span_ids = itertools.count(1)

    def generate_trace_id(self) -> int:
        """The next trace id."""
        return next(self._trace_ids)

    def generate_span_id(self) -> int:
        """The next observation (span) id."""
        return next(self._span_ids)

    def is_trace_id_random(self) -> bool:
        """Counted ids are not random (OpenTelemetry asks, for its sampling flag)."""
        return False


class StepClock:
    """A clock in ns since the epoch that advances by `step_ns` at every reading."""

    def __init__(self, start_ns: int = START_NS, step_ns: int = 10**9) -> None:
        self._readings = itertools.count(start_ns, step_ns)

    def __call__(self) -> int:
        return next(self._readings)


@dataclass(frozen=True)
class CapturedObservation:
    """One exported span, in the words of our data model."""

    id: str
    trace_id: str
    parent_id: str | None
    name: str
    start_time: int | None
    end_time: int | None
    attributes: dict[str, Any]

    @property
    def type(self) -> str:
        """The observation type (span, generation, ...)."""
        return str(self.attributes.get("interactiveai.observation.type", "span"))


@dataclass
class Capture:
    """What the `interactiveai_capture` fixture yields."""

    client: InteractiveAI
    exporter: InMemorySpanExporter
    score_events: list[dict[str, Any]] = field(default_factory=list)

    def spans(self) -> list[ReadableSpan]:
        """Every span ended so far (flushes first), in the order they ended."""
        self.client.flush()
        return list(self.exporter.get_finished_spans())

    def observations(self) -> list[CapturedObservation]:
        """Every observation ended so far, in the order they started."""
        found = [
            CapturedObservation(
                id=format(span.context.span_id, "016x"),
                trace_id=format(span.context.trace_id, "032x"),
                parent_id=format(span.parent.span_id, "016x") if span.parent else None,
                name=span.name,
                start_time=span.start_time,
                end_time=span.end_time,
                attributes=dict(span.attributes or {}),
            )
            for span in self.spans()
            if span.context is not None
        ]
        return sorted(found, key=lambda o: (o.start_time or 0, o.id))

    def scores(self) -> list[dict[str, Any]]:
        """The bodies of every score created so far (flushes first)."""
        self.client.flush()
        return [event["body"] for event in self.score_events]

    def clear(self) -> None:
        """Forget what was captured so far."""
        self.client.flush()
        self.exporter.clear()
        self.score_events.clear()


@pytest.fixture
def interactiveai_capture() -> Iterator[Capture]:
    """An in-memory InteractiveAI client that every SDK call uses during the test."""
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from interactiveai.sdk import registry
    from interactiveai.sdk.client import InteractiveAI

    exporter = InMemorySpanExporter()
    events: list[dict[str, Any]] = []
    client = InteractiveAI(
        span_exporter=exporter,
        score_exporter=events.extend,
        id_generator=IncrementalIdGenerator(),  # type: ignore[arg-type]
        clock=StepClock(),
        sample_rate=1.0,
        tracing_enabled=True,
    )
    previous = registry.set_override(client)
    try:
        yield Capture(client, exporter, events)
    finally:
        registry.set_override(previous)
        client.shutdown()
