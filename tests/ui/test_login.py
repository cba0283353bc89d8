"""Login: the first-start link, passwords, logout, refusals without a cookie or a CSRF token."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.support.server import LiveServer, start_server
from tests.ui.conftest import (
    PASSWORD,
    csrf_token,
    login_path,
    login_with_link,
    password_login,
    project_id,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A fresh server with no data: its owner has not logged in yet."""
    path = tmp_path_factory.mktemp("login") / "ia.db"
    srv = start_server(f"sqlite:///{path}")
    yield srv
    srv.stop()


def _logged_in_client(server: LiveServer) -> httpx.Client:
    """An HTTP client holding a login cookie (via the password set in the browser test)."""
    return password_login(server, "owner@example.com")


def test_first_start_link_then_password_then_logout(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    login_with_link(page, server)
    page.fill("input[name=email]", "owner@example.com")
    page.click("button:has-text('Save')")
    page.click("text=Go to your sessions")
    expect(page.locator("h1")).to_contain_text("Sessions")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["ia_session"]["httpOnly"] and cookies["ia_session"]["sameSite"] == "Lax"
    assert cookies["ia_csrf"]["httpOnly"]
    # The link worked once.
    page.goto(server.url + login_path(server))
    expect(page.locator("h1")).to_have_text("This link has expired")
    # Log out: every page is refused again, even with the old cookie value.
    old = cookies["ia_session"]["value"]
    page.goto(server.url + "/")
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(server.url + f"/project/{project_id(server)}/sessions")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    r = httpx.get(server.url + "/", cookies={"ia_session": old})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # Wrong password, then the right one brings you back where you were going.
    page.fill("input[name=email]", "owner@example.com")
    page.fill("input[name=password]", "wrong password")
    page.click("button:has-text('Log in')")
    expect(page.locator(".alert.error")).to_have_text("Wrong email or password.")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(re.compile(r"/project/.+/sessions$"))
    context.close()


def test_every_page_redirects_to_login_without_a_cookie(server: LiveServer) -> None:
    pid = project_id(server)
    pages = [
        "/",
        "/account",
        f"/project/{pid}",
        f"/project/{pid}/sessions",
        f"/project/{pid}/sessions?env=x",
        f"/project/{pid}/sessions/any-session",
        f"/project/{pid}/session-traces?id=any-session&page=2",
        f"/project/{pid}/session-export?id=any-session",
        f"/project/{pid}/traces/{'a' * 32}",
        f"/project/{pid}/traces/{'a' * 32}/raw/input",
        f"/project/{pid}/observations/{'b' * 16}/raw/output",
        f"/project/{pid}/users",
    ]
    with httpx.Client(base_url=server.url) as c:
        for path in pages:
            r = c.get(path)
            assert r.status_code == 303, path
            assert r.headers["location"].startswith("/login?next="), path
        # Forms too (with a valid CSRF pair, so only the missing login refuses them).
        token = csrf_token(c.get("/login").text)
        for path in ("bookmark", "delete-session", "scores", "comments"):
            r = c.post(f"/project/{pid}/{path}", data={"csrf_token": token})
            assert r.status_code in (303, 401), path
            assert r.headers.get("location", "/login").startswith("/login"), path


def test_a_form_post_without_the_csrf_token_is_refused(server: LiveServer) -> None:
    pid = project_id(server)
    c = _logged_in_client(server)
    token = c.cookies["ia_csrf"]
    data = {"session_id": "s", "bookmarked": "1"}
    assert c.post(f"/project/{pid}/bookmark", data=data).status_code == 403
    bad = {**data, "csrf_token": "x" * 43}
    assert c.post(f"/project/{pid}/bookmark", data=bad).status_code == 403
    good = {**data, "csrf_token": token}
    foreign = c.post(
        f"/project/{pid}/bookmark", data=good, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert c.post("/logout", data={}).status_code == 403
    # With the token the same post goes through (404: there is no such session).
    assert c.post(f"/project/{pid}/bookmark", data=good).status_code == 404
    # Login itself is CSRF-protected (no login CSRF).
    r = httpx.post(server.url + "/login", data={"email": "owner@example.com", "password": PASSWORD})
    assert r.status_code == 403
    # Security headers on every page.
    page = c.get(f"/project/{pid}/sessions")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    # Another project's pages are not found, not shown.
    assert c.get("/project/other-project/sessions").status_code == 404
    c.close()


def test_users_create_and_login_link_commands(browser: Browser, server: LiveServer) -> None:
    env = {**server.env}
    cli = [sys.executable, "-m", "interactiveai", "users"]
    r = subprocess.run(
        [*cli, "create", "ana@example.com", "--name", "Ana"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    path = re.search(r"(/login/link/\S+)", r.stdout)
    assert path, r.stdout
    again = subprocess.run(
        [*cli, "create", "ana@example.com"], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 1 and "already exists" in again.stdout
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + path.group(1))
    expect(page.locator("strong")).to_have_text("ana@example.com")
    page.click("text=Continue")
    page.fill("input[name=password]", "first-choice")
    page.fill("input[name=confirm]", "second-choice")
    page.click("button:has-text('Save')")
    expect(page.locator(".alert.error")).to_have_text("The two passwords differ.")
    expect(page.locator(".me")).to_have_text("Ana")
    context.close()
    listed = subprocess.run([*cli, "list"], env=env, capture_output=True, text=True, timeout=60)
    assert "ana@example.com" in listed.stdout
    link = subprocess.run(
        [*cli, "login-link", "ana@example.com"], env=env, capture_output=True, text=True, timeout=60
    )
    assert link.returncode == 0 and "/login/link/" in link.stdout
    assert Path(server.database_url.removeprefix("sqlite:///")).exists()
