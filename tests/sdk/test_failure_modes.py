"""Never in the way: missing keys, server down, overload then recovery, bad keys, full queues,
broken exporters and filters. The network is a loopback stand-in (FakeServer)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import interactiveai
from interactiveai import InteractiveAI, observe
from interactiveai.sdk.export import basic_auth
from tests.sdk.conftest import PUBLIC_KEY, SECRET_KEY
from tests.sdk.fake_server import INGESTION, OTLP, FakeServer
from tests.support.net import find_free_port

TRACE_ID = "0123456789abcdef0123456789abcdef"


def over_http(server_url: str, **settings: Any) -> InteractiveAI:
    """A client exporting over real HTTP, on a private provider (tests must not set the global one)."""
    return InteractiveAI(
        public_key=PUBLIC_KEY,
        secret_key=SECRET_KEY,
        host=server_url,
        tracer_provider=TracerProvider(),
        **settings,
    )


def record_some(client: InteractiveAI, turns: int = 3) -> None:
    for turn in range(turns):
        with client.start_as_current_observation(name=f"turn-{turn}") as span:
            span.update_trace(session_id="ticket-2611")
            span.score_trace(name="ok", value=turn)


def test_spans_reach_the_otlp_endpoint_as_gzip_protobuf_with_basic_auth(
    fake_server: FakeServer,
) -> None:
    client = over_http(fake_server.url)
    record_some(client)
    client.flush()

    [request] = fake_server.accepted(OTLP)
    assert request.headers["authorization"] == basic_auth(PUBLIC_KEY, SECRET_KEY)
    assert request.headers["content-type"] == "application/x-protobuf"
    assert request.headers["content-encoding"] == "gzip"
    assert request.headers["x-interactiveai-sdk-name"] == "python"
    assert sorted(name for name, _ in fake_server.spans()) == ["turn-0", "turn-1", "turn-2"]
    for _, attrs in fake_server.spans():
        assert attrs == {
            "interactiveai.observation.type": "span",
            "interactiveai.session.id": "ticket-2611",
        }


def test_overload_with_retry_after_then_recovery_loses_nothing(fake_server: FakeServer) -> None:
    fake_server.script(OTLP, (503, {"Retry-After": "0.3"}), (429, {"Retry-After": "0.3"}))
    fake_server.script(INGESTION, (503, {"Retry-After": "0.3"}), (429, {"Retry-After": "0.3"}))
    client = over_http(fake_server.url, timeout=5)
    record_some(client, turns=4)

    started = time.monotonic()
    client.flush()
    elapsed = time.monotonic() - started

    assert [r.status for r in fake_server.requests if r.path == OTLP] == [503, 429, 200]
    assert [r.status for r in fake_server.requests if r.path == INGESTION] == [503, 429, 207]
    assert len(fake_server.spans()) == 4
    assert [e["body"]["value"] for e in fake_server.score_events()] == [0.0, 1.0, 2.0, 3.0]
    # Both senders waited what Retry-After asked (0.3 s twice), each in turn.
    assert elapsed >= 1.2


def test_server_down_is_logged_and_the_app_carries_on(caplog: pytest.LogCaptureFixture) -> None:
    client = over_http(f"http://127.0.0.1:{find_free_port()}", timeout=1)

    @observe
    def business(x: int) -> int:
        return x + 1

    started = time.monotonic()
    results = [business(i, interactiveai_public_key=PUBLIC_KEY) for i in range(3)]  # type: ignore[call-arg]
    record_some(client)
    assert time.monotonic() - started < 0.5  # recording never waits for the network
    client.flush()
    assert time.monotonic() - started < 5  # flush gives up after `timeout` per batch

    assert results == [1, 2, 3]
    assert "Failed to export spans batch" in caplog.text
    assert "events dropped after retries (ConnectError" in caplog.text


def test_invalid_keys_are_logged_and_auth_check_says_false(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = FakeServer(valid_auth=basic_auth(PUBLIC_KEY, SECRET_KEY))
    try:
        good = over_http(server.url)
        assert good.auth_check() is True
        assert (
            good.get_trace_url(trace_id=TRACE_ID)
            == f"{server.url}/project/project-1/traces/{TRACE_ID}"
        )
        good.shutdown()

        bad = InteractiveAI(
            public_key=PUBLIC_KEY,
            secret_key="sk-wrong",
            host=server.url,
            tracer_provider=TracerProvider(),
        )
        assert bad.auth_check() is False
        assert bad.get_trace_url(trace_id=TRACE_ID) is None
        record_some(bad)
        bad.flush()
    finally:
        server.stop()
    assert "the server refused the keys (HTTP 401)" in caplog.text
    assert "Failed to export spans batch code: 401" in caplog.text
    assert "events rejected (HTTP 401" in caplog.text


def test_no_keys_one_warning_and_disabled(caplog: pytest.LogCaptureFixture) -> None:
    threads_before = threading.active_count()

    @observe
    def work() -> str:
        interactiveai.update_current_trace(session_id="s")
        return "done"

    assert work() == "done"
    assert work() == "done"
    with interactiveai.start_as_current_observation(name="x") as span:
        span.update(output=1).score(name="n", value=1)
    interactiveai.flush()

    client = interactiveai.get_client()
    assert client.enabled is False
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "InteractiveAI: no public/secret key (set INTERACTIVEAI_PUBLIC_KEY and "
        "INTERACTIVEAI_SECRET_KEY or pass them); the SDK is disabled"
    ]
    assert threading.active_count() == threads_before


def test_tracing_disabled_is_silent(caplog: pytest.LogCaptureFixture) -> None:
    client = InteractiveAI(tracing_enabled=False)
    with client.start_as_current_observation(name="x") as span:
        span.update(input=1)
    assert span.id == "0000000000000000"
    assert caplog.records == []


class BlockingExporter(SpanExporter):
    """Holds the first export until released, so the queue behind it fills up."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.exported: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.entered.set()
        self.release.wait(5)
        self.exported.extend(spans)
        return SpanExportResult.SUCCESS


