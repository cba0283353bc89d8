"""What the UI changes: bookmarks, deletes, scores and comments (all POST, all CSRF-checked).

Writes run on the database's one writer, like ingestion and the public API: on SQLite that
keeps a single writer, and the page is answered only after the commit. Validation runs first
on a read connection, so the writer's transaction only ever writes a row already checked.

Forms work without JavaScript (303 back to `next`); the page's script posts the same forms
with `Accept: application/json` and gets JSON, so it can update in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import Connection

from interactiveai.server.errors import APIError, BadRequestError
from interactiveai.server.ingest.writer import WriteJob
from interactiveai.server.store import comments, deletes, scores
from interactiveai.server.ui.pages_sessions import forget_facets
from interactiveai.server.ui.security import (
    AnnotatorDep,
    DeleterDep,
    PageNotFoundError,
    UiError,
    check_csrf,
    engine_of,
    finish,
    safe_next,
)
from interactiveai.server.ui.templating import path_part

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
T = TypeVar("T")
Text = Annotated[str, Form(max_length=100_000)]


async def run_write(request: Request, project_id: str, fn: Callable[[Connection], T]) -> T:
    """Run `fn(conn)` in the writer's transaction and return its result after the commit."""
    results: list[T] = []
    job = WriteJob(project_id, [], [], extra=lambda conn: results.append(fn(conn)))
    await asyncio.wrap_future(request.app.state.writer.submit(job))
    # A failed group write is retried job by job, so fn may have run twice: the last counts.
    return results[-1]


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _done(request: Request, next_path: str, payload: dict[str, Any]) -> Response:
    if _wants_json(request):
        return finish(request, JSONResponse(payload))
    return finish(request, RedirectResponse(safe_next(next_path), status_code=303))


def _refused(request: Request, message: str, status: int = 400) -> Response:
    if _wants_json(request):
        return finish(request, JSONResponse({"message": message}, status_code=status))
    error = UiError(message)
    error.status = status
    raise error


@router.post("/project/{project_id}/bookmark")
async def bookmark(
    request: Request,
    viewer: AnnotatorDep,
    session_id: Annotated[str, Form(max_length=200)],
    bookmarked: Annotated[str, Form()] = "1",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Star or unstar a session."""
    on = bookmarked in ("1", "true", "on")
    found = await run_write(
        request,
        viewer.project_id,
        lambda conn: deletes.set_session_bookmark(conn, viewer.project_id, session_id, on),
    )
    if not found:
        return _refused(request, "No such session.", 404)
    return _done(request, next, {"bookmarked": on})


@router.post("/project/{project_id}/delete-session")
async def delete_session(
    request: Request, viewer: DeleterDep, session_id: Annotated[str, Form(max_length=200)]
) -> Response:
    """Delete a session with its traces, observations, scores and comments."""
    found = await run_write(
        request,
        viewer.project_id,
        lambda conn: deletes.delete_session(conn, viewer.project_id, session_id),
    )
    if not found:
        raise PageNotFoundError("No such session.")
    forget_facets()
    return _done(
        request, f"/project/{path_part(viewer.project_id)}/sessions", {"deleted": session_id}
    )


def _score_value(data_type: str, value: str) -> float | str:
    """Form text to the value the store expects for the data type."""
    value = value.strip()
    if data_type == "NUMERIC":
        try:
            return float(value)
        except ValueError:
            raise BadRequestError(f"value: {value!r} is not a number") from None
    return value


@router.post("/project/{project_id}/scores")
async def add_score(
    request: Request,
    viewer: AnnotatorDep,
    target: Annotated[str, Form(pattern="^(session|trace|observation)$")],
    target_id: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=255)] = "",
    value: Text = "",
    data_type: Annotated[str, Form(max_length=16)] = "NUMERIC",
    comment: Text = "",
    config_id: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Annotate a session, trace or observation with a score (source ANNOTATION, by this user)."""
    pid = viewer.project_id
    try:
        with engine_of(request).connect() as conn:
            config = scores.get_score_config(conn, pid, config_id) if config_id else None
            dtype = config["data_type"] if config else data_type.upper()
            row = scores.prepare_score(
                conn,
                pid,
                name=config["name"] if config else name.strip(),
                value=_score_value(dtype, value),
                data_type=dtype,
                trace_id=target_id if target == "trace" else None,
                observation_id=target_id if target == "observation" else None,
                session_id=target_id if target == "session" else None,
                comment=comment.strip() or None,
                source="ANNOTATION",
                config_id=config_id or None,
                author_user_id=viewer.user.id,
            )
    except APIError as exc:
        return _refused(request, exc.message)
    await run_write(request, pid, lambda conn: scores.write_score(conn, row))
    forget_facets()
    return _done(request, next, {"id": row["id"]})


@router.post("/project/{project_id}/comments")
async def add_comment(
    request: Request,
    viewer: AnnotatorDep,
    object_type: Annotated[str, Form(pattern="^(SESSION|TRACE|OBSERVATION)$")],
    object_id: Annotated[str, Form(max_length=200)],
    content: Text = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Comment on a session, trace or observation."""
    pid = viewer.project_id
    try:
        with engine_of(request).connect() as conn:
            row = comments.prepare_comment(
                conn, pid, object_type, object_id, content, viewer.user.id
            )
    except APIError as exc:
        return _refused(request, exc.message, exc.status)
    await run_write(request, pid, lambda conn: comments.write_comment(conn, row))
    return _done(request, next, {"id": row["id"]})
