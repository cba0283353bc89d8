"""OTLP/HTTP trace requests (protobuf or JSON, maybe gzip) → records; and the response back.

Whole-request problems (content type, encoding, undecodable body, malformed structure) are a
BadRequestError. A span with bad ids is rejected alone and counted in `rejected_spans`; an
invalid session/user id is dropped from its trace, which is kept. Both leave a warning that
the response's `partial_success.error_message` repeats.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from interactiveai.server.errors import BadRequestError, UnsupportedMediaTypeError
from interactiveai.server.ingest.inflate import inflate
from interactiveai.server.ingest.mapping import FieldDrop, map_span, resource_info, scope_info
from interactiveai.server.ingest.otlp_json import iter_json_spans
from interactiveai.server.ingest.records import DecodedBatch
from interactiveai.server.ingest.values import finite_or_text, from_unix_nano

PROTOBUF_TYPES = ("application/x-protobuf", "application/protobuf")
JSON_TYPES = ("application/json",)
# Enough to say what went wrong without letting one bad request build a huge response.
MAX_WARNINGS = 100
_ZERO_TRACE = bytes(16)
_ZERO_SPAN = bytes(8)


_SCALARS = frozenset(("string_value", "int_value", "bool_value"))


def _any(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind in _SCALARS:  # nearly every attribute: test it first
        return getattr(value, kind)
    if kind == "double_value":
        return finite_or_text(value.double_value)
    if kind is None:
        return None
    if kind == "array_value":
        return [_any(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _any(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        # Stored as JSON later; base64 is how OTLP/JSON spells bytes too.
        return base64.b64encode(value.bytes_value).decode()
    return None  # a value kind newer than this code


def _attrs(kvs: Iterable[KeyValue]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in kvs:
        # _any inlined for the common scalar case: this runs once per attribute of every span.
        value = kv.value
        kind = value.WhichOneof("value")
        out[kv.key] = getattr(value, kind) if kind in _SCALARS else _any(value)
    return out


class _Collector:
    """Accumulates one request's records, rejections and warnings."""

    def __init__(self) -> None:
        self.batch = DecodedBatch()
        self._dropped: set[tuple[str, str, str]] = set()

    def warn(self, message: str) -> None:
        if len(self.batch.warnings) < MAX_WARNINGS:
            self.batch.warnings.append(message)
        elif len(self.batch.warnings) == MAX_WARNINGS:
            self.batch.warnings.append("... further warnings omitted")

    def reject(self, name: str, span_id: str, problem: str) -> None:
        self.batch.rejected_spans += 1
        self.warn(f"span {name!r} ({span_id or 'no span id'}) rejected: {problem}")

    def drop(self, drop: FieldDrop) -> None:
        # Every span of a trace usually repeats the session id: one drop per trace and value.
        key = (drop.what, drop.trace_id, drop.value)
        if key in self._dropped:
            return
        self._dropped.add(key)
        if drop.what == "session id":
            self.batch.dropped_session_ids += 1
        self.warn(drop.message)


def _id_problem(raw: bytes, size: int, zero: bytes, what: str) -> str | None:
    if len(raw) != size:
        return f"{what} must be {size} bytes, got {len(raw)}"
    if raw == zero:
        return f"{what} is all zeros"
    return None


