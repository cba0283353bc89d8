"""The users page: each end user's sessions, traces, cost and tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from interactiveai.server.store.queries import Page
from interactiveai.server.store.user_stats import count_users, list_user_stats
from interactiveai.server.ui.security import ViewerDep, engine_of
from interactiveai.server.ui.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


@router.get("/project/{project_id}/users")
def users_page(request: Request, viewer: ViewerDep, page: int = 1, q: str = "") -> Response:
    """End users by id, with links to their sessions."""
    page = max(1, page)
    prefix = q.strip()[:200]
    with engine_of(request).connect() as conn:
        rows, has_more = list_user_stats(
            conn, viewer.project_id, Page(page=page, limit=PER_PAGE), prefix=prefix or None
        )
        total = count_users(conn, viewer.project_id, prefix=prefix or None)
    context = {
        "viewer": viewer,
        "rows": rows,
        "page": page,
        "has_more": has_more,
        "total": total,
        "pages": max(1, -(-total // PER_PAGE)),
        "q": prefix,
        "nav": "users",
    }
    return render(request, "users.html", context)
