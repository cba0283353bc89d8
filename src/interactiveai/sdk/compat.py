"""The type-specific names of the Langfuse Python SDK v3 (start_span, start_generation...).

Langfuse v3 code calls them on the client and on observations; later Langfuse versions,
and this SDK, spell them start_observation(as_type=...). Keeping the old names costs four
one-line methods and spares users a rewrite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interactiveai.sdk.observation import Observation, ObservationScope


class LangfuseV3Names:
    """Mixin for classes with start_observation() and start_as_current_observation()."""

    __slots__ = ()

    def start_span(self, /, *, name: str, **kwargs: Any) -> Observation:
        """Langfuse v3 name of start_observation(as_type="span")."""
        return self.start_observation(name=name, as_type="span", **kwargs)  # type: ignore[attr-defined, no-any-return]

    def start_generation(self, /, *, name: str, **kwargs: Any) -> Observation:
        """Langfuse v3 name of start_observation(as_type="generation")."""
        return self.start_observation(name=name, as_type="generation", **kwargs)  # type: ignore[attr-defined, no-any-return]

    def start_as_current_span(self, /, *, name: str, **kwargs: Any) -> ObservationScope:
        """Langfuse v3 name of start_as_current_observation(as_type="span")."""
        return self.start_as_current_observation(name=name, as_type="span", **kwargs)  # type: ignore[attr-defined, no-any-return]

    def start_as_current_generation(self, /, *, name: str, **kwargs: Any) -> ObservationScope:
        """Langfuse v3 name of start_as_current_observation(as_type="generation")."""
        return self.start_as_current_observation(name=name, as_type="generation", **kwargs)  # type: ignore[attr-defined, no-any-return]
