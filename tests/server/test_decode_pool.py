"""Large OTLP requests are decoded in a worker process: same records, same errors, and a dead
worker costs no request."""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from interactiveai.server.errors import BadRequestError, PayloadTooLargeError
from interactiveai.server.ingest.apply import merge_traces
from interactiveai.server.ingest.decode_pool import INLINE_BELOW_BYTES, DecodePool
from interactiveai.server.ingest.otlp import decode_export_request
from interactiveai.server.ingest.records import unpack_records
from tests.server.test_bad_input import OTLP, PB, request, span
from tests.support.server import LiveServer

PROTOBUF = "application/x-protobuf"


def big_request(traces: int, session: str, *extra: Span) -> bytes:
    spans = []
    for n in range(traces):
        s = span(b"\x0a" * 12 + n.to_bytes(4, "big"), (n + 1).to_bytes(8, "big"), f"t{n}", session)
        s.attributes.append(KeyValue(key="input.value", value=AnyValue(string_value=f"q{n}")))
        spans.append(s)
    body = request(*spans, *extra)
    assert len(body) > INLINE_BELOW_BYTES, "the request must be big enough for the worker"
    return body


def plain(record: object) -> dict[str, Any]:
    """A record's fields, with documents serialized in the worker read back."""
    fields = {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]
    return {k: orjson.loads(v) if type(v) is bytes else v for k, v in fields.items()}


@pytest.fixture
def pool() -> Iterator[DecodePool]:
    decoder = DecodePool(1)
    decoder.start()
    yield decoder
    decoder.close()


def test_worker_decodes_what_inline_decoding_does(pool: DecodePool) -> None:
    child = span(b"\x0a" * 12 + bytes(4), b"\xff" * 8, "child of t0", "pool-session")
    bad = span(b"\x01" * 4, b"\x03" * 8, "short-trace")
    body = big_request(400, "pool-session", child, bad)
    decoded = asyncio.run(pool.decode(body, PROTOBUF, None, 10_000_000))
    assert decoded.packed is not None and decoded.batch.observations == []
    observations, traces = unpack_records(decoded.packed)
    inline = decode_export_request(body, PROTOBUF, None)
    assert [plain(o) for o in observations] == [plain(o) for o in inline.observations]
    merged = merge_traces(inline.traces).values()  # one record per trace, as the writer folds
    assert [plain(t) for t in traces] == [plain(t) for t in merged]
    assert type(observations[0].input) is bytes  # serialized in the worker
    assert orjson.loads(traces[0].root_input) == "q0"
    assert len(observations) == 401 and len(traces) == 400  # the child's trace record folded
    assert decoded.packed_records == 801
    assert decoded.batch.rejected_spans == inline.rejected_spans == 1
    assert decoded.batch.warnings == inline.warnings


def test_worker_errors_arrive_as_raised(pool: DecodePool) -> None:
    bomb = gzip.compress(b"\x00" * 3_000_000)
    garbage = b"\xff" * (2 * INLINE_BELOW_BYTES)
    assert len(bomb) < INLINE_BELOW_BYTES  # inline: the same error either way
    with pytest.raises(PayloadTooLargeError, match="over the limit of 1000000 bytes"):
        asyncio.run(pool.decode(bomb + b"\x00" * INLINE_BELOW_BYTES, PROTOBUF, "gzip", 1_000_000))
    with pytest.raises(BadRequestError, match="not a valid protobuf"):
        asyncio.run(pool.decode(garbage, PROTOBUF, None, 10_000_000))


def test_a_killed_worker_costs_no_request(pool: DecodePool) -> None:
    body = big_request(300, "after-crash")
    asyncio.run(pool.decode(body, PROTOBUF, None, 10_000_000))
    assert pool._pool is not None
    for pid in list(pool._pool._processes):
        os.kill(pid, signal.SIGKILL)
    decoded = asyncio.run(pool.decode(body, PROTOBUF, None, 10_000_000))
    assert len(decoded.batch.observations) == 300  # decoded in place this once
    again = asyncio.run(pool.decode(body, PROTOBUF, None, 10_000_000))
    assert again.packed is not None  # and a new worker takes the next one


def test_server_writes_what_its_worker_decoded(sqlite_server: LiveServer) -> None:
    body = big_request(300, "worker-session", span(b"\x05" * 16, b"\x00" * 8, "zero-span"))
    with sqlite_server.client() as client:
        r = client.post(OTLP, content=body, headers=PB)
        assert r.status_code == 200, r.text
        bomb = gzip.compress(b"\x00" * (11 * 1024 * 1024)) + b"\x00" * INLINE_BELOW_BYTES
        too_big = client.post(OTLP, content=bomb, headers={**PB, "Content-Encoding": "gzip"})
    response = ExportTraceServiceResponse.FromString(r.content)
    assert response.partial_success.rejected_spans == 1
    assert "all zeros" in response.partial_success.error_message
    assert sqlite_server.get("/api/public/sessions/worker-session")["countTraces"] == 300
    trace_id = "0a" * 12 + "00000007"
    trace = sqlite_server.get(f"/api/public/traces/{trace_id}")
    assert trace["input"] == "q7" and trace["observations"][0]["input"] == "q7"
    assert too_big.status_code == 413, too_big.text
    assert "limit" in too_big.json()["message"]