def test_full_span_queue_drops_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    exporter = BlockingExporter()
    client = InteractiveAI(span_exporter=exporter, max_queue_size=10, flush_interval=0.01)
    for i in range(10):
        client.start_observation(name=f"first-{i}").end()
    assert exporter.entered.wait(5)  # the worker took those ten and is stuck in export()
    for i in range(30):
        client.start_observation(name=f"more-{i}").end()
    exporter.release.set()
    client.flush()

    assert len(exporter.exported) == 20  # ten in flight + a full queue; twenty dropped
    full = [r for r in caplog.records if "Queue full" in r.getMessage()]
    assert len(full) == 1


def test_full_score_queue_drops_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[dict[str, Any]] = []
    client = InteractiveAI(
        span_exporter=InMemorySpanExporter(),
        score_exporter=sent.extend,
        max_queue_size=3,
        flush_at=100,
        flush_interval=60,
    )
    for i in range(10):
        client.create_score(name=f"s{i}", value=i, trace_id=TRACE_ID)
    client.flush()
    for i in range(5):
        client.create_score(name=f"t{i}", value=i, trace_id=TRACE_ID)
    client.flush()

    assert [e["body"]["name"] for e in sent] == ["s0", "s1", "s2", "t0", "t1", "t2"]
    full = [r for r in caplog.records if "score queue full" in r.getMessage()]
    assert len(full) == 2  # one per episode of overflow, not one per score


