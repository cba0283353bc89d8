"""Project members: the rules on both databases, then the page over a live server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from interactiveai.server.store import accounts, members
from interactiveai.server.store.projects import create_project
from tests.support.server import LiveServer, start_server
from tests.ui.conftest import csrf_token, password_login, project_id

PASSWORD = "correct horse battery staple"
DAY = timedelta(days=1)


def test_roles_change_under_the_rules(engine: Engine) -> None:
    with engine.begin() as conn:
        pid = create_project(conn, "p").id
        owner = accounts.create_user(conn, "owner@example.com", role="OWNER")
        invited = members.invite(
            conn, pid, "Ana@Example.com", "VIEWER", acting_role="ADMIN", link_ttl=DAY
        )
        assert invited.login_token is not None  # a new user: a link to set a password
        assert accounts.peek_login_link(conn, invited.login_token) == invited.member.user
        assert [(m.user.email, m.role) for m in members.list_members(conn, pid)] == [
            ("ana@example.com", "VIEWER"),
            ("owner@example.com", "OWNER"),
        ]
        ana = invited.member.user.id
        with pytest.raises(accounts.AccountError, match="already a member"):
            members.invite(
                conn, pid, "ana@example.com", "MEMBER", acting_role="OWNER", link_ttl=DAY
            )
        with pytest.raises(accounts.AccountError, match="only owners and admins"):
            members.set_role(conn, pid, ana, "ADMIN", acting_role="MEMBER")
        with pytest.raises(accounts.AccountError, match="only an owner"):
            members.set_role(conn, pid, ana, "OWNER", acting_role="ADMIN")
        with pytest.raises(accounts.AccountError, match="at least one owner"):
            members.set_role(conn, pid, owner.id, "ADMIN", acting_role="OWNER")
        members.set_role(conn, pid, ana, "OWNER", acting_role="OWNER")
        members.set_role(conn, pid, owner.id, None, acting_role="OWNER")  # ana owns it now
        assert accounts.project_role(conn, owner.id, pid) is None
        # An existing user joins another project without a new link.
        other = create_project(conn, "other").id
        again = members.invite(
            conn, other, "ana@example.com", "MEMBER", acting_role="OWNER", link_ttl=DAY
        )
        assert again.login_token is None and accounts.project_role(conn, ana, other) == "MEMBER"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path: Path = tmp_path_factory.mktemp("members") / "ia.db"
    srv = start_server(
        f"sqlite:///{path}",
        {
            "INTERACTIVEAI_INIT_USER_EMAIL": "owner@example.com",
            "INTERACTIVEAI_INIT_USER_PASSWORD": PASSWORD,
        },
    )
    yield srv
    srv.stop()


def _login(server: LiveServer, email: str) -> httpx.Client:
    return password_login(server, email, PASSWORD)


def test_an_owner_adds_a_viewer_who_logs_in_with_the_link_and_cannot_manage(
    server: LiveServer,
) -> None:
    base = f"/project/{project_id(server)}"
    with closing(_login(server, "owner@example.com")) as owner:
        page = owner.get(f"{base}/members").text
        added = owner.post(
            f"{base}/members",
            data={"csrf_token": csrf_token(page), "email": "vi@example.com", "role": "VIEWER"},
        )
        assert added.status_code == 200 and "Added vi@example.com as viewer" in added.text
        found = re.search(
            r'<code class="mono" id="invite-link">[^<]*(/login/link/[^<]+)</code>', added.text
        )
        assert found
        link = found.group(1)
        assert (
            owner.post(
                f"{base}/members",
                data={"csrf_token": csrf_token(page), "email": "vi@example.com", "role": "MEMBER"},
            ).status_code
            == 400
        )
    # The new person follows the link, sets a password, and sees the project read-only.
    with httpx.Client(base_url=server.url) as vi:
        landing = vi.get(link)
        assert landing.status_code == 200
        assert (
            vi.post(
                "/login/link",
                data={"csrf_token": csrf_token(landing.text), "token": link.rsplit("/", 1)[1]},
            ).status_code
            == 303
        )
        account = vi.get("/account").text
        saved = vi.post(
            "/account",
            data={
                "csrf_token": csrf_token(account),
                "email": "vi@example.com",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
        assert saved.status_code in (200, 303)
    with closing(_login(server, "vi@example.com")) as vi:
        page = vi.get(f"{base}/members").text
        assert "vi@example.com" in page and "invite-form" not in page and "role-form" not in page
        refused = vi.post(
            f"{base}/members",
            data={"csrf_token": csrf_token(page), "email": "x@example.com", "role": "OWNER"},
        )
        assert refused.status_code == 403 and "only owners and admins" in refused.text
    # The owner promotes, then removes them.
    with closing(_login(server, "owner@example.com")) as owner:
        page = owner.get(f"{base}/members").text
        vi_id = re.search(
            r'data-email="vi@example.com">.*?name="user_id" value="([^"]+)"', page, re.S
        )
        assert vi_id
        data = {"csrf_token": csrf_token(page), "user_id": vi_id.group(1)}
        changed = owner.post(f"{base}/members/role", data={**data, "role": "ADMIN"})
        assert changed.status_code == 200
        assert re.search(r'data-email="vi@example.com">.*?badge role">admin<', changed.text, re.S)
        removed = owner.post(f"{base}/members/role", data={**data, "role": "REMOVE"})
        assert "vi@example.com" not in removed.text
    with closing(_login(server, "vi@example.com")) as vi:
        assert vi.get(f"{base}/sessions").status_code == 404
