"""Who is looking: the login cookie, CSRF protection, project access and security headers.

- The login cookie (`ia_session`) holds a random browser-session token; the database keeps
  only its hash (see `store.accounts`). HttpOnly and SameSite=Lax; Secure when configured.
- CSRF: a double-submit token. Every browser gets a random `ia_csrf` cookie (HttpOnly); every
  page renders the same value into its forms, and every POST must send it back as the
  `csrf_token` field or the `X-CSRF-Token` header. A cross-site page can neither read the
  cookie nor the page, so it cannot forge the pair. A foreign `Origin` is refused as well.
- Every UI response carries a strict Content-Security-Policy (scripts only from our own
  static files), so even a templating mistake could not run a script from trace data.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response
from sqlalchemy import Engine

from interactiveai.server.settings import Settings
from interactiveai.server.store import accounts, members
from interactiveai.server.store.projects import Project

SESSION_COOKIE = "ia_session"
CSRF_COOKIE = "ia_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Login links carry a token in the path: never leak it in a Referer.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class UiError(Exception):
    """An error the UI answers with an HTML page (the API's errors answer JSON)."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginRequiredError(UiError):
    """No valid login cookie: the UI answers with a redirect to the login page."""

    status = 401

    def __init__(self, next_path: str) -> None:
        super().__init__("log in first")
        self.next_path = next_path


class CsrfError(UiError):
    """A POST without the right CSRF token, or from another site (403)."""

    status = 403


class PageNotFoundError(UiError):
    """No such project, session or trace (or not one this user may see) (404)."""

    status = 404


def settings_of(request: Request) -> Settings:
    """The server settings."""
    settings: Settings = request.app.state.settings
    return settings


def engine_of(request: Request) -> Engine:
    """The database engine."""
    engine: Engine = request.app.state.engine
    return engine


def csrf_token(request: Request) -> str:
    """This browser's CSRF token; a new one (set on the response by `finish`) if it has none."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and len(existing) >= 32:
        return existing
    new: str | None = getattr(request.state, "new_csrf", None)
    if new is None:
        new = secrets.token_urlsafe(32)
        request.state.new_csrf = new
    return new


def finish(request: Request, response: Response) -> Response:
    """Add security headers, and the CSRF cookie when this request minted one."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    new = getattr(request.state, "new_csrf", None)
    if new is not None:
        set_cookie(request, response, CSRF_COOKIE, new, max_age=None)
    return response


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None
) -> None:
    """Set one of our cookies with the flags they all share."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings_of(request).cookie_secure,
    )


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        # Browsers send Origin on cross-site POSTs; its absence means a same-site form or a
        # non-browser client, which still needs the token.
        return origin is None
    netloc = urlsplit(origin).netloc
    allowed = {request.headers.get("host", "")}
    public = settings_of(request).public_url
    if public:
        allowed.add(urlsplit(public).netloc)
    return netloc in allowed


async def check_csrf(request: Request) -> None:
    """Dependency of every POST route: refuse without the matching token (403)."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfError("the form's security token is missing or stale; reload the page")
    if not _same_origin(request):
        raise CsrfError("cross-site request refused")


def _next_path(request: Request) -> str:
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return path if request.method == "GET" else "/"


def current_user(request: Request) -> accounts.User:
    """Dependency: the logged-in user, or LoginRequiredError (redirect to the login page)."""
    token = request.cookies.get(SESSION_COOKIE)
    user = None
    if token:
        with engine_of(request).connect() as conn:
            user = accounts.user_for_browser_session(conn, token)
    if user is None:
        raise LoginRequiredError(_next_path(request))
    return user


UserDep = Annotated[accounts.User, Depends(current_user)]


# What each project role may change (as Langfuse's roles): viewers only read, members
# annotate and bookmark, owners and admins may also delete.
ANNOTATE_ROLES = frozenset({"OWNER", "ADMIN", "MEMBER"})
DELETE_ROLES = frozenset({"OWNER", "ADMIN"})


@dataclass(slots=True)
class Viewer:
    """The logged-in user on a project page: who, which project, and what else they may see."""

    user: accounts.User
    project: Project
    role: str
    projects: list[Project] = field(default_factory=list)

    @property
    def project_id(self) -> str:
        """The current project's id."""
        return self.project.id

    @property
    def can_annotate(self) -> bool:
        """May add scores and comments and set bookmarks."""
        return self.role in ANNOTATE_ROLES

    @property
    def can_delete(self) -> bool:
        """May delete sessions."""
        return self.role in DELETE_ROLES

    @property
    def can_manage_members(self) -> bool:
        """May add, change and remove the project's members."""
        return self.role in members.MANAGER_ROLES


def project_viewer(request: Request, project_id: str, user: UserDep) -> Viewer:
    """Dependency of `/project/{project_id}/...` pages: 404 unless the user is a member."""
    with engine_of(request).connect() as conn:
        mine = accounts.user_projects(conn, user.id)
        role = accounts.project_role(conn, user.id, project_id)
    for p in mine:
        if p.id == project_id and role is not None:
            return Viewer(user, p, role, mine)
    raise PageNotFoundError("No such project.")


ViewerDep = Annotated[Viewer, Depends(project_viewer)]


def _refuse_role(viewer: Viewer, what: str) -> UiError:
    error = UiError(f"Your role in this project ({viewer.role.lower()}) may not {what}.")
    error.status = 403
    return error


def annotator(viewer: ViewerDep) -> Viewer:
    """Dependency of the annotating actions: 403 for viewers."""
    if not viewer.can_annotate:
        raise _refuse_role(viewer, "add scores, comments or bookmarks")
    return viewer


def deleter(viewer: ViewerDep) -> Viewer:
    """Dependency of the deleting actions: 403 below admin."""
    if not viewer.can_delete:
        raise _refuse_role(viewer, "delete sessions")
    return viewer


AnnotatorDep = Annotated[Viewer, Depends(annotator)]
DeleterDep = Annotated[Viewer, Depends(deleter)]


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go to after a form, never another site (open-redirect guard)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def login_url(next_path: str) -> str:
    """The login page, remembering where to go next."""
    return "/login?next=" + quote(next_path, safe="")
