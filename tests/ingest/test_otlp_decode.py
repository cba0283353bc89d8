"""Whole requests: content types, encodings, bad ids, the session id rule, the response."""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from interactiveai.server.errors import (
    BadRequestError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from interactiveai.server.ingest.otlp import decode_export_request, encode_export_response
from interactiveai.server.ingest.records import DecodedBatch
from tests.ingest.builders import TRACE_ID, decode, export_request, span

PROTOBUF = "application/x-protobuf"


def _body(*spans: Span) -> bytes:
    body: bytes = export_request(list(spans)).SerializeToString()
    return body


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"trace_id": bytes(16)}, "trace id is all zeros"),
        ({"trace_id": b"\x01" * 15}, "trace id must be 16 bytes, got 15"),
        ({"trace_id": b""}, "trace id must be 16 bytes, got 0"),
        ({"span_id": bytes(8)}, "span id is all zeros"),
        ({"span_id": b"\x01" * 9}, "span id must be 8 bytes, got 9"),
        ({"parent": b"\x01" * 4}, "parent span id must be 8 bytes, got 4"),
    ],
)
def test_a_span_with_bad_ids_is_rejected_alone(options: dict[str, Any], problem: str) -> None:
    good = span(index=1, name="good", attributes={"session.id": "s"})
    bad = span(index=2, name="bad-span", **options)
    observations, traces, batch = decode([good, bad])
    assert [o.name for o in observations] == ["good"]
    assert len(traces) == 1 and traces[0].session_id == "s"
    assert batch.rejected_spans == 1
    assert len(batch.warnings) == 1
    assert "'bad-span'" in batch.warnings[0] and problem in batch.warnings[0]


def test_an_all_zero_parent_means_no_parent() -> None:
    observations, traces, _ = decode([span(parent=bytes(8))])
    assert observations[0].parent_observation_id is None
    assert traces[0].root_name == "span"


def test_ids_are_lowercase_hex() -> None:
    observations, _, _ = decode(
        [span(span_id="00F067AA0BA902B7".lower(), parent="ABCDEF0123456789")]
    )
    assert observations[0].id == "00f067aa0ba902b7"
    assert observations[0].trace_id == TRACE_ID
    assert observations[0].parent_observation_id == "abcdef0123456789"


@pytest.mark.parametrize(
    ("session_id", "problem"),
    [
        ("café-session", "non US-ASCII"),
        ("x" * 200, "200 characters long"),
        ("", "must not be empty"),
    ],
)
def test_invalid_session_ids_are_dropped_and_counted(session_id: str, problem: str) -> None:
    spans = [
        span(index=1, name="root", attributes={"session.id": session_id, "user.id": "u"}),
        # The SDK repeats the session id on every span: still one drop for the trace.
        span(index=2, name="child", parent=f"{1:016x}", attributes={"session.id": session_id}),
    ]
    observations, traces, batch = decode(spans)
    assert len(observations) == 2  # the trace and its spans are kept
    assert [t.session_id for t in traces] == [None, None]
    assert traces[0].user_id == "u"
    assert batch.dropped_session_ids == 1
    assert batch.rejected_spans == 0
    assert len(batch.warnings) == 1
    assert problem in batch.warnings[0] and "session id" in batch.warnings[0]
    assert "kept without a session id" in batch.warnings[0]


def test_a_199_character_session_id_is_kept() -> None:
    _, traces, batch = decode([span(attributes={"langfuse.session.id": "y" * 199})])
    assert traces[0].session_id == "y" * 199
    assert (batch.dropped_session_ids, batch.warnings) == (0, [])


def test_invalid_user_ids_are_dropped_and_warned_but_not_counted_as_sessions() -> None:
    _, traces, batch = decode([span(attributes={"user.id": "u" * 200, "session.id": "ok"})])
    assert (traces[0].user_id, traces[0].session_id) == (None, "ok")
    assert batch.dropped_session_ids == 0
    assert len(batch.warnings) == 1 and "user id is 200 characters long" in batch.warnings[0]


def test_gzip_and_deflate_bodies() -> None:
    body = _body(span(name="zipped"))
    for encoded, encoding in (
        (gzip.compress(body), "gzip"),
        (zlib.compress(body), "deflate"),
        (zlib.compress(body)[2:-4], "deflate"),  # raw deflate, as some clients send it
        (body, "identity"),
    ):
        batch = decode_export_request(encoded, PROTOBUF, encoding)
        assert [o.name for o in batch.observations] == ["zipped"]


