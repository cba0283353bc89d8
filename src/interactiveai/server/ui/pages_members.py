"""The members page: who may see this project and with which role; owners and admins manage it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from interactiveai.server.bootstrap import login_link_url
from interactiveai.server.store import accounts, members
from interactiveai.server.ui.security import (
    Viewer,
    ViewerDep,
    check_csrf,
    engine_of,
    settings_of,
)
from interactiveai.server.ui.templating import render

router = APIRouter(include_in_schema=False)
Csrf = Depends(check_csrf)
Role = Annotated[str, Form(pattern="^(OWNER|ADMIN|MEMBER|VIEWER)$")]


def _page(
    request: Request,
    viewer: Viewer,
    *,
    error: str | None = None,
    invited: members.Invitation | None = None,
    status: int = 200,
) -> Response:
    with engine_of(request).connect() as conn:
        rows = members.list_members(conn, viewer.project_id)
    link = None
    if invited is not None and invited.login_token is not None:
        link = login_link_url(settings_of(request), invited.login_token)
    context = {
        "viewer": viewer,
        "members": rows,
        "roles": accounts.ROLES,
        "error": error,
        "invited": invited,
        "link": link,
        "nav": "members",
    }
    return render(request, "members.html", context, status=status)


@router.get("/project/{project_id}/members")
def members_page(request: Request, viewer: ViewerDep) -> Response:
    """The project's members and their roles."""
    return _page(request, viewer)


@router.post("/project/{project_id}/members", dependencies=[Csrf])
def invite_member(
    request: Request,
    viewer: ViewerDep,
    email: Annotated[str, Form(max_length=320)],
    role: Role = "MEMBER",
) -> Response:
    """Add someone; a new user's one-time login link is shown once, to pass on."""
    ttl = timedelta(hours=settings_of(request).login_link_hours)
    try:
        with engine_of(request).begin() as conn:
            invited = members.invite(
                conn, viewer.project_id, email, role, acting_role=viewer.role, link_ttl=ttl
            )
    except accounts.AccountError as exc:
        return _page(request, viewer, error=str(exc), status=_status(viewer))
    return _page(request, viewer, invited=invited)


@router.post("/project/{project_id}/members/role", dependencies=[Csrf])
def change_member(
    request: Request,
    viewer: ViewerDep,
    user_id: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(pattern="^(OWNER|ADMIN|MEMBER|VIEWER|REMOVE)$")],
) -> Response:
    """Change a member's role, or remove them from the project."""
    try:
        with engine_of(request).begin() as conn:
            members.set_role(
                conn,
                viewer.project_id,
                user_id,
                None if role == "REMOVE" else role,
                acting_role=viewer.role,
            )
    except accounts.AccountError as exc:
        return _page(request, viewer, error=str(exc), status=_status(viewer))
    return _page(request, viewer)


def _status(viewer: Viewer) -> int:
    # Refused for who you are (403) or for what you asked (400).
    return 400 if viewer.can_manage_members else 403
