"""Where and how data leaves the process: endpoints, auth header, the OTLP/HTTP exporter.

The exporter is imported only when a client really exports, to keep `import interactiveai` light.
Retries: the OTLP/HTTP exporter we depend on (checked with 1.45, whose shared HTTP client
lives in opentelemetry-exporter-otlp-common) retries 429, 502, 503, 504 and connection
errors with exponential backoff, waits `Retry-After` when the server sends it, and gives
up when the batch's `timeout` is spent; so no subclass is needed here. Older releases did
not retry 429 nor read `Retry-After`, hence the version floor in pyproject.toml.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import math
import os
import random
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from interactiveai.sdk.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    import httpx

logger = logging.getLogger("interactiveai")

OTLP_PATH = "/api/public/otel/v1/traces"
INGESTION_PATH = "/api/public/ingestion"
PROJECTS_PATH = "/api/public/projects"

SDK_NAME = "python"


def basic_auth(public_key: str, secret_key: str) -> str:
    """The `Authorization` header value for HTTP Basic auth with the project's keys."""
    token = base64.b64encode(f"{public_key}:{secret_key}".encode()).decode("ascii")
    return f"Basic {token}"


def request_headers(settings: Settings, version: str) -> dict[str, str]:
    """Headers on every request the SDK sends."""
    return {
        "Authorization": basic_auth(settings.public_key or "", settings.secret_key or ""),
        "x-interactiveai-sdk-name": SDK_NAME,
        "x-interactiveai-sdk-version": version,
        "x-interactiveai-public-key": settings.public_key or "",
    }


def otlp_exporter(settings: Settings, version: str) -> SpanExporter:
    """OTLP/HTTP protobuf exporter to the server's trace endpoint, gzip-compressed, guarded."""
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    exporter = OTLPSpanExporter(
        endpoint=settings.host + OTLP_PATH,
        headers=request_headers(settings, version),
        timeout=settings.timeout,
        compression=Compression.Gzip,
    )
    return OutageGuard(exporter, cooldown=settings.timeout)


class OutageGuard(SpanExporter):
    """After a batch failed slowly (its retries ran out), drop batches for `cooldown` seconds.

    Without it, flush() and the exit hook would wait up to `timeout` once per queued batch
    while the server is down. A failure that came at once (a 4xx for that batch) is a
    verdict on the batch, not on the server, and does not trip the guard.
    """

    def __init__(self, exporter: SpanExporter, cooldown: float) -> None:
        self._exporter = exporter
        self._cooldown = cooldown
        self._slow = min(1.0, cooldown / 4)
        self._skip_until = 0.0
        self.dropped = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        started = time.monotonic()
        if started < self._skip_until:
            self.dropped += len(spans)
            return SpanExportResult.FAILURE
        result = self._exporter.export(spans)
        elapsed = time.monotonic() - started
        if result is SpanExportResult.FAILURE and elapsed >= self._slow:
            self._skip_until = time.monotonic() + self._cooldown
            logger.warning(
                "InteractiveAI: the server did not take spans for %.1f s; dropping spans "
                "for the next %g s",
                elapsed,
                self._cooldown,
            )
        elif result is SpanExportResult.SUCCESS and self.dropped:
            logger.warning("InteractiveAI: export recovered; %d spans were dropped", self.dropped)
            self.dropped = 0
        return result

    def shutdown(self) -> None:
        self._exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._exporter.force_flush(timeout_millis)


RETRYABLE = frozenset({429, 502, 503, 504})
MAX_ATTEMPTS = 6


def retry_after_seconds(header: str | None) -> float | None:
    """The wait a `Retry-After` header asks for (delay-seconds or HTTP-date), if readable."""
    if not header:
        return None
    try:
        seconds = float(header)
    except ValueError:
        try:
            moment = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return max(moment.timestamp() - time.time(), 0.0)
    return max(seconds, 0.0) if math.isfinite(seconds) else None


class IngestionClient:
    """POSTs batches of events to /api/public/ingestion, retrying overload within `timeout`."""

    def __init__(self, settings: Settings, version: str) -> None:
        self._url = settings.host + INGESTION_PATH
        self._headers = request_headers(settings, version)
        self._timeout = settings.timeout
        self._metadata = {
            "sdk_name": SDK_NAME,
            "sdk_version": version,
            "public_key": settings.public_key,
        }
        self._http: httpx.Client | None = None
        self._pid = os.getpid()

    def _client(self) -> httpx.Client:
        import httpx

        if self._http is None or self._pid != os.getpid():
            # A connection pool inherited through fork() is not ours to use.
            self._http = httpx.Client(headers=self._headers)
            self._pid = os.getpid()
        return self._http

    def send(self, batch: list[dict[str, Any]]) -> None:
        """POST one batch; retry 429/502/503/504 and connection errors, honouring Retry-After."""
        import httpx

        payload = {"batch": batch, "metadata": self._metadata}
        deadline = time.monotonic() + self._timeout
        for attempt in range(MAX_ATTEMPTS):
            wait: float | None = None
            remaining = max(deadline - time.monotonic(), 0.001)
            try:
                response = self._client().post(self._url, json=payload, timeout=remaining)
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                if response.status_code < 300:
                    _log_rejections(response)
                    return
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
                if response.status_code not in RETRYABLE:
                    logger.error("InteractiveAI: %d events rejected (%s)", len(batch), problem)
                    return
                wait = retry_after_seconds(response.headers.get("retry-after"))
            if wait is None:
                wait = min(2**attempt, 30) * random.uniform(0.8, 1.2)
            if attempt + 1 == MAX_ATTEMPTS or time.monotonic() + wait > deadline:
                logger.error(
                    "InteractiveAI: %d events dropped after retries (%s)", len(batch), problem
                )
                return
            logger.warning(
                "InteractiveAI: sending events failed (%s); retry in %.1fs", problem, wait
            )
            time.sleep(wait)


def _log_rejections(response: httpx.Response) -> None:
    """A 207 answer lists the events the server refused; say which and why."""
    if response.status_code != 207:
        return
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return
    for error in errors:
        logger.warning(
            "InteractiveAI: event %s rejected: %s %s",
            error.get("id"),
            error.get("status"),
            error.get("message"),
        )


def fetch_project_id(settings: Settings, version: str) -> str | None:
    """The project the keys belong to (GET /api/public/projects), or None after a warning."""
    import httpx

    try:
        response = httpx.get(
            settings.host + PROJECTS_PATH,
            headers=request_headers(settings, version),
            timeout=settings.timeout,
        )
        if response.status_code != 200:
            logger.warning(
                "InteractiveAI: the server refused the keys (HTTP %d)", response.status_code
            )
            return None
        projects = response.json().get("data") or []
        if not projects:
            logger.warning("InteractiveAI: no project found for these keys")
            return None
        return str(projects[0]["id"])
    except Exception as error:
        logger.warning("InteractiveAI: could not reach %s (%s)", settings.host, error)
        return None