def _decode_protobuf(body: bytes, out: _Collector) -> None:
    request = ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise BadRequestError(
            f"body is not a valid protobuf ExportTraceServiceRequest: {exc}"
        ) from None
    if body and not request.ListFields():
        # Bytes that parse only as unknown fields are not an export request.
        raise BadRequestError("body is not a protobuf ExportTraceServiceRequest (no known fields)")
    observations, traces = out.batch.observations, out.batch.traces
    for rs in request.resource_spans:
        resource = resource_info(_attrs(rs.resource.attributes))
        for ss in rs.scope_spans:
            sc = ss.scope
            scope = scope_info(sc.name, sc.version, _attrs(sc.attributes))
            for span in ss.spans:
                tid, sid, pid = span.trace_id, span.span_id, span.parent_span_id
                problem = _id_problem(tid, 16, _ZERO_TRACE, "trace id") or _id_problem(
                    sid, 8, _ZERO_SPAN, "span id"
                )
                if problem is None and pid and len(pid) != 8:
                    problem = f"parent span id must be 8 bytes, got {len(pid)}"
                if problem is not None:
                    out.reject(span.name, sid.hex(), problem)
                    continue
                status = span.status
                obs, trace = map_span(
                    trace_id=tid.hex(),
                    span_id=sid.hex(),
                    # An all-zero parent is how some clients say "no parent".
                    parent_span_id=pid.hex() if pid and pid != _ZERO_SPAN else None,
                    name=span.name,
                    start_time=from_unix_nano(span.start_time_unix_nano),
                    end_time=from_unix_nano(span.end_time_unix_nano),
                    attributes=_attrs(span.attributes),
                    status_code=status.code,
                    status_message=status.message,
                    resource=resource,
                    scope=scope,
                    on_drop=out.drop,
                )
                observations.append(obs)
                traces.append(trace)


def _decode_json(body: bytes, out: _Collector) -> None:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequestError(f"body is not valid JSON: {exc}") from None
    observations, traces = out.batch.observations, out.batch.traces
    for span in iter_json_spans(document, out.reject):
        obs, trace = map_span(
            trace_id=span.trace_id,
            span_id=span.span_id,
            parent_span_id=span.parent_span_id,
            name=span.name,
            start_time=from_unix_nano(span.start_ns),
            end_time=from_unix_nano(span.end_ns),
            attributes=span.attributes,
            status_code=span.status_code,
            status_message=span.status_message,
            resource=span.resource,
            scope=span.scope,
            on_drop=out.drop,
        )
        observations.append(obs)
        traces.append(trace)


_DECODERS: dict[str, Callable[[bytes, _Collector], None]] = {
    **dict.fromkeys(PROTOBUF_TYPES, _decode_protobuf),
    **dict.fromkeys(JSON_TYPES, _decode_json),
}


def media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type header, lower case ("" when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def decode_export_request(
    body: bytes,
    content_type: str | None,
    content_encoding: str | None,
    *,
    max_inflated_bytes: int | None = None,
) -> DecodedBatch:
    """Decode an OTLP/HTTP ExportTraceServiceRequest (protobuf or JSON) into records."""
    kind = media_type(content_type)
    decoder = _DECODERS.get(kind)
    if decoder is None:
        accepted = ", ".join((*PROTOBUF_TYPES, *JSON_TYPES))
        shown = repr(content_type) if content_type else "missing"
        raise UnsupportedMediaTypeError(
            f"Content-Type {shown} is not supported; use one of: {accepted}"
        )
    out = _Collector()
    decoder(inflate(body, content_encoding, max_inflated_bytes), out)
    return out.batch


def _error_message(batch: DecodedBatch) -> str:
    counts = []
    if batch.rejected_spans:
        counts.append(f"{batch.rejected_spans} span(s) rejected")
    if batch.dropped_session_ids:
        counts.append(f"{batch.dropped_session_ids} session id(s) dropped")
    head = ", ".join(counts)
    body = "; ".join(batch.warnings)
    return f"{head}: {body}" if head and body else head or body


def encode_export_response(batch: DecodedBatch, as_json: bool) -> bytes:
    """An ExportTraceServiceResponse; partial_success carries rejections and warnings."""
    response = ExportTraceServiceResponse()
    if batch.rejected_spans or batch.warnings or batch.dropped_session_ids:
        response.partial_success.rejected_spans = batch.rejected_spans
        response.partial_success.error_message = _error_message(batch)
    if as_json:
        text: str = json_format.MessageToJson(response, indent=None)
        return text.encode()
    data: bytes = response.SerializeToString()
    return data
