"""Send spans to a live server with the real OpenTelemetry SDK and its OTLP/HTTP exporter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Tracer

from tests.support.server import LiveServer


@contextmanager
def otel_tracer(server: LiveServer, path: str = "/api/public/otel/v1/traces") -> Iterator[Tracer]:
    """A tracer whose spans are exported synchronously to the server (no global state)."""
    exporter = OTLPSpanExporter(
        endpoint=server.url + path, headers={"Authorization": server.auth_header}
    )
    provider = TracerProvider(resource=Resource.create({"service.name": "e2e-test"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        yield provider.get_tracer("e2e")
    finally:
        provider.shutdown()