def test_an_exporter_that_raises_does_not_reach_the_app(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            raise OSError("disk full")

    client = InteractiveAI(span_exporter=Broken())
    with client.start_as_current_observation(name="x"):
        pass
    client.flush()
    assert "Exception while exporting Span" in caplog.text


def test_should_export_span_filters_and_a_failing_filter_exports(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exporter = InMemorySpanExporter()

    def only_llm(span: ReadableSpan) -> bool:
        if span.name == "weird":
            raise RuntimeError("filter bug")
        return span.name.startswith("llm")

    client = InteractiveAI(span_exporter=exporter, should_export_span=only_llm)
    for name in ("llm-call", "http GET", "weird"):
        client.start_observation(name=name).end()
    client.flush()
    assert sorted(s.name for s in exporter.get_finished_spans()) == ["llm-call", "weird"]
    assert "should_export_span raised" in caplog.text


def test_sampling_keeps_or_drops_whole_traces() -> None:
    exporter = InMemorySpanExporter()
    client = InteractiveAI(span_exporter=exporter, sample_rate=0.5)
    for i in range(400):
        with client.start_as_current_observation(name=f"root-{i}"):
            client.start_observation(name="child").end()
    client.flush()

    spans = exporter.get_finished_spans()
    roots = {s.context.trace_id for s in spans if s.name.startswith("root")}
    children = {s.context.trace_id for s in spans if s.name == "child"}
    assert roots == children
    assert 120 < len(roots) < 280

    none = InMemorySpanExporter()
    silent = InteractiveAI(span_exporter=none, sample_rate=0)
    silent.start_observation(name="x").end()
    silent.flush()
    assert none.get_finished_spans() == ()


def test_several_clients_need_a_public_key(caplog: pytest.LogCaptureFixture) -> None:
    a_spans, b_spans = InMemorySpanExporter(), InMemorySpanExporter()
    a = InteractiveAI(public_key="pk-a", span_exporter=a_spans)
    b = InteractiveAI(public_key="pk-b", span_exporter=b_spans)

    @observe
    def work() -> None:
        pass

    work()
    work()
    work(interactiveai_public_key="pk-b")  # type: ignore[call-arg]
    assert interactiveai.get_client("pk-a") is a
    a.flush()
    b.flush()

    assert a_spans.get_finished_spans() == ()
    assert [s.name for s in b_spans.get_finished_spans()] == ["work"]
    ambiguous = [r for r in caplog.records if "2 clients exist" in r.getMessage()]
    assert len(ambiguous) == 1


def test_shutdown_is_idempotent_and_later_calls_are_quiet(caplog: pytest.LogCaptureFixture) -> None:
    exporter = InMemorySpanExporter()
    client = InteractiveAI(span_exporter=exporter)
    client.start_observation(name="before").end()
    client.shutdown()
    client.shutdown()
    client.start_observation(name="after").end()
    client.flush()
    assert [s.name for s in exporter.get_finished_spans()] == ["before"]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_flush_waits_once_not_once_per_batch_while_the_server_is_down(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = over_http(f"http://127.0.0.1:{find_free_port()}", timeout=3, flush_at=1)
    for i in range(6):
        client.start_observation(name=f"s{i}").end()

    started = time.monotonic()
    client.flush()
    # One batch spends its retry budget (about a second of backoff here); the five
    # behind it are dropped at once instead of each waiting as long.
    assert time.monotonic() - started < 3.5
    guarded = [r for r in caplog.records if "dropping spans for the next 3 s" in r.getMessage()]
    assert len(guarded) == 1


def test_outage_guard_drops_during_the_cooldown_then_probes_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from interactiveai.sdk.export import OutageGuard

    class Flaky(SpanExporter):
        def __init__(self) -> None:
            self.results = [SpanExportResult.FAILURE, SpanExportResult.SUCCESS]
            self.calls = 0

        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            self.calls += 1
            time.sleep(0.3)  # slower than the guard's threshold (cooldown / 4)
            return self.results.pop(0)

    inner = Flaky()
    guard = OutageGuard(inner, cooldown=1.0)
    batch: list[Any] = [object()]
    assert guard.export(batch) is SpanExportResult.FAILURE  # slow failure: trips
    assert guard.export(batch * 2) is SpanExportResult.FAILURE  # dropped, no request
    assert (inner.calls, guard.dropped) == (1, 2)
    time.sleep(1.05)
    assert guard.export(batch) is SpanExportResult.SUCCESS  # probes again after the cooldown
    assert inner.calls == 2
    assert "export recovered" in caplog.text


def test_an_immediate_rejection_does_not_trip_the_guard() -> None:
    from interactiveai.sdk.export import OutageGuard

    class Rejects(SpanExporter):
        calls = 0

        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            self.calls += 1
            return SpanExportResult.FAILURE

    inner = Rejects()
    guard = OutageGuard(inner, cooldown=10)
    for _ in range(3):
        guard.export([])
    assert inner.calls == 3
