"""InteractiveAI: LLM observability, traces grouped into sessions.

The SDK's public API, shaped like the Langfuse Python SDK (v3+)::

    import interactiveai
    from interactiveai import observe

    with interactiveai.start_as_current_observation(as_type="span", name="turn") as span:
        span.update_trace(session_id="ticket-2611", user_id="user-a")

    interactiveai.flush()

Module-level functions act on the default client (see `get_client`). The implementation
lives in the private `interactiveai.sdk` package; docs/sdk.md documents every setting.

Names are loaded on first use, so `import interactiveai` (and importing the server, the
CLI or the pytest plugin, which all live under this package) does not pay for
OpenTelemetry until the SDK is actually used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from interactiveai.version import __version__

if TYPE_CHECKING:
    from interactiveai.sdk.api import (
        auth_check,
        create_event,
        create_score,
        create_trace_id,
        flush,
        get_current_observation_id,
        get_current_trace_id,
        get_trace_url,
        score_current_span,
        score_current_trace,
        set_current_trace_as_public,
        shutdown,
        start_as_current_generation,
        start_as_current_observation,
        start_as_current_span,
        start_generation,
        start_observation,
        start_span,
        update_current_generation,
        update_current_span,
        update_current_trace,
    )
    from interactiveai.sdk.client import InteractiveAI
    from interactiveai.sdk.decorator import observe
    from interactiveai.sdk.observation import Observation, ObservationScope
    from interactiveai.sdk.propagation import PropagationScope, propagate_attributes
    from interactiveai.sdk.registry import get_client
    from interactiveai.sdk.scores import ScoreFields
    from interactiveai.sdk.span_attributes import Level, ObservationType
    from interactiveai.sdk.trace_ids import TraceContext

_HOMES = {
    "InteractiveAI": "interactiveai.sdk.client",
    "ScoreFields": "interactiveai.sdk.scores",
    "observe": "interactiveai.sdk.decorator",
    "Observation": "interactiveai.sdk.observation",
    "ObservationScope": "interactiveai.sdk.observation",
    "PropagationScope": "interactiveai.sdk.propagation",
    "propagate_attributes": "interactiveai.sdk.propagation",
    "get_client": "interactiveai.sdk.registry",
    "Level": "interactiveai.sdk.span_attributes",
    "ObservationType": "interactiveai.sdk.span_attributes",
    "TraceContext": "interactiveai.sdk.trace_ids",
    **dict.fromkeys(
        (
            "auth_check",
            "create_event",
            "create_score",
            "create_trace_id",
            "flush",
            "get_current_observation_id",
            "get_current_trace_id",
            "get_trace_url",
            "score_current_span",
            "score_current_trace",
            "set_current_trace_as_public",
            "shutdown",
            "start_as_current_generation",
            "start_as_current_observation",
            "start_as_current_span",
            "start_generation",
            "start_observation",
            "start_span",
            "update_current_generation",
            "update_current_span",
            "update_current_trace",
        ),
        "interactiveai.sdk.api",
    ),
}

__all__ = [
    "InteractiveAI",
    "Level",
    "Observation",
    "ObservationScope",
    "ObservationType",
    "PropagationScope",
    "ScoreFields",
    "TraceContext",
    "__version__",
    "auth_check",
    "create_event",
    "create_score",
    "create_trace_id",
    "flush",
    "get_client",
    "get_current_observation_id",
    "get_current_trace_id",
    "get_trace_url",
    "observe",
    "propagate_attributes",
    "score_current_span",
    "score_current_trace",
    "set_current_trace_as_public",
    "shutdown",
    "start_as_current_generation",
    "start_as_current_observation",
    "start_as_current_span",
    "start_generation",
    "start_observation",
    "start_span",
    "update_current_generation",
    "update_current_span",
    "update_current_trace",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its private module on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'interactiveai' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
