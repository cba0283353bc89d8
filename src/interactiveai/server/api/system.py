"""Health and project routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from interactiveai.server.api.auth import project_id
from interactiveai.server.errors import NotFoundError
from interactiveai.server.store.projects import get_project
from interactiveai.version import __version__

router = APIRouter()


@router.get("/api/public/health", tags=["health"])
def health(request: Request) -> JSONResponse:
    """`{"status": "OK"}` when the database answers, else 503."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse(
            {"status": "ERROR", "version": __version__, "message": f"database unreachable: {exc}"},
            status_code=503,
        )
    return JSONResponse({"status": "OK", "version": __version__})


@router.get("/api/public/projects", tags=["projects"])
def projects(request: Request, pid: Annotated[str, Depends(project_id)]) -> dict[str, Any]:
    """The key's project (the Langfuse SDK's auth_check calls this)."""
    with request.app.state.engine.connect() as conn:
        project = get_project(conn, pid)
    if project is None:
        raise NotFoundError("Project not found")
    # `organization` is required by the Langfuse v5 SDK's auth_check(); we have none, so the
    # project stands for its own organization.
    organization = {"id": project.id, "name": project.name}
    return {
        "data": [
            {
                "id": project.id,
                "name": project.name,
                "organization": organization,
                "metadata": {},
                "retentionDays": None,
            }
        ]
    }
