"""End-to-end ingestion throughput: OTLP/HTTP requests to a real server until all spans are
committed (an answer is sent only after commit, so answered = queryable), then checked by query.

    python bench/ingest.py [--db sqlite|postgresql] [--spans 100000] [--per-request 500]

Prints spans/s and the server's peak RSS. Client and server share this machine's cores.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import asyncio
import os
import random
import tempfile
import threading
import time
from pathlib import Path

import httpx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span
from tests.support.server import start_server

from bench.support import ROOT, cpu_seconds, database, rss_mib


def kv(key: str, value: object) -> KeyValue:
    if isinstance(value, str):
        return KeyValue(key=key, value=AnyValue(string_value=value))
    if isinstance(value, bool):
        return KeyValue(key=key, value=AnyValue(bool_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    return KeyValue(key=key, value=AnyValue(double_value=float(value)))  # type: ignore[arg-type]


def build_requests(total: int, per_request: int, seed: int = 7) -> list[bytes]:
    """Realistic requests: traces of 5 spans (root + 2 LLM calls + 2 tools), 4 turns a session."""
    rng = random.Random(seed)
    base = 1_750_000_000_000_000_000
    bodies: list[bytes] = []
    spans: list[Span] = []
    n = 0
    trace_no = 0
    while n < total:
        trace_no += 1
        trace_id = rng.getrandbits(128).to_bytes(16, "big")
        session = f"bench-session-{trace_no // 4}"
        root_id = rng.getrandbits(64).to_bytes(8, "big")
        t0 = base + trace_no * 1_000_000_000
        for i in range(5):
            span_id = root_id if i == 0 else rng.getrandbits(64).to_bytes(8, "big")
            attrs = [
                kv("interactiveai.session.id", session),
                kv("interactiveai.user.id", f"user-{trace_no % 500}"),
            ]
            if i == 0:
                attrs += [
                    kv("interactiveai.trace.name", "chat-turn"),
                    kv("interactiveai.trace.tags", '["bench", "chat"]'),
                    kv("input.value", '{"message": "Where is my order? It has been two weeks."}'),
                    kv("output.value", '{"answer": "Let me check the tracking for you."}'),
                ]
            elif i in (1, 3):
                attrs += [
                    kv("gen_ai.operation.name", "chat"),
                    kv("gen_ai.request.model", "gpt-4o-mini"),
                    kv("gen_ai.usage.input_tokens", 350 + i),
                    kv("gen_ai.usage.output_tokens", 80),
                    kv(
                        "gen_ai.input.messages",
                        '[{"role": "user", "parts": [{"type": "text", "content": "Where is my order?"}]}]',
                    ),
                    kv(
                        "gen_ai.output.messages",
                        '[{"role": "assistant", "parts": [{"type": "text", "content": "Checking."}]}]',
                    ),
                ]
            else:
                attrs += [
                    kv("gen_ai.tool.name", "lookup_order"),
                    kv("gen_ai.tool.call.arguments", '{"order": 12345}'),
                ]
            spans.append(
                Span(
                    trace_id=trace_id,
                    span_id=span_id,
                    parent_span_id=b"" if i == 0 else root_id,
                    name=["turn", "llm", "tool", "llm", "tool"][i],
                    start_time_unix_nano=t0 + i * 1_000_000,
                    end_time_unix_nano=t0 + (i + 1) * 100_000_000,
                    attributes=attrs,
                )
            )
            n += 1
            if len(spans) == per_request:
                bodies.append(_encode(spans))
                spans = []
    if spans:
        bodies.append(_encode(spans))
    return bodies


def _encode(spans: list[Span]) -> bytes:
    return ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=Resource(attributes=[kv("service.name", "bench")]),
                scope_spans=[ScopeSpans(spans=spans)],
            )
        ]
    ).SerializeToString()


async def send_all(url: str, auth: tuple[str, str], bodies: list[bytes], concurrency: int) -> int:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    retries = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal retries
        while not queue.empty():
            body = queue.get_nowait()
            while True:
                r = await client.post(
                    "/api/public/otel/v1/traces",
                    content=body,
                    headers={"Content-Type": "application/x-protobuf"},
                )
                if r.status_code in (429, 503):
                    retries += 1
                    await asyncio.sleep(float(r.headers.get("retry-after", "0.2")))
                    continue
                r.raise_for_status()
                break

    async with httpx.AsyncClient(base_url=url, auth=auth, timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return retries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--per-request", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    bodies = build_requests(args.spans, args.per_request)
    tmp = Path(tempfile.mkdtemp(prefix="ia-bench-"))
    with database(args.db, tmp / "bench.db") as url:
        server = start_server(
            url, {"INTERACTIVEAI_LOG_LEVEL": "warning", "INTERACTIVEAI_WORKERS": str(args.workers)}
        )
        peak = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], rss_mib(server.process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            cpu_before = cpu_seconds(server.process.pid)
            client_before = time.process_time()
            start = time.perf_counter()
            retries = asyncio.run(
                send_all(
                    server.url, (server.public_key, server.secret_key), bodies, args.concurrency
                )
            )
            elapsed = time.perf_counter() - start
            client_cpu = time.process_time() - client_before
            cpu = cpu_seconds(server.process.pid) - cpu_before
            stop.set()
            with server.client() as c:
                stored = c.get("/api/public/observations", params={"limit": 1}).json()["meta"][
                    "totalItems"
                ]
                sessions = c.get("/api/public/sessions", params={"limit": 1}).json()["meta"][
                    "totalItems"
                ]
        finally:
            stop.set()
            server.stop()
    print(f"database:        {args.db}")
    print(
        f"spans sent:      {args.spans} in {len(bodies)} requests of {args.per_request}, concurrency {args.concurrency}"
    )
    print(f"spans stored:    {stored}  sessions: {sessions}  (503 retries: {retries})")
    print(f"elapsed:         {elapsed:.2f} s")
    print(f"throughput:      {args.spans / elapsed:,.0f} spans/s")
    print(f"server CPU:      {cpu:.2f} s = {cpu / args.spans * 1e6:.0f} µs/span")
    print(f"client CPU:      {client_cpu:.2f} s = {client_cpu / args.spans * 1e6:.0f} µs/span")
    print(f"server peak RSS: {peak[0]:.0f} MiB")
    assert stored == args.spans, "not every span was stored"


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
