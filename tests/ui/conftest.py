"""Fixtures of the browser tests: a live server with the UI data set, logging in.

The `browser` fixture (Debian's Chromium) lives in tests/conftest.py: one for the whole run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.support.server import LiveServer, start_server
from tests.ui.data import Sent, send_all

PASSWORD = "correct horse battery"
LINK = re.compile(r"https?://\S+(/login/link/[A-Za-z0-9_\-]+)")

pytestmark = pytest.mark.browser


def csrf_token(html: str) -> str:
    """The CSRF token a page renders into its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def password_login(server: LiveServer, email: str, password: str = PASSWORD) -> httpx.Client:
    """An HTTP client holding a login cookie, logged in with the password form."""
    c = httpx.Client(base_url=server.url)
    data = {"csrf_token": csrf_token(c.get("/login").text), "email": email, "password": password}
    r = c.post("/login", data=data)
    assert r.status_code == 303, r.text
    return c


def login_path(server: LiveServer) -> str:
    """The path of the most recent login link the server printed."""
    found = LINK.findall(server.output())
    assert found, server.output()
    return str(found[-1])


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Sent]]:
    """A server with the UI data set, shared by a module's tests."""
    path = tmp_path_factory.mktemp("ui") / "ia.db"
    server = start_server(f"sqlite:///{path}")
    try:
        sent = send_all(server)
        yield server, sent
    finally:
        server.stop()


def login_with_link(page: Page, server: LiveServer, password: str = PASSWORD) -> None:
    """Follow the first-start link and set a password."""
    page.goto(server.url + login_path(server))
    page.click("text=Continue")
    page.wait_for_url("**/account?welcome=1")
    page.fill("input[name=password]", password)
    page.fill("input[name=confirm]", password)
    page.click("button:has-text('Save')")
    page.wait_for_url("**/account?saved=1")


@pytest.fixture(scope="module")
def ui(browser: Browser, ui_server: tuple[LiveServer, Sent]) -> Iterator[Page]:
    """A logged-in page on the data set's server (one browser context per module)."""
    server, _ = ui_server
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login_with_link(page, server)
    yield page
    context.close()
    assert errors == []


def project_id(server: LiveServer) -> str:
    """The project of the test key."""
    with httpx.Client(base_url=server.url, auth=(server.public_key, server.secret_key)) as c:
        r = c.get("/api/public/projects")
    assert r.status_code == 200, r.text
    return str(r.json()["data"][0]["id"])
