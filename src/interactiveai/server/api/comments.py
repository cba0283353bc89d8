"""Comment routes: `/api/public/comments` on traces, observations and sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.limits import LimitedRoute
from interactiveai.server.api.params import LimitParam, PageParam
from interactiveai.server.api.serialize import comment_json, page_meta
from interactiveai.server.api.shapes import ERRORS, Comment, CommentCreate, IdResponse, ObjectType
from interactiveai.server.api.write import run_write
from interactiveai.server.errors import NotFoundError
from interactiveai.server.store import comments

router = APIRouter(tags=["comments"], route_class=LimitedRoute, responses=ERRORS)


@router.post("/api/public/comments", response_model=None, responses={200: {"model": IdResponse}})
async def create_comment(
    request: Request, body: CommentCreate, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Comment on an object of the key's project (404 when it does not exist)."""

    def prepare() -> dict[str, Any]:
        with request.app.state.engine.connect() as conn:
            return comments.prepare_comment(
                conn, pid, body.objectType, body.objectId, body.content, body.authorUserId
            )

    row = await run_in_threadpool(prepare)
    await run_write(request, pid, lambda conn: comments.write_comment(conn, row))
    return {"id": row["id"]}


@router.get("/api/public/comments")
def list_comments(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: LimitParam = 50,
    objectType: ObjectType | None = None,
    objectId: Annotated[str | None, Query(max_length=200)] = None,
    authorUserId: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Comments, newest first; filter by object and author."""
    with request.app.state.engine.connect() as conn:
        rows, total = comments.page_comments(
            conn,
            pid,
            object_type=objectType,
            object_id=objectId,
            author_user_id=authorUserId,
            limit=limit,
            offset=(page - 1) * limit,
        )
    return {"data": [comment_json(r) for r in rows], "meta": page_meta(page, limit, total)}


@router.get(
    "/api/public/comments/{comment_id}", response_model=None, responses={200: {"model": Comment}}
)
def get_comment(
    request: Request, comment_id: str, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """One comment."""
    with request.app.state.engine.connect() as conn:
        row = comments.get_comment(conn, pid, comment_id)
    if row is None:
        raise NotFoundError("Comment not found")
    return comment_json(row)
