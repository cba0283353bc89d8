"""Scores: validated `score-create` events, sent in background batches to /api/public/ingestion.

Spans have OpenTelemetry's BatchSpanProcessor; scores are not spans, so this is its small
sibling with the same habits: a bounded queue that drops (one warning) when full, one
worker thread started on first use, flush() that sends in the caller's thread and blocks,
idempotent shutdown, errors logged never raised, a fresh thread and HTTP client after fork.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import threading
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, TypedDict

from interactiveai.sdk.serialize import to_json
from interactiveai.sdk.span_attributes import checked_id

logger = logging.getLogger("interactiveai")

DATA_TYPES = ("NUMERIC", "BOOLEAN", "CATEGORICAL", "TEXT", "CORRECTION")


def iso_utc(moment: dt.datetime) -> str:
    """`2025-01-01T00:00:00.000Z`: UTC with milliseconds, naive datetimes taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def score_event(
    *,
    name: str,
    value: Any,
    environment: str | None,
    trace_id: str | None = None,
    observation_id: str | None = None,
    session_id: str | None = None,
    dataset_run_id: str | None = None,
    score_id: str | None = None,
    data_type: str | None = None,
    comment: str | None = None,
    config_id: str | None = None,
    metadata: Any = None,
    timestamp: dt.datetime | None = None,
) -> dict[str, Any] | None:
    """The ingestion event for one score, or None (after a warning saying why) if invalid."""
    if session_id is not None and checked_id(session_id, "session id") is None:
        logger.warning("InteractiveAI: score %r dropped: its session id is invalid", name)
        return None
    if observation_id is not None and trace_id is None:
        logger.warning("InteractiveAI: score %r dropped: observation_id needs trace_id", name)
        return None
    if trace_id is None and session_id is None and dataset_run_id is None:
        logger.warning("InteractiveAI: score %r dropped: give trace_id or session_id", name)
        return None
    if data_type is not None and data_type not in DATA_TYPES:
        logger.warning("InteractiveAI: score %r: unknown data_type %r ignored", name, data_type)
        data_type = None
    if isinstance(value, bool):
        value, data_type = float(value), data_type or "BOOLEAN"
    elif isinstance(value, int | float):
        value, data_type = float(value), data_type or "NUMERIC"
        if not math.isfinite(value):
            logger.warning("InteractiveAI: score %r dropped: value %r is not finite", name, value)
            return None
    elif isinstance(value, str):
        data_type = data_type or "CATEGORICAL"
    else:
        logger.warning("InteractiveAI: score %r dropped: value must be a number or a string", name)
        return None
    body: dict[str, Any] = {
        "id": score_id or str(uuid.uuid4()),
        "traceId": trace_id,
        "observationId": observation_id,
        "sessionId": session_id,
        "datasetRunId": dataset_run_id,
        "name": name,
        "value": value,
        "dataType": data_type,
        "comment": comment,
        "configId": config_id,
        "environment": environment,
        "timestamp": iso_utc(timestamp) if timestamp else None,
        # Round-trip through our serializer: whatever the user gave becomes plain JSON.
        "metadata": json.loads(to_json(metadata)) if metadata is not None else None,
    }
    return {
        "id": str(uuid.uuid4()),
        "type": "score-create",
        "timestamp": iso_utc(dt.datetime.now(dt.UTC)),
        "body": {k: v for k, v in body.items() if v is not None},
    }


ScoreSink = Callable[[list[dict[str, Any]]], None]


class ScoreFields(TypedDict, total=False):
    """Optional fields of a score."""

    score_id: str | None
    data_type: str | None
    comment: str | None
    config_id: str | None
    metadata: Any


class ScoreSender:
    """Queue of ingestion events; a worker thread hands them in batches to the sink."""

    def __init__(
        self,
        sink: ScoreSink,
        *,
        flush_at: int,
        flush_interval: float,
        max_queue_size: int,
        join_timeout: float,
    ) -> None:
        self._sink = sink
        self._flush_at = flush_at
        self._interval = flush_interval
        self._max_queue_size = max_queue_size
        self._join_timeout = join_timeout
        self._queue: deque[dict[str, Any]] = deque()
        self._wake = threading.Event()
        self._send_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._shutdown = False
        self._warned_full = False
        self.dropped = 0
        if hasattr(os, "register_at_fork"):
            weak_self = weakref.ref(self)

            def after_fork_in_child() -> None:
                sender = weak_self()
                if sender is not None:
                    sender._reset_after_fork()

            os.register_at_fork(after_in_child=after_fork_in_child)

    def add(self, event: dict[str, Any]) -> None:
        """Queue one event; never blocks. When the queue is full the event is dropped."""
        if self._shutdown:
            logger.debug("InteractiveAI: shut down, score ignored")
            return
        if len(self._queue) >= self._max_queue_size:
            self.dropped += 1
            if not self._warned_full:
                self._warned_full = True
                logger.warning(
                    "InteractiveAI: score queue full (%d); dropping scores until it drains",
                    self._max_queue_size,
                )
            return
        self._queue.append(event)
        if self._thread is None:
            self._start()
        if len(self._queue) >= self._flush_at:
            self._wake.set()

    def flush(self) -> None:
        """Send everything queued now, in the caller's thread; blocks until done or timed out."""
        self._drain()

    def shutdown(self) -> None:
        """Send what is queued and stop the worker; later calls do nothing."""
        if self._shutdown:
            return
        self._shutdown = True
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(self._join_timeout + 1)
        self._drain()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="InteractiveAIScoreSender", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while not self._shutdown:
            self._wake.wait(self._interval)
            self._wake.clear()
            self._drain()

    def _reset_after_fork(self) -> None:
        # The parent's thread, locks and connections do not exist in the child; its queue
        # belongs to the parent, which will send it.
        self._queue.clear()
        self._wake = threading.Event()
        self._send_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread = None

    def _drain(self) -> None:
        with self._send_lock:
            while self._queue:
                batch: list[dict[str, Any]] = []
                while self._queue and len(batch) < self._flush_at:
                    batch.append(self._queue.popleft())
                try:
                    self._sink(batch)
                except Exception:
                    logger.exception("InteractiveAI: sending %d scores failed", len(batch))
            self._warned_full = False
