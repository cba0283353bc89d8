"""What decoding produces and the writer consumes: one observation and the trace fields it carries.

`None` always means "not given here" so that records from several spans (or several
ingestion events) can be merged field by field; later given values win. A JSON document
field holding `bytes` is serialized already (see `pack_records`).
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from interactiveai.server.store.types import json_bytes


@dataclass(slots=True)
class ObservationRecord:
    """One observation (an OTLP span, or a Langfuse `*-create`/`*-update` event body)."""

    id: str
    trace_id: str
    type: str | None = None  # lower case, one of conventions.OBSERVATION_TYPES
    name: str | None = None
    parent_observation_id: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    completion_start_time: datetime | None = None
    model: str | None = None
    model_parameters: dict[str, Any] | None = None
    input: Any = None
    output: Any = None
    metadata: dict[str, Any] | None = None
    level: str | None = None  # DEBUG, DEFAULT, WARNING, ERROR
    status_message: str | None = None
    version: str | None = None
    environment: str | None = None
    usage_details: dict[str, int] | None = None
    cost_details: dict[str, float] | None = None
    prompt_name: str | None = None
    prompt_version: int | None = None


@dataclass(slots=True)
class TraceRecord:
    """Trace-level fields found on one span or event; merged into the trace row."""

    id: str
    timestamp: datetime | None = None  # explicit trace timestamp (batch ingestion)
    name: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    input: Any = None
    output: Any = None
    metadata: dict[str, Any] | None = None
    tags: list[str] | None = None
    public: bool | None = None
    release: str | None = None
    version: str | None = None
    environment: str | None = None
    # Set when the span is the trace's root: its name/input/output stand in for the
    # trace's own when those were never given explicitly.
    root_name: str | None = None
    root_input: Any = None
    root_output: Any = None
    root_start_time: datetime | None = None


@dataclass(slots=True)
class DecodedBatch:
    """The records of one ingestion request, plus what was dropped and why."""

    observations: list[ObservationRecord] = field(default_factory=list)
    traces: list[TraceRecord] = field(default_factory=list)
    # Human-readable reasons for partial rejection (dropped session ids, bad spans...).
    warnings: list[str] = field(default_factory=list)
    rejected_spans: int = 0
    dropped_session_ids: int = 0


_OBSERVATION_DOCUMENTS = ("input", "output", "metadata", "model_parameters")
_TRACE_DOCUMENTS = ("input", "output", "root_input", "root_output")


def pack_records(observations: Sequence[ObservationRecord], traces: Sequence[TraceRecord]) -> bytes:
    """Records as bytes, to hand from a decoding process to the writer (trusted, our own).

    The JSON documents the writer only stores (inputs, outputs, observation metadata and model
    parameters) are serialized here, in the decoding process, and travel as `bytes`, which the
    store takes as JSON text (see `store.types.json_text`). That moves their serialization off
    the writer and makes the pickle far smaller to load. The records are changed in place.
    """
    # A root span's input is also its trace's: dump it once. The value is kept beside its text
    # so that its id cannot be reused by another object while this runs.
    serialized: dict[int, tuple[Any, bytes]] = {}

    def document(value: Any) -> Any:
        if value is None or type(value) is bytes:
            return value
        known = serialized.get(id(value))
        if known is None:
            known = serialized[id(value)] = (value, json_bytes(value))
        return known[1]

    for obs in observations:
        for name in _OBSERVATION_DOCUMENTS:
            setattr(obs, name, document(getattr(obs, name)))
    for trace in traces:
        for name in _TRACE_DOCUMENTS:
            setattr(trace, name, document(getattr(trace, name)))
    return pickle.dumps((observations, traces), protocol=pickle.HIGHEST_PROTOCOL)


def unpack_records(packed: bytes) -> tuple[list[ObservationRecord], list[TraceRecord]]:
    """The records `pack_records` packed."""
    observations, traces = pickle.loads(packed)
    return observations, traces
