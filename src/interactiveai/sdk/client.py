"""InteractiveAI: the client. Owns the settings, the tracer, the span processor and the score queue."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Unpack

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Status, StatusCode

from interactiveai.conventions import attributes as keys
from interactiveai.conventions.ids import OBSERVATION_TYPES, is_valid_trace_id
from interactiveai.sdk import SDK_VERSION, export, registry
from interactiveai.sdk.compat import LangfuseV3Names
from interactiveai.sdk.observation import Observation, ObservationScope, current_observation
from interactiveai.sdk.processor import (
    ExportProcessor,
    SpanFilter,
    default_sampler,
    is_sampled,
    sampling_bound,
)
from interactiveai.sdk.scores import ScoreFields, ScoreSender, ScoreSink, score_event
from interactiveai.sdk.settings import Settings, enable_debug_logging, resolve
from interactiveai.sdk.span_attributes import (
    MaskFunction,
    ObservationFields,
    ObservationType,
    TraceFields,
    nothing_written,
    observation_attributes,
)
from interactiveai.sdk.trace_ids import (
    TraceContext,
    create_trace_id,
    format_span_id,
    format_trace_id,
    remote_parent,
)

logger = logging.getLogger("interactiveai")

_NO_SPAN = trace.INVALID_SPAN


class InteractiveAI(LangfuseV3Names):
    """The InteractiveAI client: start observations, score them, flush; never raises into your code."""

    def __init__(
        self,
        *,
        public_key: str | None = None,
        secret_key: str | None = None,
        host: str | None = None,
        environment: str | None = None,
        release: str | None = None,
        sample_rate: float | None = None,
        flush_at: int | None = None,
        flush_interval: float | None = None,
        max_queue_size: int | None = None,
        timeout: float | None = None,
        debug: bool | None = None,
        tracing_enabled: bool | None = None,
        capture_io: bool | None = None,
        mask: MaskFunction | None = None,
        span_exporter: SpanExporter | None = None,
        score_exporter: ScoreSink | None = None,
        tracer_provider: TracerProvider | None = None,
        id_generator: IdGenerator | None = None,
        clock: Callable[[], int] | None = None,
        should_export_span: SpanFilter | None = None,
    ) -> None:
        # The arguments by name; resolve() takes those that are settings, the rest are seams.
        self.settings: Settings = resolve(dict(locals()))
        s = self.settings
        if s.debug:
            enable_debug_logging()
        self._mask = mask
        self._clock: Callable[[], int] = clock or time.time_ns
        self._sample_bound = sampling_bound(s.sample_rate)
        self._project_id: str | None = None
        self._processor: ExportProcessor | None = None
        self._provider: TracerProvider | None = None
        self._owns_provider = False
        self._scores: ScoreSender | None = None
        self._tracer: trace.Tracer = trace.NoOpTracer()
        self._closed = False
        has_keys = bool(s.public_key and s.secret_key)
        self.enabled = s.tracing_enabled and (has_keys or span_exporter is not None)
        if s.tracing_enabled and not self.enabled:
            logger.warning(
                "InteractiveAI: no public/secret key (set INTERACTIVEAI_PUBLIC_KEY and "
                "INTERACTIVEAI_SECRET_KEY or pass them); the SDK is disabled"
            )
        base: dict[str, Any] = {}
        if s.environment:
            base[keys.ENVIRONMENT] = s.environment
        if s.release:
            base[keys.RELEASE] = s.release
        self._base_attributes = {t: {keys.OBSERVATION_TYPE: t, **base} for t in OBSERVATION_TYPES}
        if self.enabled:
            try:
                self._setup_tracing(
                    span_exporter, tracer_provider, id_generator, should_export_span
                )
                self._setup_scores(score_exporter, has_keys)
            except Exception:
                logger.exception("InteractiveAI: setup failed; the SDK is disabled")
                self.enabled = False
                self._tracer = trace.NoOpTracer()
        registry.register(self)

    def _setup_tracing(
        self,
        span_exporter: SpanExporter | None,
        tracer_provider: TracerProvider | None,
        id_generator: IdGenerator | None,
        should_export_span: SpanFilter | None,
    ) -> None:
        s = self.settings
        exporter = span_exporter or export.otlp_exporter(s, SDK_VERSION)
        self._processor = ExportProcessor(
            exporter,
            sample_rate=s.sample_rate,
            max_queue_size=s.max_queue_size,
            flush_at=s.flush_at,
            flush_interval=s.flush_interval,
            should_export_span=should_export_span,
        )
        provider = tracer_provider
        global_provider = trace.get_tracer_provider()
        if (
            provider is None
            and span_exporter is None
            and isinstance(global_provider, TracerProvider)
        ):
            # The application set up OpenTelemetry first: join it rather than replace it.
            provider = global_provider
            logger.debug("InteractiveAI: adding our processor to the global TracerProvider")
        if provider is None:
            provider = TracerProvider(
                sampler=default_sampler(), id_generator=id_generator, shutdown_on_exit=False
            )
            self._owns_provider = True
            if span_exporter is None and isinstance(global_provider, trace.ProxyTracerProvider):
                # Become the global provider so other OpenTelemetry instrumentations
                # (OpenAI, LangChain, HTTP...) export to InteractiveAI too.
                trace.set_tracer_provider(provider)
        provider.add_span_processor(self._processor)
        self._provider = provider
        self._tracer = provider.get_tracer("interactiveai", SDK_VERSION)

    def _setup_scores(self, score_exporter: ScoreSink | None, has_keys: bool) -> None:
        s = self.settings
        sink = score_exporter
        if sink is None and has_keys:
            sink = export.IngestionClient(s, SDK_VERSION).send
        if sink is not None:
            self._scores = ScoreSender(
                sink,
                flush_at=s.flush_at,
                flush_interval=s.flush_interval,
                max_queue_size=s.max_queue_size,
                join_timeout=s.timeout,
            )

    # -- observations -----------------------------------------------------------------

    def _start(
        self,
        name: str,
        as_type: str,
        parent: Context | None,
        as_root: bool,
        fields: ObservationFields,
    ) -> Observation:
        """Start a span of our kind; the one place observations are born."""
        if not self.enabled:
            return Observation(_NO_SPAN, self, as_type)
        try:
            base = self._base_attributes.get(as_type)
            if base is None:
                logger.warning("InteractiveAI: unknown observation type %r; using span", as_type)
                as_type, base = "span", self._base_attributes["span"]
            # Held until end() and written in one call (see observation.py).
            pending = dict(base)
            if fields:
                observation_attributes(nothing_written, self._mask, fields, pending)
            if as_root:
                pending[keys.AS_ROOT] = True
            span = self._tracer.start_span(name, context=parent, start_time=self._clock())
            if fields and pending.get(keys.OBSERVATION_LEVEL) == "ERROR":
                span.set_status(Status(StatusCode.ERROR, fields.get("status_message")))
            observation = Observation(span, self, as_type, pending)
            if as_type == "event":
                observation.end()
            return observation
        except Exception:
            logger.exception("InteractiveAI: could not start observation %r", name)
            return Observation(_NO_SPAN, self, as_type)

    def start_observation(
        self,
        *,
        name: str,
        as_type: ObservationType = "span",
        trace_context: TraceContext | None = None,
        **fields: Unpack[ObservationFields],
    ) -> Observation:
        """Start an observation (child of the current one); end it with .end()."""
        if trace_context is None:
            return self._start(name, as_type, None, False, fields)
        parent, as_root = remote_parent(trace_context)
        return self._start(name, as_type, parent, as_root, fields)

    def start_as_current_observation(
        self,
        *,
        name: str,
        as_type: ObservationType = "span",
        trace_context: TraceContext | None = None,
        end_on_exit: bool = True,
        **fields: Unpack[ObservationFields],
    ) -> ObservationScope:
        """Context manager: an observation that is current (the parent of new ones) inside the block."""
        parent, as_root = remote_parent(trace_context)
        return ObservationScope(self, name, as_type, parent, as_root, end_on_exit, fields)

    def create_event(
        self,
        *,
        name: str,
        trace_context: TraceContext | None = None,
        **fields: Unpack[ObservationFields],
    ) -> Observation:
        """Record a point-in-time event (started and ended at once)."""
        parent, as_root = remote_parent(trace_context)
        return self._start(name, "event", parent, as_root, fields)

    def _current_observation(self, caller: str) -> Observation | None:
        observation = current_observation()
        if observation is not None:
            return observation
        span = trace.get_current_span()
        if not span.is_recording():
            if self.enabled:
                logger.warning(
                    "InteractiveAI: %s() called outside any observation; ignored", caller
                )
            return None
        # Another instrumentation's span: a wrapper that writes at once.
        as_type = (getattr(span, "attributes", None) or {}).get(keys.OBSERVATION_TYPE, "span")
        return Observation(span, self, str(as_type))

    def update_current_span(
        self, *, name: str | None = None, **fields: Unpack[ObservationFields]
    ) -> None:
        """Update the current observation."""
        if (observation := self._current_observation("update_current_span")) is not None:
            observation.update(name=name, **fields)

    def update_current_generation(
        self, *, name: str | None = None, **fields: Unpack[ObservationFields]
    ) -> None:
        """Update the current observation (a generation: model, usage, cost...)."""
        if (observation := self._current_observation("update_current_generation")) is not None:
            observation.update(name=name, **fields)

    def update_current_trace(self, **fields: Unpack[TraceFields]) -> None:
        """Set trace-level fields (session_id, user_id, tags...) of the current trace."""
        if (observation := self._current_observation("update_current_trace")) is not None:
            observation.update_trace(**fields)

    def set_current_trace_as_public(self) -> None:
        """Make the current trace viewable by anyone with its link."""
        self.update_current_trace(public=True)

    def get_current_trace_id(self) -> str | None:
        """The current trace id (32 hex), or None outside any observation."""
        context = trace.get_current_span().get_span_context()
        return format_trace_id(context.trace_id) if context.is_valid else None

    def get_current_observation_id(self) -> str | None:
        """The current observation id (16 hex), or None outside any observation."""
        context = trace.get_current_span().get_span_context()
        return format_span_id(context.span_id) if context.is_valid else None

    create_trace_id = staticmethod(create_trace_id)

    # -- scores ---------------------------------------------------------------------

    def create_score(
        self,
        *,
        name: str,
        value: float | str,
        trace_id: str | None = None,
        observation_id: str | None = None,
        session_id: str | None = None,
        dataset_run_id: str | None = None,
        timestamp: Any = None,
        environment: str | None = None,
        **options: Unpack[ScoreFields],
    ) -> None:
        """Score a trace (optionally one of its observations) or a session; sent in the background."""
        if self._scores is None:
            return
        try:
            if (
                trace_id
                and is_valid_trace_id(trace_id)
                and not is_sampled(int(trace_id, 16), self._sample_bound)
            ):
                return  # the trace itself was sampled out
            event = score_event(
                name=name,
                value=value,
                trace_id=trace_id,
                observation_id=observation_id,
                session_id=session_id,
                dataset_run_id=dataset_run_id,
                timestamp=timestamp,
                environment=environment or self.settings.environment,
                **options,
            )
            if event is not None:
                self._scores.add(event)
        except Exception:
            logger.exception("InteractiveAI: create_score(%r) failed", name)

    def score_current_span(
        self, *, name: str, value: float | str, **options: Unpack[ScoreFields]
    ) -> None:
        """Score the current observation."""
        if (observation := self._current_observation("score_current_span")) is not None:
            observation.score(name=name, value=value, **options)

    def score_current_trace(
        self, *, name: str, value: float | str, **options: Unpack[ScoreFields]
    ) -> None:
        """Score the current trace."""
        if (observation := self._current_observation("score_current_trace")) is not None:
            observation.score_trace(name=name, value=value, **options)

    # -- server ---------------------------------------------------------------------

    def auth_check(self) -> bool:
        """True when the server accepts the keys; blocks for one request, so not for hot paths."""
        project_id = self._fetch_project_id()
        return project_id is not None

    def get_trace_url(self, *, trace_id: str | None = None) -> str | None:
        """The web UI link of a trace (default: the current one); asks the server once for the project."""
        final = trace_id or self.get_current_trace_id()
        project_id = self._project_id or self._fetch_project_id()
        if not final or not project_id:
            return None
        return f"{self.settings.host}/project/{project_id}/traces/{final}"

    def _fetch_project_id(self) -> str | None:
        if not (self.settings.public_key and self.settings.secret_key):
            logger.warning("InteractiveAI: no keys configured")
            return None
        self._project_id = export.fetch_project_id(self.settings, SDK_VERSION)
        return self._project_id

    # -- lifecycle ------------------------------------------------------------------

    def flush(self) -> None:
        """Send everything recorded so far; blocks until sent or given up (the only blocking call)."""
        try:
            if self._processor is not None:
                self._processor.force_flush()
            if self._scores is not None:
                self._scores.flush()
        except Exception:
            logger.exception("InteractiveAI: flush failed")

    def shutdown(self) -> None:
        """Flush, stop the background threads and forget this client; idempotent."""
        if self._closed:
            return
        self._closed = True
        registry.unregister(self)
        try:
            if self._scores is not None:
                self._scores.shutdown()
            if self._processor is not None:
                self._processor.shutdown()
            if self._owns_provider and self._provider is not None:
                self._provider.shutdown()
        except Exception:
            logger.exception("InteractiveAI: shutdown failed")
        self.enabled = False
        self._tracer = trace.NoOpTracer()
