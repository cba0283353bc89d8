"""Build real OTLP ExportTraceServiceRequest messages (protobuf) and their OTLP/JSON twins."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from interactiveai.server.ingest.otlp import decode_export_request
from interactiveai.server.ingest.records import DecodedBatch, ObservationRecord, TraceRecord

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
START_NS = 1_735_689_600_000_000_000  # 2025-01-01T00:00:00Z
END_NS = START_NS + 1_500_000_000


def any_value(value: Any) -> AnyValue:
    """A Python value as an OTLP AnyValue."""
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, str):
        return AnyValue(string_value=value)
    if isinstance(value, bytes):
        return AnyValue(bytes_value=value)
    if isinstance(value, Mapping):
        out = AnyValue()
        out.kvlist_value.values.extend(key_values(value))
        return out
    if isinstance(value, Sequence):
        out = AnyValue()
        out.array_value.values.extend(any_value(v) for v in value)
        return out
    raise TypeError(type(value))


def key_values(attributes: Mapping[str, Any]) -> list[KeyValue]:
    """Attributes as OTLP KeyValues."""
    return [KeyValue(key=k, value=any_value(v)) for k, v in attributes.items()]


def span(
    *,
    attributes: Mapping[str, Any] | None = None,
    index: int = 1,
    name: str = "span",
    trace_id: str | bytes = TRACE_ID,
    span_id: str | bytes | None = None,
    parent: str | bytes | None = None,
    error: str | None = None,
) -> Span:
    """One span; ids as hex strings (or raw bytes to build broken ones)."""
    sid = span_id if span_id is not None else f"{index:016x}"
    result = Span(
        trace_id=bytes.fromhex(trace_id) if isinstance(trace_id, str) else trace_id,
        span_id=bytes.fromhex(sid) if isinstance(sid, str) else sid,
        name=name,
        start_time_unix_nano=START_NS,
        end_time_unix_nano=END_NS,
        attributes=key_values(attributes or {}),
    )
    if parent is not None:
        result.parent_span_id = bytes.fromhex(parent) if isinstance(parent, str) else parent
    if error is not None:
        result.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message=error))
    return result


def export_request(
    spans: Sequence[Span],
    *,
    resource: Mapping[str, Any] | None = None,
    scope_name: str = "test-scope",
    scope_version: str = "1.0",
) -> ExportTraceServiceRequest:
    """One ResourceSpans with one ScopeSpans holding `spans`."""
    return ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=Resource(attributes=key_values(resource or {"service.name": "test"})),
                scope_spans=[
                    ScopeSpans(
                        scope=InstrumentationScope(name=scope_name, version=scope_version),
                        spans=list(spans),
                    )
                ],
            )
        ]
    )


def json_value(value: Any) -> dict[str, Any]:
    """A Python value as OTLP/JSON AnyValue (int64 as a string, as protobuf's JSON mapping does)."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, bytes):
        return {"bytesValue": base64.b64encode(value).decode()}
    if isinstance(value, Mapping):
        return {"kvlistValue": {"values": json_attributes(value)}}
    return {"arrayValue": {"values": [json_value(v) for v in value]}}


def json_attributes(attributes: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Attributes as an OTLP/JSON KeyValue list."""
    return [{"key": k, "value": json_value(v)} for k, v in attributes.items()]


def decode(
    spans: Sequence[Span], **request: Any
) -> tuple[list[ObservationRecord], list[TraceRecord], DecodedBatch]:
    """Serialize `spans` as a real protobuf request and decode it the way the server does."""
    body = export_request(spans, **request).SerializeToString()
    batch = decode_export_request(body, "application/x-protobuf", None)
    return batch.observations, batch.traces, batch


def decode_one(
    attributes: Mapping[str, Any], **options: Any
) -> tuple[ObservationRecord, TraceRecord]:
    """One span with `attributes` (span options such as parent/name/error, or resource=...)."""
    request = {
        k: options.pop(k) for k in ("resource", "scope_name", "scope_version") if k in options
    }
    observations, traces, batch = decode([span(attributes=attributes, **options)], **request)
    assert batch.rejected_spans == 0, batch.warnings
    return observations[0], traces[0]
