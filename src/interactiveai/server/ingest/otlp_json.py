"""OTLP/JSON: walk an ExportTraceServiceRequest document and yield its spans as plain values.

Lenient where clients differ in practice: camelCase or snake_case keys (and the old
`instrumentationLibrarySpans`), ids in hex (the spec) or base64 (protobuf's default JSON
mapping; the lengths never collide), 64-bit times as strings or numbers, enums as numbers or
names, and attributes as a KeyValue list or a plain object.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from interactiveai.server.errors import BadRequestError
from interactiveai.server.ingest.mapping import ResourceInfo, resource_info, scope_info
from interactiveai.server.ingest.values import finite_or_text

# (span name, span id as given, problem) for a span rejected alone.
RejectFn = Callable[[str, str, str], None]

_STATUS_CODES = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}
_STATUS_CODES.update({"UNSET": 0, "OK": 1, "ERROR": 2})


class JsonSpan(NamedTuple):
    """One span of an OTLP/JSON request, ids already as lowercase hex."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    status_code: int
    status_message: str
    resource: ResourceInfo
    scope: dict[str, Any] | None


class _SpanProblem(ValueError):
    """Something wrong with one span; it is rejected and the rest of the request kept."""


def _field(obj: dict[str, Any], camel: str, snake: str) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _array(obj: dict[str, Any], camel: str, snake: str, where: str) -> list[Any]:
    value = _field(obj, camel, snake)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequestError(f"{where}.{camel} must be an array")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequestError(f"{where} must be an object")
    return value


def _value(any_value: Any) -> Any:
    """An AnyValue in its JSON form as a Python value."""
    if not isinstance(any_value, dict):
        return any_value  # a bare JSON value: not OTLP, but unambiguous
    for key, value in any_value.items():
        if key in ("stringValue", "string_value"):
            return value
        if key in ("intValue", "int_value"):
            return int(value)
        if key in ("doubleValue", "double_value"):
            return finite_or_text(float(value))
        if key in ("boolValue", "bool_value"):
            return value if isinstance(value, bool) else str(value).lower() == "true"
        if key in ("arrayValue", "array_value"):
            return [_value(item) for item in (value or {}).get("values") or ()]
        if key in ("kvlistValue", "kvlist_value"):
            return _attributes((value or {}).get("values"), "kvlistValue")
        if key in ("bytesValue", "bytes_value"):
            return value  # already base64 text, as we store bytes
    return None


def _attributes(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return raw  # `{"key": value}`: some hand-written clients send this
    if not isinstance(raw, list):
        raise _SpanProblem(f"{where} must be an array of {{key, value}}")
    out: dict[str, Any] = {}
    for kv in raw:
        if not isinstance(kv, dict) or not isinstance(kv.get("key"), str):
            raise _SpanProblem(f"{where} holds an entry that is not a {{key, value}} object")
        try:
            out[kv["key"]] = _value(kv.get("value"))
        except (TypeError, ValueError, AttributeError) as exc:
            raise _SpanProblem(f"{where}: attribute {kv['key']!r} has a bad value: {exc}") from None
    return out


def _id(value: Any, size: int, what: str) -> str:
    """Hex (as the OTLP/JSON spec says) or base64 (as proto3 JSON does) → lowercase hex."""
    raw = _id_bytes(value, size, what)
    if not any(raw):
        raise _SpanProblem(f"{what} is all zeros")
    return raw.hex()


def _id_bytes(value: Any, size: int, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise _SpanProblem(f"{what} is missing")
    raw: bytes | None = None
    if len(value) == size * 2:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = None
    else:
        padded = value + "=" * (-len(value) % 4)
        try:
            raw = base64.b64decode(padded, altchars=b"-_" if "-" in value or "_" in value else None)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) != size:
        raise _SpanProblem(
            f"{what} {value!r} is not {size * 2} hex characters (or base64 of {size} bytes)"
        )
    return raw


def _nanos(value: Any, what: str) -> int:
    if value is None:
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _SpanProblem(f"{what} {value!r} is not an integer") from None
    if number < 0:
        raise _SpanProblem(f"{what} is negative")
    return number


def _span(raw: Any, resource: ResourceInfo, scope: dict[str, Any] | None) -> JsonSpan:
    if not isinstance(raw, dict):
        raise _SpanProblem("a span must be an object")
    parent = _field(raw, "parentSpanId", "parent_span_id")
    # An all-zero parent is how some clients say "no parent".
    parent_bytes = _id_bytes(parent, 8, "parent span id") if parent else b""
    status = raw.get("status") or {}
    if not isinstance(status, dict):
        raise _SpanProblem("status must be an object")
    code = status.get("code", 0)
    status_code = _STATUS_CODES.get(code, 0) if isinstance(code, str) else int(code or 0)
    return JsonSpan(
        trace_id=_id(_field(raw, "traceId", "trace_id"), 16, "trace id"),
        span_id=_id(_field(raw, "spanId", "span_id"), 8, "span id"),
        parent_span_id=parent_bytes.hex() if any(parent_bytes) else None,
        name=str(raw.get("name") or ""),
        start_ns=_nanos(_field(raw, "startTimeUnixNano", "start_time_unix_nano"), "start time"),
        end_ns=_nanos(_field(raw, "endTimeUnixNano", "end_time_unix_nano"), "end time"),
        attributes=_attributes(raw.get("attributes"), "attributes"),
        status_code=status_code,
        status_message=str(status.get("message") or ""),
        resource=resource,
        scope=scope,
    )


def _header_attributes(raw: Any, where: str) -> dict[str, Any]:
    try:
        return _attributes(raw, where)
    except _SpanProblem as exc:
        raise BadRequestError(str(exc)) from None


def iter_json_spans(document: Any, reject: RejectFn) -> Iterator[JsonSpan]:
    """Spans of an OTLP/JSON document; bad spans go to `reject`, bad structure raises."""
    if not isinstance(document, dict):
        raise BadRequestError("OTLP/JSON body must be an object with a resourceSpans array")
    for i, rs in enumerate(_array(document, "resourceSpans", "resource_spans", "body")):
        where = f"resourceSpans[{i}]"
        rs = _object(rs, where)
        res = _object(rs.get("resource"), f"{where}.resource")
        resource = resource_info(_header_attributes(res.get("attributes"), f"{where}.resource"))
        scope_spans = _array(rs, "scopeSpans", "scope_spans", where) + _array(
            rs, "instrumentationLibrarySpans", "instrumentation_library_spans", where
        )
        for j, ss in enumerate(scope_spans):
            swhere = f"{where}.scopeSpans[{j}]"
            ss = _object(ss, swhere)
            sc = _object(ss.get("scope") or ss.get("instrumentationLibrary"), f"{swhere}.scope")
            scope = scope_info(
                str(sc.get("name") or ""),
                str(sc.get("version") or ""),
                _header_attributes(sc.get("attributes"), f"{swhere}.scope.attributes"),
            )
            for raw in _array(ss, "spans", "spans", swhere):
                try:
                    span = _span(raw, resource, scope)
                except (_SpanProblem, TypeError, ValueError) as exc:
                    name = str(raw.get("name") or "") if isinstance(raw, dict) else ""
                    sid = _field(raw, "spanId", "span_id") if isinstance(raw, dict) else ""
                    reject(name, str(sid or ""), str(exc))
                    continue
                yield span
