"""Logging in and out: password login, one-time login links, the account page."""

from __future__ import annotations

import logging
import math
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from interactiveai.server.store import accounts
from interactiveai.server.ui.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    UserDep,
    check_csrf,
    engine_of,
    finish,
    safe_next,
    set_cookie,
    settings_of,
)
from interactiveai.server.ui.templating import render
from interactiveai.server.ui.throttle import LoginThrottle

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
Csrf = Depends(check_csrf)


def _redirect(request: Request, url: str) -> Response:
    return finish(request, RedirectResponse(url, status_code=303))


def _logged_in(request: Request, user: accounts.User, next_path: str) -> Response:
    """Start a browser session; a fresh CSRF token goes with it (no fixation across logins)."""
    settings = settings_of(request)
    ttl = timedelta(days=settings.browser_session_days)
    with engine_of(request).begin() as conn:
        token = accounts.create_browser_session(conn, user.id, ttl)
    response = RedirectResponse(next_path, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=int(ttl.total_seconds()))
    set_cookie(request, response, CSRF_COOKIE, secrets.token_urlsafe(32), max_age=None)
    log.info("user %s logged in", user.email)
    return finish(request, response)


def _current(request: Request) -> accounts.User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with engine_of(request).connect() as conn:
        return accounts.user_for_browser_session(conn, token)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    """The login form (or straight on, when already logged in)."""
    target = safe_next(next)
    if _current(request) is not None:
        return _redirect(request, target)
    return render(request, "login.html", {"next": target, "error": None, "email": ""})


@router.post("/login", dependencies=[Csrf])
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password; on success set the login cookie."""
    target = safe_next(next)
    throttle: LoginThrottle = request.app.state.login_throttle
    email_key = "email:" + email.strip().lower()
    keys = ("client:" + (request.client.host if request.client else "?"), email_key)
    wait = throttle.retry_after(keys)
    if wait is not None:
        log.warning("login refused for %r: too many failed logins", email[:80])
        minutes = math.ceil(wait / 60)
        error = f"Too many failed logins. Try again in {minutes} minute{'s' * (minutes != 1)}."
        context = {"next": target, "error": error, "email": email}
        response = render(request, "login.html", context, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    with engine_of(request).begin() as conn:
        user = accounts.authenticate(conn, email, password) if email and password else None
    if user is None:
        throttle.failed(keys)
        log.info("failed login for %r", email[:80])
        context = {"next": target, "error": "Wrong email or password.", "email": email}
        return render(request, "login.html", context, status=401)
    throttle.succeeded(email_key)
    return _logged_in(request, user, target)


@router.get("/login/link/{token}")
def login_link_page(request: Request, token: str) -> Response:
    """A one-time link: confirm with a button, so link previews cannot use it up."""
    with engine_of(request).connect() as conn:
        user = accounts.peek_login_link(conn, token)
    status = 200 if user is not None else 410
    return render(request, "login_link.html", {"user": user, "token": token}, status=status)


@router.post("/login/link", dependencies=[Csrf])
def login_link(request: Request, token: Annotated[str, Form(max_length=200)]) -> Response:
    """Use up the link and log in; people without a password go on to set one."""
    with engine_of(request).begin() as conn:
        user = accounts.consume_login_link(conn, token)
    if user is None:
        return render(request, "login_link.html", {"user": None, "token": ""}, status=410)
    return _logged_in(request, user, "/" if user.has_password else "/account?welcome=1")


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    """End this browser's session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with engine_of(request).begin() as conn:
            accounts.end_browser_session(conn, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return finish(request, response)


@router.get("/account")
def account_page(request: Request, user: UserDep, welcome: int = 0, saved: int = 0) -> Response:
    """Email and password of the logged-in user."""
    context = {"user": user, "welcome": bool(welcome), "saved": bool(saved), "error": None}
    return render(request, "account.html", context)


@router.post("/account", dependencies=[Csrf])
def account(
    request: Request,
    user: UserDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Save the email and, when given, a new password (other browsers are logged out)."""
    error = None
    if password != confirm:
        error = "The two passwords differ."
    elif not password and not user.has_password:
        error = "Choose a password."
    if error is None:
        try:
            with engine_of(request).begin() as conn:
                if email and email.strip().lower() != user.email:
                    accounts.set_email(conn, user.id, email)
                if password:
                    accounts.set_password(conn, user.id, password)
                    accounts.end_all_browser_sessions(
                        conn, user.id, except_token=request.cookies.get(SESSION_COOKIE)
                    )
        except accounts.AccountError as exc:
            error = str(exc).capitalize() + "."
    if error is not None:
        context = {"user": user, "welcome": False, "saved": False, "error": error}
        return render(request, "account.html", context, status=400)
    return _redirect(request, "/account?saved=1")
