"""A tiny HTTP server on 127.0.0.1 that stands in for the network in SDK failure-mode tests.

It records every request and answers from a script (status, headers) per path, falling
back to what the real server answers when all is well. It is not our server: the
end-to-end tests (test_e2e_seed.py) use the real one.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

OTLP = "/api/public/otel/v1/traces"
INGESTION = "/api/public/ingestion"
PROJECTS = "/api/public/projects"


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    status: int = 0


@dataclass
class Reply:
    """A scripted answer."""

    status: int
    headers: dict[str, str]


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return tuple(_value(v) for v in value.array_value.values)
    return getattr(value, kind) if kind else None


class FakeServer:
    """Records requests; answers scripted replies first, then the happy-path default."""

    def __init__(self, *, valid_auth: str | None = None) -> None:
        self.requests: list[Request] = []
        self.valid_auth = valid_auth
        self._script: dict[str, deque[Reply]] = defaultdict(deque)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """Base URL, like INTERACTIVEAI_HOST."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *replies: tuple[int, dict[str, str]]) -> None:
        """Answer the next requests to `path` with these (status, headers), in order."""
        with self._lock:
            self._script[path].extend(Reply(status, headers) for status, headers in replies)

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        if handler.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        headers = {name.lower(): value for name, value in handler.headers.items()}
        request = Request(handler.command, handler.path, headers, body)
        with self._lock:
            self.requests.append(request)
            scripted = self._script[handler.path].popleft() if self._script[handler.path] else None
        if (
            scripted is None
            and self.valid_auth
            and request.headers.get("authorization") != self.valid_auth
        ):
            scripted = Reply(401, {})
        status, headers, payload = self._answer(request, scripted)
        request.status = status
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(
        self, request: Request, scripted: Reply | None
    ) -> tuple[int, dict[str, str], bytes]:
        if scripted is not None and scripted.status >= 300:
            message = json.dumps({"message": "scripted", "error": "Scripted"}).encode()
            return (
                scripted.status,
                {"Content-Type": "application/json", **scripted.headers},
                message,
            )
        if request.path == OTLP:
            return 200, {"Content-Type": "application/x-protobuf"}, b""
        if request.path == INGESTION:
            events = json.loads(request.body)["batch"]
            answer = {"successes": [{"id": e["id"], "status": 201} for e in events], "errors": []}
            return 207, {"Content-Type": "application/json"}, json.dumps(answer).encode()
        if request.path == PROJECTS:
            answer = {"data": [{"id": "project-1", "name": "test", "metadata": {}}]}
            return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()
        return 404, {}, b""

    def accepted(self, path: str) -> list[Request]:
        """Requests to `path` that were answered with success."""
        with self._lock:
            return [r for r in self.requests if r.path == path and 200 <= r.status < 300]

    def spans(self) -> list[tuple[str, dict[str, Any]]]:
        """(name, attributes) of every span in every OTLP request received, in arrival order."""
        found = []
        for request in self.accepted(OTLP):
            message = ExportTraceServiceRequest()
            message.ParseFromString(request.body)
            for resource_spans in message.resource_spans:
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        attrs = {a.key: _value(a.value) for a in span.attributes}
                        found.append((span.name, attrs))
        return found

    def score_events(self) -> list[dict[str, Any]]:
        """Every event of every ingestion batch received."""
        return [e for r in self.accepted(INGESTION) for e in json.loads(r.body)["batch"]]