def test_bad_encodings_are_bad_requests() -> None:
    with pytest.raises(BadRequestError, match="not valid gzip data"):
        decode_export_request(b"not gzip at all", PROTOBUF, "gzip")
    with pytest.raises(BadRequestError, match="truncated"):
        decode_export_request(gzip.compress(_body(span()))[:-12], PROTOBUF, "gzip")
    with pytest.raises(BadRequestError, match="Content-Encoding 'br' is not supported"):
        decode_export_request(b"", PROTOBUF, "br")
    with pytest.raises(PayloadTooLargeError, match="over the limit of 10 bytes"):
        decode_export_request(gzip.compress(b"\0" * 1000), PROTOBUF, "gzip", max_inflated_bytes=10)


@pytest.mark.parametrize(
    "body",
    [
        b"this is not protobuf",
        b"\xff\xff\xff\xff",
        b'{"resourceSpans": []}',  # JSON sent with the protobuf content type
        b"\x0a\x05\x0a",  # a length-delimited field that runs past the end
    ],
)
def test_garbage_protobuf_is_a_bad_request(body: bytes) -> None:
    with pytest.raises(BadRequestError, match="protobuf ExportTraceServiceRequest"):
        decode_export_request(body, PROTOBUF, None)


def test_an_empty_request_decodes_to_nothing() -> None:
    for body, content_type in ((b"", PROTOBUF), (b"{}", "application/json")):
        batch = decode_export_request(body, content_type, None)
        assert (batch.observations, batch.traces, batch.rejected_spans) == ([], [], 0)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None, ""])
def test_unknown_content_types_are_refused_by_name(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaTypeError) as caught:
        decode_export_request(b"", content_type, None)
    message = caught.value.message
    assert (repr(content_type) if content_type else "missing") in message
    assert "application/x-protobuf" in message and "application/json" in message
    assert caught.value.status == 400


def test_content_type_parameters_and_case_are_ignored() -> None:
    body = _body(span(name="p"))
    batch = decode_export_request(body, "Application/X-Protobuf; charset=binary", None)
    assert [o.name for o in batch.observations] == ["p"]
    batch = decode_export_request(body, "application/protobuf", None)
    assert [o.name for o in batch.observations] == ["p"]


def test_response_reports_partial_success_in_protobuf_and_json() -> None:
    spans = [
        span(index=1, attributes={"session.id": "é"}),
        span(index=2, span_id=bytes(8), name="zero"),
    ]
    _, _, batch = decode(spans)
    response = ExportTraceServiceResponse()
    response.ParseFromString(encode_export_response(batch, as_json=False))
    assert response.partial_success.rejected_spans == 1
    message = response.partial_success.error_message
    assert message.startswith("1 span(s) rejected, 1 session id(s) dropped: ")
    assert "'zero'" in message and "span id is all zeros" in message
    assert "non US-ASCII" in message

    document = json.loads(encode_export_response(batch, as_json=True))
    # proto3 JSON mapping: camelCase keys, int64 as a decimal string.
    assert document["partialSuccess"]["rejectedSpans"] == "1"
    assert document["partialSuccess"]["errorMessage"] == message


def test_a_clean_batch_answers_an_empty_response() -> None:
    assert encode_export_response(DecodedBatch(), as_json=False) == b""
    assert encode_export_response(DecodedBatch(), as_json=True) == b"{}"


def test_warnings_only_still_explain_themselves() -> None:
    batch = DecodedBatch(warnings=["span 'x' (1) of trace t: user id is 200 characters long"])
    response = ExportTraceServiceResponse()
    response.ParseFromString(encode_export_response(batch, as_json=False))
    assert response.partial_success.rejected_spans == 0
    assert "user id" in response.partial_success.error_message


def test_warnings_are_capped_but_every_rejection_counted() -> None:
    spans = [span(index=i + 1, trace_id=bytes(16)) for i in range(150)]
    _, _, batch = decode(spans)
    assert batch.rejected_spans == 150
    assert len(batch.warnings) == 101
    assert batch.warnings[-1] == "... further warnings omitted"
