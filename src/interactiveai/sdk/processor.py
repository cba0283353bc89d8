"""Our span processor: OpenTelemetry's BatchSpanProcessor plus propagation and sampling.

It sits on whichever TracerProvider is in use (ours, or one the application set up
before us), so spans from other instrumentations get the propagated fields and are
exported to InteractiveAI too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

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
        self._sample_all = sample_rate >= 1.0
        self._should_export = should_export_span
        self._closed = False

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        try:
            apply_on_start(span, parent_context)
        except Exception:
            logger.exception("InteractiveAI: could not apply propagated attributes")

    def on_end(self, span: ReadableSpan) -> None:
        if self._closed:
            # After shutdown the provider (perhaps the application's) still calls us; stay quiet.
            return
        context = span.context
        if context is None or not (self._sample_all or is_sampled(context.trace_id, self._bound)):
            return
        if self._should_export is not None:
            try:
                if not self._should_export(span):
                    return
            except Exception:
                logger.exception("InteractiveAI: should_export_span raised; exporting the span")
        super().on_end(span)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        super().shutdown()  # type: ignore[no-untyped-call]
