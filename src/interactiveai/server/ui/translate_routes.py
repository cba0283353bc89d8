"""The session page's translation routes: login cookie + CSRF, JSON answers for translate.js.

The translation itself is `translate.traces.translate_trace`, the same function as the
public API's route. What this adds is the page's view of the result: for the input and the
output, the texts of the page's `[data-translatable]` elements in document order, made by
the same `content.prepare` that rendered the page, so the script can swap text for text
with `textContent` without parsing anything. Translation keeps the value's structure, so
the translated value renders into the same elements as the original.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from interactiveai.server.translate import TranslationService, language_name
from interactiveai.server.translate.traces import status_json, translate_trace
from interactiveai.server.ui.content import Content, prepare
from interactiveai.server.ui.security import ViewerDep, check_csrf, engine_of, finish

router = APIRouter(include_in_schema=False)

# Parts the template marks `data-translatable` (see `_macros.html`: part() and content()).
_TRANSLATABLE_PARTS = ("text", "reasoning", "tool_result")


class UiTranslateRequest(BaseModel):
    """The viewer's target language (and optionally source language and engine)."""

    model_config = ConfigDict(extra="ignore")

    target: str = Field(min_length=1, max_length=35)
    source: str | None = Field(default=None, max_length=35)
    engine: str | None = Field(default=None, max_length=200)


def translatable_texts(content: Content) -> list[str]:
    """The texts of the `[data-translatable]` elements the template renders for `content`."""
    if content.kind == "text":
        return [content.text]
    if content.kind == "chat":
        return [p.text for m in content.messages for p in m.parts if p.kind in _TRANSLATABLE_PARTS]
    return []


def page_block(value: Any) -> dict[str, Any]:
    """One io block as the page shows it: its kind, its plain texts, or its JSON text."""
    content = prepare(value)
    return {
        "kind": content.kind,
        "texts": translatable_texts(content),
        # A JSON value that is not a chat is one <pre>; its translation replaces it whole.
        "json": content.text if content.kind == "json" else None,
    }


def _translator(request: Request) -> TranslationService:
    service: TranslationService = request.app.state.translator
    return service


@router.get("/project/{project_id}/translate/status")
async def ui_translation_status(request: Request, viewer: ViewerDep) -> Response:
    """Engines and target languages, for the language picker next to the translate icon."""
    del viewer  # membership is checked; the answer is the same for every project
    payload = await run_in_threadpool(status_json, _translator(request))
    return finish(request, JSONResponse(payload))


@router.post(
    "/project/{project_id}/traces/{trace_id}/translate", dependencies=[Depends(check_csrf)]
)
async def ui_translate_trace(
    request: Request,
    trace_id: str,
    body: UiTranslateRequest,
    viewer: ViewerDep,
) -> Response:
    """One trace's input and output translated, shaped for the session page's elements."""

    def work() -> dict[str, Any]:
        done = translate_trace(
            _translator(request),
            engine_of(request),
            viewer.project_id,
            trace_id,
            body.target,
            body.source,
            body.engine,
        )
        payload = done.as_json()
        payload["sourceLanguageName"] = (
            language_name(done.source_lang) if done.source_lang else None
        )
        payload["targetLanguageName"] = language_name(done.target_lang)
        payload["blocks"] = {"input": page_block(done.input), "output": page_block(done.output)}
        return payload

    return finish(request, JSONResponse(await run_in_threadpool(work)))
