"""Score config routes: `/api/public/score-configs`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.limits import LimitedRoute
from interactiveai.server.api.params import LimitParam, PageParam
from interactiveai.server.api.serialize import page_meta, score_config_json
from interactiveai.server.api.shapes import (
    ERRORS,
    ScoreConfig,
    ScoreConfigCreate,
    ScoreConfigUpdate,
)
from interactiveai.server.api.write import run_write
from interactiveai.server.errors import NotFoundError
from interactiveai.server.store import scores

router = APIRouter(tags=["score-configs"], route_class=LimitedRoute, responses=ERRORS)


@router.post(
    "/api/public/score-configs", response_model=None, responses={200: {"model": ScoreConfig}}
)
async def create_score_config(
    request: Request, body: ScoreConfigCreate, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Create a score config; scores that name it are checked against it."""
    fields = {
        "name": body.name,
        "data_type": body.dataType,
        "categories": [c.model_dump() for c in body.categories] if body.categories else None,
        "min_value": body.minValue,
        "max_value": body.maxValue,
        "description": body.description,
    }

    def create(conn: Connection) -> dict[str, Any] | None:
        config_id = scores.create_score_config(conn, pid, **fields)
        return scores.get_score_config(conn, pid, config_id)

    row = await run_write(request, pid, create)
    assert row is not None
    return score_config_json(row)


@router.get("/api/public/score-configs")
def list_score_configs(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: LimitParam = 50,
) -> dict[str, Any]:
    """The project's score configs, by name."""
    with request.app.state.engine.connect() as conn:
        rows = scores.list_score_configs(conn, pid)
    part = rows[(page - 1) * limit : page * limit]
    return {"data": [score_config_json(r) for r in part], "meta": page_meta(page, limit, len(rows))}


@router.get(
    "/api/public/score-configs/{config_id}",
    response_model=None,
    responses={200: {"model": ScoreConfig}},
)
def get_score_config(
    request: Request, config_id: str, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """One score config."""
    with request.app.state.engine.connect() as conn:
        row = scores.get_score_config(conn, pid, config_id)
    if row is None:
        raise NotFoundError("Score config not found")
    return score_config_json(row)


@router.patch(
    "/api/public/score-configs/{config_id}",
    response_model=None,
    responses={200: {"model": ScoreConfig}},
)
async def update_score_config(
    request: Request,
    config_id: str,
    body: ScoreConfigUpdate,
    pid: Annotated[str, Depends(project_id)],
) -> dict[str, Any]:
    """Archive or restore a score config (archived configs take no new scores)."""

    def update(conn: Connection) -> dict[str, Any] | None:
        scores.set_score_config_archived(conn, pid, config_id, body.isArchived)
        return scores.get_score_config(conn, pid, config_id)

    row = await run_write(request, pid, update)
    if row is None:
        raise NotFoundError("Score config not found")
    return score_config_json(row)
