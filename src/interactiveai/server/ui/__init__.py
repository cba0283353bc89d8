"""The web UI: server-rendered pages (Jinja2), small vanilla JavaScript, no build step.

`install_ui(app)` mounts the pages, the static files and the UI's error handling on the app.
Pages read through the same store query functions as the public API.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from interactiveai.server.ui import (
    actions,
    pages_auth,
    pages_members,
    pages_sessions,
    pages_traces,
    pages_users,
    translate_routes,
)
from interactiveai.server.ui.security import LoginRequiredError, UiError, finish, login_url
from interactiveai.server.ui.templating import render
from interactiveai.server.ui.throttle import LoginThrottle

STATIC = Path(__file__).parent / "static"

SessionExporter = Callable[[Any, str, str], dict[str, Any]]


def install_ui(app: FastAPI, *, export_session: SessionExporter) -> None:
    """Add the UI to `app`. `export_session(conn, project_id, session_id)` builds downloads."""
    app.state.ui_export_session = export_session
    app.state.login_throttle = LoginThrottle(app.state.settings.login_max_failures)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    for module in (
        pages_auth,
        pages_sessions,
        pages_traces,
        pages_users,
        pages_members,
        actions,
        translate_routes,
    ):
        app.include_router(module.router)

    @app.exception_handler(LoginRequiredError)
    async def _login_required(request: Request, exc: LoginRequiredError) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return finish(request, JSONResponse({"message": exc.message}, status_code=401))
        return finish(request, RedirectResponse(login_url(exc.next_path), status_code=303))

    @app.exception_handler(UiError)
    async def _ui_error(request: Request, exc: UiError) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            # The page's script posted the form: it shows the message in place.
            return finish(request, JSONResponse({"message": exc.message}, status_code=exc.status))
        return render(request, "error.html", {"message": exc.message}, status=exc.status)
