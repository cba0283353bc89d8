"""Ids on the wire (trace 32 hex, observation 16 hex) and joining a trace started elsewhere."""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import NotRequired, TypedDict

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from interactiveai.conventions.ids import is_valid_observation_id, is_valid_trace_id

logger = logging.getLogger("interactiveai")


class TraceContext(TypedDict):
    """Attach new observations to an existing trace (and optionally a parent observation)."""

    trace_id: str
    parent_span_id: NotRequired[str]


def format_span_id(span_id: int) -> str:
    """An observation id: 16 lowercase hex characters."""
    return format(span_id, "016x")


def format_trace_id(trace_id: int) -> str:
    """A trace id: 32 lowercase hex characters."""
    return format(trace_id, "032x")


def create_trace_id(*, seed: str | None = None) -> str:
    """A new trace id; with `seed`, the same seed always gives the same id."""
    if seed is None:
        return format_trace_id(secrets.randbits(128) or 1)
    return hashlib.sha256(seed.encode("utf-8")).digest()[:16].hex()


def remote_parent(trace_context: TraceContext | None) -> tuple[Context | None, bool]:
    """The parent context for `trace_context`, and whether the new span is the trace's root.

    Without a parent observation the new span is the root of its trace in our data model,
    though OpenTelemetry sees a (made-up) remote parent: hence the as_root flag.
    """
    if not trace_context:
        return None, False
    try:
        return _remote_parent(trace_context)
    except Exception:
        logger.exception("InteractiveAI: trace_context %r ignored", trace_context)
        return None, False


def _remote_parent(trace_context: TraceContext) -> tuple[Context | None, bool]:
    trace_id = trace_context.get("trace_id") or ""
    if not is_valid_trace_id(trace_id):
        logger.warning("InteractiveAI: trace_context ignored: bad trace_id %r", trace_id)
        return None, False
    parent_id = trace_context.get("parent_span_id")
    if parent_id is not None and not is_valid_observation_id(parent_id):
        logger.warning("InteractiveAI: trace_context parent ignored: bad id %r", parent_id)
        parent_id = None
    span_id = int(parent_id, 16) if parent_id else secrets.randbits(64) or 1
    remote = SpanContext(
        int(trace_id, 16), span_id, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED)
    )
    return trace.set_span_in_context(NonRecordingSpan(remote)), parent_id is None
