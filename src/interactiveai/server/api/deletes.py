"""Deleting traces and sessions, and bookmarking sessions. Rollups stay right (see store)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.limits import LimitedRoute
from interactiveai.server.api.shapes import ERRORS, Bookmark, TraceIds
from interactiveai.server.api.write import run_write
from interactiveai.server.errors import BadRequestError, NotFoundError
from interactiveai.server.store import deletes

router = APIRouter(route_class=LimitedRoute, responses=ERRORS)

TraceId = Annotated[str, Path(max_length=64)]
SessionId = Annotated[str, Path(max_length=200)]


@router.delete("/api/public/traces/{trace_id}", tags=["traces"])
async def delete_trace(
    request: Request, trace_id: TraceId, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Delete a trace with its observations, scores and comments."""
    n = await run_write(request, pid, lambda conn: deletes.delete_traces(conn, pid, [trace_id]))
    if not n:
        raise NotFoundError("Trace not found")
    return {"message": "Trace deleted successfully", "deleted": n}


@router.delete("/api/public/traces", tags=["traces"])
async def delete_traces(
    request: Request, body: TraceIds, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Delete several traces (`{"traceIds": [...]}`); 404 when none of them exists."""
    if any(not t or len(t) > 64 for t in body.traceIds):
        raise BadRequestError("traceIds: every id must be a string of 1..64 characters")
    n = await run_write(request, pid, lambda conn: deletes.delete_traces(conn, pid, body.traceIds))
    if not n:
        raise NotFoundError("Traces not found")
    return {"message": "Traces deleted successfully", "deleted": n}


@router.delete("/api/public/sessions/{session_id}", tags=["sessions"])
async def delete_session(
    request: Request, session_id: SessionId, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Delete a session with its traces, their observations, and its scores and comments."""
    found = await run_write(
        request, pid, lambda conn: deletes.delete_session(conn, pid, session_id)
    )
    if not found:
        raise NotFoundError("Session not found")
    return {"message": "Session deleted successfully"}


@router.put("/api/public/sessions/{session_id}/bookmark", tags=["sessions"])
async def bookmark_session(
    request: Request,
    session_id: SessionId,
    body: Bookmark,
    pid: Annotated[str, Depends(project_id)],
) -> dict[str, Any]:
    """Bookmark (`{"bookmarked": true}`) or un-bookmark a session."""
    found = await run_write(
        request,
        pid,
        lambda conn: deletes.set_session_bookmark(conn, pid, session_id, body.bookmarked),
    )
    if not found:
        raise NotFoundError("Session not found")
    return {"id": session_id, "bookmarked": body.bookmarked}
