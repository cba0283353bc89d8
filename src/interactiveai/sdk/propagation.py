"""propagate_attributes: trace-level fields copied onto every span started inside a context.

The fields live in the OpenTelemetry context (a contextvar), so they follow the code that
runs inside the `with` block: nested calls, and asyncio tasks created there (tasks copy
the context). Threads do not inherit contextvars: a `threading.Thread` or a pool worker
started inside the block sees neither the fields nor the parent span unless the work is
run through `contextvars.copy_context().run(...)`. With `as_baggage=True` the fields also
ride as W3C baggage, so instrumented HTTP clients carry them to other services, whose
InteractiveAI SDK applies them to their spans.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import quote, unquote

from opentelemetry import baggage, context, trace
from opentelemetry.context import Context
from opentelemetry.trace import Span

from interactiveai.conventions import attributes as keys
from interactiveai.sdk.observation import current_observation
from interactiveai.sdk.serialize import to_json
from interactiveai.sdk.span_attributes import (
    Attributes,
    checked_id,
    merged_metadata,
    merged_tags,
    span_lookup,
)

logger = logging.getLogger("interactiveai")

_CONTEXT_KEY = context.create_key("interactiveai-propagated-attributes")


@dataclass(frozen=True, slots=True)
class Propagated:
    """What one propagate_attributes block (merged with the blocks around it) puts on spans."""

    attributes: Attributes = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


def current(ctx: Context | None = None) -> Propagated | None:
    """The fields in force in `ctx` (default: the current context)."""
    value = context.get_value(_CONTEXT_KEY, ctx)
    return value if isinstance(value, Propagated) else None


def apply_on_start(span: Span, parent_context: Context | None) -> None:
    """Put the propagated fields on a span being started (called by our span processor)."""
    # On every span start: read the context once, then plain dict lookups.
    ctx = parent_context if parent_context is not None else context.get_current()
    propagated = ctx.get(_CONTEXT_KEY)
    if isinstance(propagated, Propagated):
        if propagated.attributes:
            span.set_attributes(propagated.attributes)
    elif ctx:  # perhaps baggage from another service's propagate_attributes(as_baggage=True)
        attrs = _from_baggage(ctx)
        if attrs:
            span.set_attributes(attrs)


def _merge(
    outer: Propagated | None,
    *,
    user_id: str | None,
    session_id: str | None,
    metadata: Mapping[str, Any] | None,
    version: str | None,
    tags: Iterable[str] | None,
    trace_name: str | None,
    environment: str | None,
) -> Propagated:
    """Inner values win over outer ones; tags are unioned and metadata merged key by key."""
    attrs: Attributes = dict(outer.attributes) if outer else {}
    merged_meta = dict(outer.metadata) if outer else {}
    all_tags = outer.tags if outer else ()
    if user_id is not None and (valid := checked_id(user_id, "user id")) is not None:
        attrs[keys.USER_ID] = valid
    if session_id is not None and (valid := checked_id(session_id, "session id")) is not None:
        attrs[keys.SESSION_ID] = valid
    if version is not None:
        attrs[keys.VERSION] = str(version)
    if trace_name is not None:
        attrs[keys.TRACE_NAME] = str(trace_name)
    if environment is not None:
        attrs[keys.ENVIRONMENT] = str(environment)
    if metadata is not None:
        merged_meta.update(metadata if isinstance(metadata, Mapping) else {"metadata": metadata})
        attrs[keys.TRACE_METADATA] = to_json(merged_meta)
    if tags is not None:
        if isinstance(tags, str):
            tags = [tags]
        all_tags = tuple(dict.fromkeys((*all_tags, *(str(t) for t in tags))))
        attrs[keys.TRACE_TAGS] = all_tags
    return Propagated(attrs, merged_meta, all_tags)


def _to_baggage(propagated: Propagated, ctx: Context) -> Context:
    """The fields as W3C baggage entries (values percent-encoded, metadata one key each)."""
    attrs = propagated.attributes
    simple = (
        (keys.BAGGAGE_SESSION_ID, keys.SESSION_ID),
        (keys.BAGGAGE_USER_ID, keys.USER_ID),
        (keys.BAGGAGE_VERSION, keys.VERSION),
        (keys.BAGGAGE_TRACE_NAME, keys.TRACE_NAME),
        (keys.BAGGAGE_ENVIRONMENT, keys.ENVIRONMENT),
    )
    for baggage_key, attr_key in simple:
        if attr_key in attrs:
            ctx = baggage.set_baggage(baggage_key, quote(str(attrs[attr_key])), ctx)
    if propagated.tags:
        ctx = baggage.set_baggage(
            keys.BAGGAGE_TAGS, ",".join(quote(t, safe="") for t in propagated.tags), ctx
        )
    for name, value in propagated.metadata.items():
        text = value if isinstance(value, str) else to_json(value)
        ctx = baggage.set_baggage(keys.BAGGAGE_METADATA_PREFIX + str(name), quote(text), ctx)
    return ctx


_FROM_BAGGAGE = {
    keys.BAGGAGE_SESSION_ID: keys.SESSION_ID,
    keys.BAGGAGE_USER_ID: keys.USER_ID,
    keys.BAGGAGE_VERSION: keys.VERSION,
    keys.BAGGAGE_TRACE_NAME: keys.TRACE_NAME,
    keys.BAGGAGE_ENVIRONMENT: keys.ENVIRONMENT,
}


def _from_baggage(ctx: Context | None) -> Attributes:
    """Our fields found in incoming baggage (another service's propagate_attributes)."""
    entries = baggage.get_all(ctx)
    if not entries:
        return {}
    attrs: Attributes = {}
    metadata: dict[str, str] = {}
    for name, raw in entries.items():
        if not name.startswith("interactiveai_") or not isinstance(raw, str):
            continue
        if name in _FROM_BAGGAGE:
            attrs[_FROM_BAGGAGE[name]] = unquote(raw)
        elif name == keys.BAGGAGE_TAGS:
            attrs[keys.TRACE_TAGS] = tuple(unquote(t) for t in raw.split(",") if t)
        elif name.startswith(keys.BAGGAGE_METADATA_PREFIX):
            metadata[name.removeprefix(keys.BAGGAGE_METADATA_PREFIX)] = unquote(raw)
    for id_key, what in ((keys.SESSION_ID, "session id"), (keys.USER_ID, "user id")):
        if id_key in attrs and checked_id(attrs[id_key], what) is None:
            del attrs[id_key]
    if metadata:
        attrs[keys.TRACE_METADATA] = to_json(metadata)
    return attrs


class PropagationScope:
    """The context manager propagate_attributes() returns; `with` and `async with` both work."""

    __slots__ = ("_as_baggage", "_fields", "_token")

    def __init__(self, fields: dict[str, Any], as_baggage: bool) -> None:
        self._fields = fields
        self._as_baggage = as_baggage
        self._token: object = None

    def __enter__(self) -> None:
        try:
            propagated = _merge(current(), **self._fields)
            ctx = context.set_value(_CONTEXT_KEY, propagated)
            if self._as_baggage:
                ctx = _to_baggage(propagated, ctx)
            self._token = context.attach(ctx)
            _apply_to_current_span(propagated)
        except Exception:
            logger.exception("InteractiveAI: propagate_attributes failed; continuing without it")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        token, self._token = self._token, None
        if token is not None:
            context.detach(token)  # type: ignore[arg-type]

    async def __aenter__(self) -> None:
        self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


def _apply_to_current_span(propagated: Propagated) -> None:
    """The span already current when the block opens gets the fields too."""
    span = trace.get_current_span()
    if not span.is_recording() or not propagated.attributes:
        return
    observation = current_observation()
    lookup = observation._lookup if observation is not None else span_lookup(span)
    attrs = dict(propagated.attributes)
    if propagated.tags:
        attrs[keys.TRACE_TAGS] = merged_tags(lookup, propagated.tags)
    if propagated.metadata:
        attrs[keys.TRACE_METADATA] = merged_metadata(
            lookup, keys.TRACE_METADATA, propagated.metadata
        )
    if observation is not None:
        observation._write(attrs)  # joins what the observation holds until it ends
    else:
        span.set_attributes(attrs)


def propagate_attributes(
    *,
    user_id: str | None = None,
    session_id: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    version: str | None = None,
    tags: Iterable[str] | None = None,
    trace_name: str | None = None,
    environment: str | None = None,
    as_baggage: bool = False,
) -> PropagationScope:
    """Copy trace-level fields onto the current span and every span started inside the block."""
    return PropagationScope(
        {
            "user_id": user_id,
            "session_id": session_id,
            "metadata": metadata,
            "version": version,
            "tags": tags,
            "trace_name": trace_name,
            "environment": environment,
        },
        as_baggage,
    )
