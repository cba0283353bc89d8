"""Observation: the handle on one span that user code updates, nests under, scores and ends.

Attributes given to update()/update_trace() of an observation this SDK started are held
and written to the span in one call when it ends: each OpenTelemetry set_attributes()
takes two locks and validates every value, and one call instead of three is most of the
SDK's overhead budget. The span is exported only once it has ended, so nothing downstream
sees the difference; reading `observation.span.attributes` mid-flight does. Wrappers
around spans the SDK did not start (update_current_span on another instrumentation's
span) write at once.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import TYPE_CHECKING, Any, Unpack

from opentelemetry import context, trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, Status, StatusCode

from interactiveai.conventions import attributes as keys
from interactiveai.sdk.compat import LangfuseV3Names
from interactiveai.sdk.span_attributes import (
    Attributes,
    ObservationFields,
    ObservationType,
    TraceFields,
    observation_attributes,
    trace_attributes,
)
from interactiveai.sdk.trace_ids import format_span_id, format_trace_id

if TYPE_CHECKING:
    from typing import Self

    from interactiveai.sdk.client import InteractiveAI
    from interactiveai.sdk.scores import ScoreFields

logger = logging.getLogger("interactiveai")

_OBSERVATION_KEY = context.create_key("interactiveai-observation")


def current_observation() -> Observation | None:
    """The Observation this SDK made current, if it is still the current span."""
    observation = context.get_value(_OBSERVATION_KEY)
    if isinstance(observation, Observation) and observation._span is trace.get_current_span():
        return observation
    return None


class Observation(LangfuseV3Names):
    """One observation (span, generation, event, tool...) of a trace."""

    __slots__ = ("_client", "_pending", "_span", "type")

    def __init__(
        self,
        span: Span,
        client: InteractiveAI,
        as_type: str,
        pending: Attributes | None = None,
    ) -> None:
        self._span = span
        self._client = client
        self.type = as_type
        # Attributes not yet on the span; None once ended, or for spans we did not start.
        self._pending = pending

    def __repr__(self) -> str:
        return f"<Observation {self.type} id={self.id} trace_id={self.trace_id}>"

    @property
    def id(self) -> str:
        """This observation's id (16 hex)."""
        return format_span_id(self._span.get_span_context().span_id)

    @property
    def trace_id(self) -> str:
        """The id of the trace this observation belongs to (32 hex)."""
        return format_trace_id(self._span.get_span_context().trace_id)

    @property
    def span(self) -> Span:
        """The underlying OpenTelemetry span (its attributes are complete once ended)."""
        return self._span

    def _lookup(self, key: str) -> Any:
        pending = self._pending
        if pending is not None and key in pending:
            return pending[key]
        attributes = getattr(self._span, "attributes", None)
        return attributes.get(key) if attributes is not None else None

    def _write(self, attrs: Attributes) -> None:
        if self._pending is not None:
            self._pending.update(attrs)
        else:
            self._span.set_attributes(attrs)

    def update(self, *, name: str | None = None, **fields: Unpack[ObservationFields]) -> Self:
        """Set or replace fields of this observation (input, output, model, usage...)."""
        span, pending = self._span, self._pending
        # Held attributes mean a span we started and have not ended: recording, no need to ask.
        if pending is None and not span.is_recording():
            return self
        try:
            if name:
                span.update_name(name)
            attrs = observation_attributes(self._lookup, self._client._mask, fields, pending)
            if pending is None and attrs:
                span.set_attributes(attrs)
            if fields.get("level") is not None and attrs.get(keys.OBSERVATION_LEVEL) == "ERROR":
                span.set_status(Status(StatusCode.ERROR, fields.get("status_message")))
        except Exception:
            logger.exception("InteractiveAI: update() failed")
        return self

    def update_trace(self, **fields: Unpack[TraceFields]) -> Self:
        """Set trace-level fields (session_id, user_id, tags, input...) from this observation."""
        span, pending = self._span, self._pending
        if pending is None and not span.is_recording():
            return self
        try:
            attrs = trace_attributes(self._lookup, self._client._mask, fields, pending)
            if pending is None and attrs:
                span.set_attributes(attrs)
        except Exception:
            logger.exception("InteractiveAI: update_trace() failed")
        return self

    def set_trace_as_public(self) -> Self:
        """Make the trace viewable by anyone with its link."""
        return self.update_trace(public=True)

    def end(self, *, end_time: int | None = None) -> Self:
        """End the observation now (or at `end_time`, ns since the epoch)."""
        try:
            pending, self._pending = self._pending, None
            if pending:
                self._span.set_attributes(pending)
            self._span.end(end_time=end_time if end_time is not None else self._client._clock())
        except Exception:
            logger.exception("InteractiveAI: end() failed")
        return self

    def record_error(self, error: BaseException) -> None:
        """Mark the observation as failed by `error` (level ERROR, status, exception event)."""
        span = self._span
        if not span.is_recording():
            return
        try:
            message = str(error) or type(error).__name__
            span.record_exception(error)
            self._write({keys.OBSERVATION_LEVEL: "ERROR", keys.OBSERVATION_STATUS_MESSAGE: message})
            span.set_status(Status(StatusCode.ERROR, message))
        except Exception:
            logger.exception("InteractiveAI: recording an error failed")

    def make_current(self) -> object:
        """Attach a context where this observation is current; returns the token to detach."""
        ctx = context.set_value(_OBSERVATION_KEY, self, trace.set_span_in_context(self._span))
        return context.attach(ctx)

    def _context(self) -> Context:
        return trace.set_span_in_context(self._span)

    def start_observation(
        self, *, name: str, as_type: ObservationType = "span", **fields: Unpack[ObservationFields]
    ) -> Observation:
        """Start a child observation; end it with .end()."""
        return self._client._start(name, as_type, self._context(), False, fields)

    def start_as_current_observation(
        self,
        *,
        name: str,
        as_type: ObservationType = "span",
        end_on_exit: bool = True,
        **fields: Unpack[ObservationFields],
    ) -> ObservationScope:
        """Start a child observation that is current inside the `with` block."""
        return ObservationScope(
            self._client, name, as_type, self._context(), False, end_on_exit, fields
        )

    def create_event(self, *, name: str, **fields: Unpack[ObservationFields]) -> Observation:
        """Record a point-in-time child event (started and ended at once)."""
        return self._client._start(name, "event", self._context(), False, fields)

    def score(self, *, name: str, value: float | str, **options: Unpack[ScoreFields]) -> None:
        """Score this observation."""
        self._client.create_score(
            name=name, value=value, trace_id=self.trace_id, observation_id=self.id, **options
        )

    def score_trace(self, *, name: str, value: float | str, **options: Unpack[ScoreFields]) -> None:
        """Score the trace this observation belongs to."""
        self._client.create_score(name=name, value=value, trace_id=self.trace_id, **options)


