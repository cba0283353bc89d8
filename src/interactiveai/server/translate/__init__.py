"""Translating a trace's content for a viewer: engines, language detection, cache, service.

See docs/translation.md. The UI and the API use `TranslationService`.
"""

from interactiveai.server.translate.apertium import ApertiumTranslator
from interactiveai.server.translate.cache import TranslationCache
from interactiveai.server.translate.interface import (
    NoEngineError,
    TranslationError,
    Translator,
    UnsupportedLanguageError,
)
from interactiveai.server.translate.languages import language_name, normalize
from interactiveai.server.translate.openai_compat import OpenAICompatibleTranslator
from interactiveai.server.translate.service import (
    TranslationResult,
    TranslationService,
    TranslationStatus,
)
from interactiveai.server.translate.settings import TranslationSettings

__all__ = [
    "ApertiumTranslator",
    "NoEngineError",
    "OpenAICompatibleTranslator",
    "TranslationCache",
    "TranslationError",
    "TranslationResult",
    "TranslationService",
    "TranslationSettings",
    "TranslationStatus",
    "Translator",
    "UnsupportedLanguageError",
    "language_name",
    "normalize",
]
