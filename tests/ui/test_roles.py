"""Project roles in the UI: viewers only read, members annotate, owners and admins delete."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from interactiveai.server.store import accounts
from interactiveai.server.store.engine import make_engine
from tests.support.server import LiveServer, start_server
from tests.ui.conftest import csrf_token, password_login, project_id

PASSWORD = "correct horse battery staple"
SESSION = "s-roles"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path: Path = tmp_path_factory.mktemp("roles") / "ia.db"
    srv = start_server(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for role in ("VIEWER", "MEMBER", "ADMIN"):
            accounts.create_user(conn, f"{role.lower()}@example.com", password=PASSWORD, role=role)
    engine.dispose()
    with srv.client() as c:
        event = {
            "id": "e1",
            "type": "trace-create",
            "timestamp": "2026-01-01T00:00:00Z",
            "body": {"id": "t-roles", "sessionId": SESSION, "name": "turn"},
        }
        assert c.post("/api/public/ingestion", json={"batch": [event]}).status_code == 207
    yield srv
    srv.stop()


def _login(server: LiveServer, role: str) -> httpx.Client:
    return password_login(server, f"{role}@example.com", PASSWORD)


def test_a_viewer_reads_but_changes_nothing(server: LiveServer) -> None:
    base = f"/project/{project_id(server)}"
    with closing(_login(server, "viewer")) as c:
        page = c.get(f"{base}/sessions/{SESSION}")
        assert page.status_code == 200 and SESSION in page.text
        # No forms that would be refused.
        for form in ("delete-session", "score-form", "comment-form", "bookmark-form"):
            assert form not in page.text
        token = csrf_token(c.get("/account").text)
        for action, data in [
            ("bookmark", {"session_id": SESSION}),
            ("comments", {"object_type": "SESSION", "object_id": SESSION, "content": "hi"}),
            ("scores", {"target": "session", "target_id": SESSION, "name": "x", "value": "1"}),
            ("delete-session", {"session_id": SESSION}),
        ]:
            answer = c.post(f"{base}/{action}", data={"csrf_token": token, **data})
            assert answer.status_code == 403, action
            assert "Your role in this project (viewer) may not" in answer.text
        refused = c.post(
            f"{base}/comments",
            data={"csrf_token": token, "object_type": "SESSION", "object_id": SESSION},
            headers={"Accept": "application/json"},
        )
        assert refused.status_code == 403 and "viewer" in refused.json()["message"]
    session = server.get(f"/api/public/sessions/{SESSION}")
    assert session["bookmarked"] is False
    assert server.get("/api/public/comments", objectId=SESSION)["data"] == []


def test_a_member_annotates_but_does_not_delete(server: LiveServer) -> None:
    base = f"/project/{project_id(server)}"
    with closing(_login(server, "member")) as c:
        page = c.get(f"{base}/sessions/{SESSION}").text
        assert "comment-form" in page and "bookmark-form" in page
        assert "delete-session" not in page
        token = csrf_token(page)
        data = {"csrf_token": token, "object_type": "SESSION", "object_id": SESSION}
        assert c.post(f"{base}/comments", data={**data, "content": "ok"}).status_code == 303
        answer = c.post(f"{base}/delete-session", data={"csrf_token": token, "session_id": SESSION})
        assert answer.status_code == 403 and "(member) may not delete" in answer.text
    assert [n["content"] for n in server.get("/api/public/comments", objectId=SESSION)["data"]] == [
        "ok"
    ]
    assert server.get(f"/api/public/sessions/{SESSION}")["id"] == SESSION


def test_an_admin_may_delete(server: LiveServer) -> None:
    base = f"/project/{project_id(server)}"
    with closing(_login(server, "admin")) as c:
        page = c.get(f"{base}/sessions/{SESSION}").text
        assert "delete-session" in page
        answer = c.post(
            f"{base}/delete-session", data={"csrf_token": csrf_token(page), "session_id": SESSION}
        )
        assert answer.status_code == 303
    with server.client() as api:
        assert api.get(f"/api/public/sessions/{SESSION}").status_code == 404
