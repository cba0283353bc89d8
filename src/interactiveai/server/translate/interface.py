"""What every translation engine offers, and the errors the translation service raises."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class TranslationError(Exception):
    """A translation could not be made; the message is meant for the person who asked."""


class UnsupportedLanguageError(TranslationError):
    """No configured engine translates this source language into this target."""


class NoEngineError(TranslationError):
    """No engine is available at all; the message says what to install or configure."""


@runtime_checkable
class Translator(Protocol):
    """A translation engine.

    `name` identifies the engine and what shapes its output (for the OpenAI-compatible
    engine it includes the model), because the cache is keyed by it.
    Language codes are ours: ISO 639-1 where one exists (see `languages.normalize`).
    """

    name: str

    def available(self) -> bool:
        """Whether the engine can run at all (installed, configured)."""
        ...

    def languages(self) -> frozenset[tuple[str, str]]:
        """The (source, target) pairs this engine translates."""
        ...

    def supports(self, source: str, target: str) -> bool:
        """Whether `source` → `target` can be translated by this engine."""
        ...

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate each text; the result has one entry per input, in order.

        Raises TranslationError (never a bare subprocess/HTTP error). Leading and
        trailing whitespace of each text is kept as it was.
        """
        ...
