"""Our span processor: OpenTelemetry's BatchSpanProcessor plus propagation and sampling.

It sits on whichever TracerProvider is in use (ours, or one the application set up
before us), so spans from other instrumentations get the propagated fields and are
exported to InteractiveAI too.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes

from interactiveai.sdk.propagation import apply_on_start

logger = logging.getLogger("interactiveai")

_TRACE_ID_LOW_BITS = (1 << 64) - 1

SpanFilter = Callable[[ReadableSpan], bool]


def sampling_bound(rate: float) -> int:
    """Traces whose low 64 trace id bits are below this bound are kept (OTel's ratio rule)."""
    return round(rate * (1 << 64))


def is_sampled(trace_id: int, bound: int) -> bool:
    """The keep/drop decision for one trace; the same for every span of it."""
    return (trace_id & _TRACE_ID_LOW_BITS) < bound


_KEEP = SamplingResult(Decision.RECORD_AND_SAMPLE, None, trace.DEFAULT_TRACE_STATE)


class ParentBasedAlwaysOn(Sampler):
    """OpenTelemetry's default sampler, ParentBased(ALWAYS_ON), deciding alike but cheaper.

    The stock one allocates a result (and an empty attribute mapping) per span and looks the
    parent up twice; a span without attributes or trace state of its own gets one shared
    result here. Our own TracerProvider uses it; the ratio sampling is the processor's.
    """

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        """Keep a root span or one under a sampled parent; drop one under an unsampled parent."""
        parent = trace.get_current_span(parent_context).get_span_context()
        state = parent.trace_state if parent.is_valid else trace.DEFAULT_TRACE_STATE
        if parent.is_valid and not parent.trace_flags.sampled:
            return SamplingResult(Decision.DROP, None, state)
        if attributes or state is not trace.DEFAULT_TRACE_STATE:
            return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes, state)
        return _KEEP

    def get_description(self) -> str:
        """The name OpenTelemetry's own sampler gives itself."""
        return "ParentBased{root:AlwaysOnSampler}"


def default_sampler() -> Sampler | None:
    """Our sampler for a TracerProvider we create, unless OTEL_TRACES_SAMPLER asks for another."""
    configured = os.environ.get("OTEL_TRACES_SAMPLER", "").strip().lower()
    return ParentBasedAlwaysOn() if configured in ("", "parentbased_always_on") else None


class ExportProcessor(BatchSpanProcessor):
    """Applies propagate_attributes on start; on end keeps sampled, wanted spans and batches them."""

    def __init__(
        self,
        exporter: SpanExporter,
        *,
        sample_rate: float,
        max_queue_size: int,
        flush_at: int,
        flush_interval: float,
        should_export_span: SpanFilter | None = None,
    ) -> None:
        super().__init__(
            exporter,
            max_queue_size=max_queue_size,
            schedule_delay_millis=flush_interval * 1000,
            max_export_batch_size=min(flush_at, max_queue_size),
        )
        self._bound = sampling_bound(sample_rate)
        self._should_export = should_export_span
        # Whether on_end has anything to decide; not with the defaults (the hot path).
        self._filters = sample_rate < 1.0 or should_export_span is not None
        self._closed = False
        # BatchSpanProcessor's own on_end, bound once: super() costs an object per span.
        self._enqueue = super().on_end

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        try:
            apply_on_start(span, parent_context)
        except Exception:
            logger.exception("InteractiveAI: could not apply propagated attributes")

    def on_end(self, span: ReadableSpan) -> None:
        if self._closed:
            # After shutdown the provider (perhaps the application's) still calls us; stay quiet.
            return
        if self._filters and not self._wanted(span):
            return
        self._enqueue(span)

    def _wanted(self, span: ReadableSpan) -> bool:
        context = span.context
        if context is None or not is_sampled(context.trace_id, self._bound):
            return False
        if self._should_export is not None:
            try:
                return bool(self._should_export(span))
            except Exception:
                logger.exception("InteractiveAI: should_export_span raised; exporting the span")
        return True

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        super().shutdown()  # type: ignore[no-untyped-call]
