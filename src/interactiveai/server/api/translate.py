"""Translation routes (*ours*): a trace's input and output in another language.

`POST /api/public/traces/{traceId}/translate` and `GET /api/public/translate/status`.
The work is `translate.traces.translate_trace`, shared with the UI's route; it runs in a
worker thread because engines are blocking (Apertium subprocess, HTTP to an LLM).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.limits import LimitedRoute
from interactiveai.server.api.shapes import ERRORS, ErrorBody
from interactiveai.server.translate import TranslationService
from interactiveai.server.translate.traces import status_json, translate_trace

router = APIRouter(tags=["translation"], route_class=LimitedRoute, responses=ERRORS)

_TRANSLATE_ERRORS: dict[int | str, dict[str, Any]] = {
    502: {"model": ErrorBody, "description": "The engine failed (`TranslationError`)."},
    503: {
        "model": ErrorBody,
        "description": "No engine can run (`TranslationUnavailableError`); says what to install.",
    },
}


class TranslateRequest(BaseModel):
    """Which language to translate into, and optionally from which and with which engine."""

    model_config = ConfigDict(extra="ignore")

    target: str = Field(
        min_length=1, max_length=35, description="Language code or browser tag: `en`, `pt-BR`."
    )
    source: str | None = Field(
        default=None, max_length=35, description="Skip detection: the text is in this language."
    )
    engine: str | None = Field(
        default=None, max_length=200, description="Force one engine: `apertium`, `openai:<model>`."
    )


class TraceTranslationResponse(BaseModel):
    """The trace's input and output with their prose translated (structure and keys kept)."""

    traceId: str
    input: Any
    output: Any
    sourceLanguage: str | None = Field(description="Main language found (or given).")
    targetLanguage: str
    engine: str | None = Field(description="None when nothing needed translating.")
    cached: bool = Field(description="Every translated string came from the cache.")
    untranslatedLanguages: list[str] = Field(
        description="Further languages found that no engine translates (their text is kept)."
    )


class TranslationStatusResponse(BaseModel):
    """Whether translation works on this server, by which engines, into which languages."""

    available: bool
    engines: list[str]
    targetLanguages: list[str]
    languageNames: dict[str, str] = Field(description="English name of each target language.")
    hint: str | None = Field(description="What to install or configure when unavailable.")


def translator_of(request: Request) -> TranslationService:
    """The app's one translation service (created by `create_app`)."""
    service: TranslationService = request.app.state.translator
    return service


@router.post(
    "/api/public/traces/{traceId}/translate",
    response_model=None,
    responses={200: {"model": TraceTranslationResponse}, **_TRANSLATE_ERRORS},
)
async def translate_trace_route(
    request: Request, traceId: str, body: TranslateRequest, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Translate a trace's input and output into `target` (cached by text, language, engine)."""
    done = await run_in_threadpool(
        translate_trace,
        translator_of(request),
        request.app.state.engine,
        pid,
        traceId,
        body.target,
        body.source,
        body.engine,
    )
    return done.as_json()


@router.get(
    "/api/public/translate/status",
    response_model=None,
    responses={200: {"model": TranslationStatusResponse}},
)
async def translation_status(
    request: Request, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Engines and target languages on offer; `hint` says what to install when none."""
    del pid  # the key is checked; the answer is the same for every project
    return await run_in_threadpool(status_json, translator_of(request))
