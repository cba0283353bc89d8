"""Translating one trace's input and output: the one code path behind the API and the UI.

`POST /api/public/traces/{id}/translate` (API key) and the session page's cookie-auth
route both call `translate_trace`, so they cannot drift apart. It raises the server's
HTTP errors (`APIError` subclasses), which the app's one handler answers as
`{"message", "error"}`:

- 400 `BadRequestError` for a bad language code or engine name (the message names the field),
  400 `UnsupportedLanguageError` when no configured engine has the language pair;
- 404 `NotFoundError` "Trace not found" (also for another project's trace);
- 503 `TranslationUnavailableError` when no engine can run (the message says what to install);
- 502 `TranslationError` when the engine failed (timeout, provider error, text too long).

Synchronous (database read, subprocess, HTTP): async callers use `run_in_threadpool`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from interactiveai.server.errors import APIError, BadRequestError, NotFoundError
from interactiveai.server.store.schema import traces
from interactiveai.server.translate.interface import (
    NoEngineError,
    TranslationError,
    UnsupportedLanguageError,
)
from interactiveai.server.translate.languages import language_name, normalize
from interactiveai.server.translate.service import TranslationService


class TranslationUnavailableError(APIError):
    """No translation engine can run on this server (503); the message is the install hint."""

    status = 503
    error = "TranslationUnavailableError"


class TranslationFailedError(APIError):
    """The engine failed on this text (502); the message is the engine's explanation."""

    status = 502
    error = "TranslationError"


class UnsupportedLanguagePairError(BadRequestError):
    """No configured engine translates the trace's language into the target (400)."""

    error = "UnsupportedLanguageError"


@dataclass(frozen=True, slots=True)
class TraceTranslation:
    """A trace's input and output in the target language, and how they were made."""

    trace_id: str
    input: Any
    output: Any
    source_lang: str | None
    target_lang: str
    engine: str | None
    cached: bool
    untranslated_langs: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The wire shape (camelCase, as the rest of the public API)."""
        return {
            "traceId": self.trace_id,
            "input": self.input,
            "output": self.output,
            "sourceLanguage": self.source_lang,
            "targetLanguage": self.target_lang,
            "engine": self.engine,
            "cached": self.cached,
            "untranslatedLanguages": list(self.untranslated_langs),
        }


def language_param(field: str, code: str | None) -> str | None:
    """`code` as our language code, or a 400 naming `field`."""
    if code is None:
        return None
    try:
        return normalize(code)
    except ValueError as exc:
        raise BadRequestError(f"{field}: {exc}") from None


def translate_trace(
    service: TranslationService,
    db: Engine,
    project_id: str,
    trace_id: str,
    target: str,
    source: str | None = None,
    engine: str | None = None,
) -> TraceTranslation:
    """Translate the input and output of trace `trace_id` of `project_id` into `target`."""
    target_code = language_param("target", target)
    assert target_code is not None
    source_code = language_param("source", source)
    # Check the request before touching the database or an engine: a typo in `engine` is
    # the caller's mistake (400), not a failed translation.
    if not service.engines:
        raise TranslationUnavailableError(service.status().hint or "no translation engine")
    if engine is not None and engine not in {e.name for e in service.engines}:
        configured = ", ".join(e.name for e in service.engines)
        raise BadRequestError(f"engine: unknown translation engine {engine!r}; use {configured}")
    with db.connect() as conn:
        row = conn.execute(
            select(traces.c.input, traces.c.output).where(
                traces.c.project_id == project_id, traces.c.id == trace_id
            )
        ).first()
    if row is None:
        raise NotFoundError("Trace not found")
    # One value, one call: language detection sees the whole turn (short texts fool
    # detectors) and Apertium runs one process for input and output together.
    value = {"input": row.input, "output": row.output}
    try:
        result = service.translate_value(value, target_code, source=source_code, engine=engine)
    except NoEngineError as exc:
        raise TranslationUnavailableError(str(exc)) from None
    except UnsupportedLanguageError as exc:
        raise UnsupportedLanguagePairError(str(exc)) from None
    except TranslationError as exc:
        raise TranslationFailedError(str(exc)) from None
    translated = result.value if isinstance(result.value, dict) else value
    return TraceTranslation(
        trace_id=trace_id,
        input=translated.get("input"),
        output=translated.get("output"),
        source_lang=result.source_lang,
        target_lang=result.target_lang,
        engine=result.engine,
        cached=result.cached,
        untranslated_langs=result.untranslated_langs,
    )


def status_json(service: TranslationService) -> dict[str, Any]:
    """What the translate button needs: availability, engines, target languages and names."""
    status = service.status()
    return {
        "available": status.available,
        "engines": list(status.engines),
        "targetLanguages": list(status.target_languages),
        "languageNames": {code: language_name(code) for code in status.target_languages},
        "hint": status.hint,
    }