def detach(token: object) -> None:
    """Undo make_current()."""
    if token is not None:
        context.detach(token)  # type: ignore[arg-type]


class ObservationScope:
    """Context manager from start_as_current_observation(): the observation is current inside."""

    __slots__ = (
        "_as_root",
        "_as_type",
        "_client",
        "_end_on_exit",
        "_fields",
        "_name",
        "_observation",
        "_parent",
        "_token",
    )

    def __init__(
        self,
        client: InteractiveAI,
        name: str,
        as_type: str,
        parent: Context | None,
        as_root: bool,
        end_on_exit: bool,
        fields: Any,
    ) -> None:
        self._client = client
        self._name = name
        self._as_type = as_type
        self._parent = parent
        self._as_root = as_root
        self._end_on_exit = end_on_exit
        self._fields = fields
        self._observation: Observation | None = None
        self._token: object = None

    def __enter__(self) -> Observation:
        observation = self._client._start(
            self._name, self._as_type, self._parent, self._as_root, self._fields
        )
        self._observation = observation
        try:
            self._token = observation.make_current()
        except Exception:
            logger.exception("InteractiveAI: could not make the observation current")
        return observation

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        observation = self._observation
        if observation is None:
            return
        if exc is not None:
            observation.record_error(exc)
        token, self._token = self._token, None
        detach(token)
        if self._end_on_exit:
            observation.end()

    async def __aenter__(self) -> Observation:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)
