"""OTLP/JSON requests: the spec's form, protobuf's canonical JSON mapping, and client variants."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from google.protobuf import json_format

from interactiveai.server.errors import BadRequestError
from interactiveai.server.ingest.otlp import decode_export_request
from interactiveai.server.ingest.records import DecodedBatch
from tests.ingest.builders import (
    END_NS,
    START_NS,
    TRACE_ID,
    export_request,
    json_attributes,
    span,
)

JSON = "application/json"
SPAN_ID = "b7ad6b7169203331"
PARENT_ID = "00f067aa0ba902b7"


def _request(spans: list[dict[str, Any]], **resource_attrs: Any) -> bytes:
    document = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": json_attributes(resource_attrs or {"service.name": "js"})
                },
                "scopeSpans": [{"scope": {"name": "js-scope", "version": "1"}, "spans": spans}],
            }
        ]
    }
    return json.dumps(document).encode()


def _span(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "traceId": TRACE_ID,
        "spanId": SPAN_ID,
        "parentSpanId": PARENT_ID,
        "name": "json-span",
        "kind": 1,
        "startTimeUnixNano": str(START_NS),
        "endTimeUnixNano": str(END_NS),
        "attributes": json_attributes({"session.id": "js-session"}),
        "status": {},
    }
    base.update(overrides)
    return base


def _decode(body: bytes) -> DecodedBatch:
    return decode_export_request(body, JSON, None)


def test_spec_form_with_hex_ids_and_string_times() -> None:
    batch = _decode(_request([_span()], **{"deployment.environment.name": "dev"}))
    (obs,), (trace,) = batch.observations, batch.traces
    assert (obs.id, obs.trace_id, obs.parent_observation_id) == (SPAN_ID, TRACE_ID, PARENT_ID)
    assert obs.start_time is not None and obs.start_time.timestamp() == START_NS / 1e9
    assert (trace.session_id, trace.environment) == ("js-session", "dev")
    assert obs.metadata is not None
    assert obs.metadata["scope"] == {"name": "js-scope", "version": "1"}
    assert obs.metadata["resourceAttributes"] == {"deployment.environment.name": "dev"}


def test_protobufs_canonical_json_with_base64_ids_decodes_the_same() -> None:
    proto = export_request(
        [span(attributes={"session.id": "s", "llm.token_count.prompt": 3}, parent=PARENT_ID)]
    )
    canonical = json_format.MessageToJson(proto).encode()
    assert base64.b64encode(bytes.fromhex(TRACE_ID)).decode() in canonical.decode()
    from_json = _decode(canonical)
    from_proto = decode_export_request(proto.SerializeToString(), "application/x-protobuf", None)
    assert from_json.observations == from_proto.observations
    assert from_json.traces == from_proto.traces


def test_snake_case_keys_numeric_times_and_url_safe_base64_ids() -> None:
    document = {
        "resource_spans": [
            {
                "resource": {
                    "attributes": [{"key": "service.version", "value": {"string_value": "7"}}]
                },
                "scope_spans": [
                    {
                        "scope": {"name": "py"},
                        "spans": [
                            {
                                "trace_id": base64.urlsafe_b64encode(bytes.fromhex(TRACE_ID))
                                .decode()
                                .rstrip("="),
                                "span_id": SPAN_ID.upper(),
                                "name": "snake",
                                "start_time_unix_nano": START_NS,
                                "end_time_unix_nano": END_NS,
                                "attributes": [
                                    {"key": "user.id", "value": {"int_value": 99}},
                                    {"key": "flag", "value": {"bool_value": True}},
                                ],
                                "status": {"code": "STATUS_CODE_ERROR", "message": "bad"},
                            }
                        ],
                    }
                ],
            }
        ]
    }
    batch = _decode(json.dumps(document).encode())
    (obs,), (trace,) = batch.observations, batch.traces
    assert (obs.trace_id, obs.id, obs.name) == (TRACE_ID, SPAN_ID, "snake")
    assert obs.parent_observation_id is None
    assert (obs.level, obs.status_message, obs.version) == ("ERROR", "bad", "7")
    assert trace.user_id == "99"
    assert obs.metadata is not None
    assert obs.metadata["attributes"] == {"flag": True}


def test_every_any_value_form() -> None:
    attributes = [
        {"key": "s", "value": {"stringValue": "x"}},
        {"key": "i", "value": {"intValue": "9007199254740993"}},
        {"key": "d", "value": {"doubleValue": 1.5}},
        {"key": "nan", "value": {"doubleValue": "NaN"}},
        {"key": "b", "value": {"boolValue": False}},
        {"key": "bytes", "value": {"bytesValue": "AQI="}},
        {
            "key": "arr",
            "value": {"arrayValue": {"values": [{"intValue": 1}, {"stringValue": "2"}]}},
        },
        {
            "key": "kv",
            "value": {"kvlistValue": {"values": [{"key": "k", "value": {"doubleValue": 2}}]}},
        },
        {"key": "empty", "value": {}},
    ]
    batch = _decode(_request([_span(attributes=attributes)]))
    metadata = batch.observations[0].metadata
    assert metadata is not None
    assert metadata["attributes"] == {
        "s": "x",
        "i": 9007199254740993,  # int64 exactly, not through a float
        "d": 1.5,
        "nan": "NaN",
        "b": False,
        "bytes": "AQI=",
        "arr": [1, "2"],
        "kv": {"k": 2.0},
    }


def test_attributes_as_a_plain_object_and_legacy_instrumentation_library_spans() -> None:
    document = {
        "resourceSpans": [
            {
                "instrumentationLibrarySpans": [
                    {
                        "instrumentationLibrary": {"name": "old"},
                        "spans": [_span(attributes={"langfuse.session.id": "plain"})],
                    }
                ]
            }
        ]
    }
    batch = _decode(json.dumps(document).encode())
    assert batch.traces[0].session_id == "plain"
    assert batch.observations[0].metadata == {"scope": {"name": "old"}}


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"traceId": "00000000000000000000000000000000"}, "trace id is all zeros"),
        ({"traceId": "abc"}, "trace id 'abc' is not 32 hex characters"),
        ({"traceId": None}, "trace id is missing"),
        ({"spanId": "zzzzzzzzzzzzzzzz"}, "span id 'zzzzzzzzzzzzzzzz' is not 16 hex"),
        ({"spanId": base64.b64encode(b"\0" * 8).decode()}, "span id is all zeros"),
        ({"parentSpanId": "123"}, "parent span id '123'"),
        ({"startTimeUnixNano": "soon"}, "start time 'soon' is not an integer"),
        ({"attributes": [{"value": {"stringValue": "no key"}}]}, "not a {key, value} object"),
        (
            {"attributes": [{"key": "n", "value": {"intValue": "x"}}]},
            "attribute 'n' has a bad value",
        ),
    ],
)
def test_a_bad_json_span_is_rejected_alone(overrides: dict[str, Any], problem: str) -> None:
    good = _span(spanId="00000000000000c1", name="good")
    bad = _span(name="bad", **overrides)
    batch = _decode(_request([good, bad]))
    assert [o.name for o in batch.observations] == ["good"]
    assert batch.rejected_spans == 1
    assert "'bad'" in batch.warnings[0] and problem in batch.warnings[0]


def test_an_all_zero_json_parent_means_no_parent() -> None:
    batch = _decode(_request([_span(parentSpanId="0000000000000000")]))
    assert batch.observations[0].parent_observation_id is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "body is not valid JSON"),
        (b"[1, 2]", "must be an object with a resourceSpans array"),
        (b'{"resourceSpans": {}}', "resourceSpans must be an array"),
        (b'{"resourceSpans": [7]}', "resourceSpans[0] must be an object"),
        (b'{"resourceSpans": [{"scopeSpans": [{"spans": 3}]}]}', "spans must be an array"),
        (b'{"resourceSpans": [{"resource": {"attributes": 5}}]}', "resourceSpans[0].resource"),
    ],
)
def test_malformed_json_structure_is_a_bad_request(body: bytes, message: str) -> None:
    with pytest.raises(BadRequestError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _decode(body)


def test_json_content_type_with_charset() -> None:
    batch = decode_export_request(_request([_span()]), "application/json; charset=utf-8", None)
    assert len(batch.observations) == 1
