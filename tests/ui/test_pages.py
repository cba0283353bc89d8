"""Every page over plain HTTP on both databases: login by link, pages render, projects switch."""

from __future__ import annotations

import httpx

from interactiveai.server.store import accounts
from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.projects import create_project
from tests.server.otel import otel_tracer
from tests.support.server import LiveServer
from tests.ui.conftest import csrf_token, login_path, project_id


def _login(server: LiveServer) -> httpx.Client:
    c = httpx.Client(base_url=server.url)
    page = c.get(login_path(server))
    assert page.status_code == 200
    token = login_path(server).rsplit("/", 1)[1]
    r = c.post("/login/link", data={"csrf_token": csrf_token(page.text), "token": token})
    assert r.status_code == 303 and r.headers["location"] == "/account?welcome=1"
    return c


def test_pages_render_on_both_databases(live_server: LiveServer) -> None:
    with otel_tracer(live_server) as tracer:
        for turn in range(3):
            with tracer.start_as_current_span(f"turn-{turn}") as root:
                root.set_attribute("session.id", "s/1?x#y")  # an id that needs quoting
                root.set_attribute("user.id", "user-a")
                root.set_attribute("langfuse.trace.tags", ["vip"])
                root.set_attribute("input.value", '[{"role": "user", "content": "hi"}]')
                trace_id = format(root.get_span_context().trace_id, "032x")
                with tracer.start_as_current_span("llm") as llm:
                    llm.set_attribute("gen_ai.request.model", "gpt-4o-mini")
                    llm.set_attribute("gen_ai.usage.input_tokens", 100)
                    llm.set_attribute("gen_ai.usage.output_tokens", 20)
                    llm.set_attribute("gen_ai.usage.cost", 0.5)
    pid = project_id(live_server)
    c = _login(live_server)
    base = f"/project/{pid}"
    session_path = base + "/sessions/s%2F1%3Fx%23y"
    for path, must in [
        (base + "/sessions", "s/1?x#y"),
        (base + "/sessions?env=default&user=user-a&tag=vip&q=1&traces_min=3&sort=totalCost.asc", "s/1?x#y"),
        (session_path, "turn-2"),
        (f"{base}/session-traces?id=s%2F1%3Fx%23y&page=1", "turn-0"),
        (f"{base}/traces/{trace_id}", "gpt-4o-mini"),
        (base + "/users", "user-a"),
        (base + "/users?q=user", "user-a"),
    ]:  # fmt: skip
        r = c.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert must in r.text, path
    assert c.get(f"{base}/traces/{trace_id}/raw/input").text.startswith("[")
    export = c.get(f"{base}/session-export?id=s%2F1%3Fx%23y")
    assert export.json()["id"] == "s/1?x#y"
    assert "attachment" in export.headers["content-disposition"]
    assert c.get(base + "/sessions/unknown").status_code == 404

    # A second project the owner belongs to brings the project switcher.
    engine = make_engine(live_server.database_url)
    with engine.begin() as conn:
        other = create_project(conn, "Second project")
        owner = accounts.list_users(conn)[0]
        accounts.add_member(conn, other.id, owner.id)
        create_project(conn, "Not mine")
    engine.dispose()
    page = c.get(base + "/sessions").text
    assert "switcher" in page and "Second project" in page and "Not mine" not in page
    assert c.get(f"/project/{other.id}/sessions").status_code == 200
    c.close()
