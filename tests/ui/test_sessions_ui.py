"""The sessions list, the session replay, the trace view and annotations, in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Page, expect

from tests.support.server import LiveServer
from tests.ui.conftest import project_id
from tests.ui.data import BIG_SESSION_TRACES, XSS, XSS_IMG, XSS_SCRIPT, XSS_SESSION, Sent

Server = tuple[LiveServer, Sent]


def _base(ui_server: Server) -> str:
    server, _ = ui_server
    return f"{server.url}/project/{project_id(server)}"


def _row(page: Page, session_id: str) -> object:
    return page.locator(f"tr[data-session-id='{session_id}']")


def _ids(page: Page) -> list[str]:
    return page.locator("table.sessions-table tbody tr[data-session-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.sessionId)"
    )


def test_list_shows_every_property_with_correct_figures(ui: Page, ui_server: Server) -> None:
    ui.goto(_base(ui_server) + "/sessions")
    headers = ui.locator("table.sessions-table thead th").all_inner_texts()
    for name in [
        "ID", "Created at", "Duration", "Environment", "User IDs", "Traces", "Input cost",
        "Output cost", "Total cost", "Input tokens", "Output tokens", "Total tokens", "Usage",
        "Trace tags", "Scores",
    ]:  # fmt: skip
        assert any(h.startswith(name) for h in headers), (name, headers)
    cells = ui.locator("tr[data-session-id='ticket-2611'] td").all_inner_texts()
    # star, id, created, duration, env, users, traces, in/out/total cost, in/out/total tokens,
    # usage, tags, scores
    assert cells[1].startswith("ticket-2611") and "1 err" in cells[1]
    assert cells[3] == "13m 01s"  # first turn at 0 s, last ends 1 s after 780 s
    assert cells[4] == "production"
    assert cells[5] == "user-a"
    assert cells[6:13] == ["3", "$0.0300", "$0.0600", "$0.0900", "300", "60", "360"]
    assert "gpt-4o-mini" in cells[13]
    tags = ui.locator("tr[data-session-id='ticket-2611'] td.tags .chip").all_inner_texts()
    assert sorted(tags) == ["shipping", "support"]
    staging = ui.locator("tr[data-session-id='ticket-2612'] td").all_inner_texts()
    assert staging[4] == "staging" and staging[9] == "$2.00" and staging[12] == "1,515"
    # Times in the viewer's zone (Paris, UTC+1 in March), UTC on hover.
    created = ui.locator("tr[data-session-id='ticket-2611'] time")
    expect(created).to_contain_text("10:00:00")
    assert created.get_attribute("title") == "2025-03-01 09:00:00 UTC"


def test_sort_and_filter_live_in_the_url(ui: Page, ui_server: Server) -> None:
    base = _base(ui_server)
    ui.goto(base + "/sessions")
    ui.click("th >> text=Total cost")
    expect(ui).to_have_url(re.compile(r"sort=totalCost\.desc"))
    assert _ids(ui)[0] == "ticket-2612"
    ui.click("th >> text=Total cost")
    expect(ui).to_have_url(re.compile(r"sort=totalCost\.asc"))
    assert _ids(ui)[-1] == "ticket-2612"
    ui.click("th >> text=Traces")
    assert _ids(ui)[0] == "big"
    # Columns of several values sort too, A to Z first (by first user id, tag, biggest model).
    for label, key in [("User IDs", "userIds"), ("Trace tags", "tags"), ("Usage", "usage")]:
        ui.click(f"th >> text={label}")
        expect(ui).to_have_url(re.compile(rf"sort={key}\.asc"))
        expect(ui.locator(f"th[aria-sort=ascending] >> text={label}")).to_be_visible()

    ui.select_option("select[name=env]", "staging")
    ui.click("button:has-text('Apply')")
    expect(ui).to_have_url(re.compile(r"env=staging"))
    assert _ids(ui) == ["ticket-2612"]
    url = ui.url
    ui.goto(url)  # a shared link reproduces the view
    assert _ids(ui) == ["ticket-2612"]

    for query, expected in [
        ("user=user-a", ["ticket-2611"]),
        ("tag=shipping", ["ticket-2611"]),
        ("q=2611", ["ticket-2611"]),
        ("traces_min=40", ["big"]),
        ("cost_min=1", ["ticket-2612"]),
        ("tokens_max=200", [XSS_SESSION]),
        ("duration_min=600", ["ticket-2611"]),
        ("from=2025-03-01T10:30:00Z&sort=id.asc", ["big", XSS_SESSION]),
        ("range=24h", []),
    ]:
        ui.goto(f"{base}/sessions?{query}")
        assert _ids(ui) == expected, query
    # A filter chip removes its filter.
    ui.goto(f"{base}/sessions?user=user-a&tag=support")
    ui.click("li.filter-chip:has-text('user') a")
    expect(ui).not_to_have_url(re.compile("user=user-a"))
    assert _ids(ui) == ["ticket-2611"]
    # Bad input is reported, not a crash.
    ui.goto(f"{base}/sessions?cost_min=lots")
    expect(ui.locator(".alert.error")).to_contain_text("cost_min")


def test_pagination_and_keyboard(ui: Page, ui_server: Server) -> None:
    ui.goto(_base(ui_server) + "/sessions?limit=25&sort=id.asc")
    expect(ui.locator(".pager")).to_contain_text("1–4 of 4")
    expect(ui.locator(".pager")).to_contain_text("Page 1 of 1")
    ui.keyboard.press("/")
    expect(ui.locator("#search")).to_be_focused()
    ui.keyboard.press("Escape")
    ui.keyboard.press("j")
    expect(ui.locator("a.session-link").first).to_be_focused()
    theme = ui.evaluate("document.documentElement.dataset.theme")
    ui.keyboard.press("t")
    assert ui.evaluate("document.documentElement.dataset.theme") != theme
    ui.keyboard.press("t")


def test_session_replay_traces_in_order_with_chat(ui: Page, ui_server: Server) -> None:
    ui.goto(_base(ui_server) + "/sessions")
    ui.click("a.session-link:has-text('ticket-2611')")
    expect(ui.locator("h1#session-id")).to_have_text("ticket-2611")
    names = ui.locator(".trace-card .trace-name").all_inner_texts()
    assert names == ["support-inquiry", "support-followup", "support-escalation"]
    first = ui.locator(".trace-card").nth(0)
    expect(first.locator(".msg.role-system")).to_contain_text("helpful support agent")
    expect(first.locator(".msg.role-user")).to_contain_text("My order #12345")
    expect(first.locator(".part.tool-call")).to_contain_text("lookup_order")
    # History is folded on later turns; the newest messages show.
    second = ui.locator(".trace-card").nth(1)
    expect(second.locator("details.history summary")).to_have_text("2 earlier messages")
    expect(second.locator("[data-io=output] .msg.role-assistant")).to_contain_text("escalated")
    # The 12-minute pause is marked, and the failed turn stands out with a null output.
    expect(ui.locator(".gap")).to_have_count(1)
    expect(ui.locator(".gap")).to_contain_text("11m 59s later")
    third = ui.locator(".trace-card").nth(2)
    expect(third).to_have_class(re.compile("has-error"))
    expect(third.locator("[data-io=output] .null")).to_have_text("null")
    # Summary: every aggregate.
    facts = ui.locator(".facts").inner_text()
    for text in ["13m 01s", "production", "user-a", "$0.0900", "360", "shipping", "support"]:
        assert text in facts
    expect(ui.locator(".usage-table")).to_contain_text("gpt-4o-mini")
    # Cards fold and unfold.
    summary = first.locator("summary").first
    summary.click()
    expect(first.locator(".card-body")).to_be_hidden()
    summary.click()
    expect(first.locator(".card-body")).to_be_visible()
    ui.click("#collapse-all")
    expect(ui.locator(".trace-card .card-body:visible")).to_have_count(0)
    ui.click("#expand-all")
    expect(ui.locator(".trace-card .card-body:visible")).to_have_count(3)
    # Hooks for the translation feature.
    expect(ui.locator("button#translate-toggle")).to_have_attribute("aria-pressed", "false")
    assert ui.locator(".trace-card[data-trace-id] [data-translatable]").count() > 3


def test_other_message_shapes(ui: Page, ui_server: Server) -> None:
    ui.goto(_base(ui_server) + "/sessions/ticket-2612")
    first = ui.locator(".trace-card").nth(0)
    expect(first.locator(".msg.role-system")).to_contain_text("Be brief.")  # Anthropic
    expect(first.locator(".part.tool-call")).to_contain_text("refund")
    second = ui.locator(".trace-card").nth(1)
    expect(second.locator(".msg.role-assistant")).to_contain_text("You're welcome.")  # GenAI


def test_big_session_pages_in_and_a_1mb_output_is_cut(ui: Page, ui_server: Server) -> None:
    ui.goto(_base(ui_server) + "/sessions/big")
    expect(ui.locator(".trace-card")).to_have_count(20)
    for _ in range(6):
        ui.mouse.wheel(0, 50_000)
        ui.wait_for_timeout(150)
    expect(ui.locator(".trace-card")).to_have_count(BIG_SESSION_TRACES)
    names = ui.locator(".trace-card .trace-name").all_inner_texts()
    assert names == [f"turn-{i:02d}" for i in range(BIG_SESSION_TRACES)]
    big = ui.locator(".trace-card").nth(1).locator("[data-io=output]")
    preview = big.locator(".raw-preview")
    assert len(preview.inner_text()) < 10_000
    big.locator("button.show-all").click()
    expect(big.locator(".truncated-note")).to_have_count(0)
    assert len(preview.evaluate("el => el.textContent")) == 1_000_000


def test_annotate_a_session_and_see_it_in_the_api(ui: Page, ui_server: Server) -> None:
    server, _ = ui_server
    ui.goto(_base(ui_server) + "/sessions/ticket-2611")
    ui.click("#annotations > summary")
    form = ui.locator("form.score-form")
    form.locator("input[name=name]").fill("resolved")
    form.locator("select[name=data_type]").select_option("NUMERIC")
    form.locator("input[name=value]").fill("0.75")
    form.locator("input[name=comment]").fill("customer happy")
    form.locator("button[type=submit]").click()
    expect(ui.locator(".scores-table")).to_contain_text("resolved")
    expect(ui.locator(".facts")).to_contain_text("0.75")
    ui.fill("form.comment-form textarea", "Carrier confirmed the delay.")
    ui.click("form.comment-form button[type=submit]")
    expect(ui.locator(".comments")).to_contain_text("Carrier confirmed the delay.")
    # A refused value is explained in the form.
    form.locator("input[name=name]").fill("bad")
    form.locator("input[name=value]").fill("not-a-number")
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-error")).to_contain_text("not a number")

    session = server.get("/api/public/sessions/ticket-2611")
    [score] = session["scores"]
    assert (score["name"], score["value"], score["source"]) == ("resolved", 0.75, "ANNOTATION")
    assert score["comment"] == "customer happy"
    notes = server.get("/api/public/comments", objectType="SESSION", objectId="ticket-2611")
    assert [c["content"] for c in notes["data"]] == ["Carrier confirmed the delay."]
    # The list shows the session score and can filter and sort on it.
    ui.goto(_base(ui_server) + "/sessions?score=resolved>=0.5")
    assert _ids(ui) == ["ticket-2611"]
    expect(_row(ui, "ticket-2611").locator("td.scores")).to_contain_text("resolved 0.75")
    ui.goto(_base(ui_server) + "/sessions?score=resolved<0.5")
    assert _ids(ui) == []


def test_bookmark(ui: Page, ui_server: Server) -> None:
    server, _ = ui_server
    base = _base(ui_server)
    ui.goto(base + "/sessions")
    star = _row(ui, "ticket-2612").locator("button.star")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    assert server.get("/api/public/sessions/ticket-2612")["bookmarked"] is True
    ui.goto(base + "/sessions?bookmarked=1")
    assert _ids(ui) == ["ticket-2612"]
    ui.goto(base + "/sessions/ticket-2612")
    ui.click("#bookmark-toggle")
    expect(ui.locator("#bookmark-toggle")).to_have_attribute("aria-pressed", "false")
    assert server.get("/api/public/sessions/ticket-2612")["bookmarked"] is False


def _add_score(ui: Page, name: str, data_type: str, value: str) -> None:
    """Fill the open annotations panel's score form and see the score listed."""
    form = ui.locator("form.score-form")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=data_type]").select_option(data_type)
    form.locator("input[name=value]").fill(value)
    form.locator("button[type=submit]").click()
    expect(ui.locator(".scores-table")).to_contain_text(name)


def test_trace_tree_and_annotation(ui: Page, ui_server: Server) -> None:
    server, sent = ui_server
    ui.goto(_base(ui_server) + "/sessions/ticket-2611")
    ui.locator(".trace-card").nth(2).locator("a.open-trace").click()
    expect(ui.locator("h1.trace-title")).to_have_text("support-escalation")
    rows = ui.locator("#observation-tree .tree-row")
    expect(rows).to_have_count(4)  # the trace itself, then span > generation, tool
    assert rows.nth(1).get_attribute("class").split()[1] == "d0"
    assert "d1" in rows.nth(2).get_attribute("class").split()
    expect(ui.locator("#observation-tree svg.bar rect")).to_have_count(3)
    generation = ui.locator(".tree-row:has(.t-generation) a")
    generation.click()
    expect(ui.locator("#detail")).to_contain_text("gpt-4o-mini")
    expect(ui.locator("#detail .alert.error")).to_contain_text("upstream model timeout")
    expect(ui.locator("#detail")).to_contain_text("120")  # tokens
    trace_id = sent.trace_ids["ticket-2611"][2]
    # With an observation selected, the annotations are that observation's.
    ui.click("#annotations > summary")
    expect(ui.locator("#annotations h2")).to_contain_text("on ")
    ui.locator("form.comment-form textarea").fill("Timeout came from the model, not us")
    ui.locator("form.comment-form button[type=submit]").click()
    expect(ui.locator("#annotations .comments")).to_contain_text("not us")
    _add_score(ui, "blame", "CATEGORICAL", "upstream")
    obs_id = ui.locator(".tree-row:has(.t-generation)").get_attribute("data-observation-id")
    notes = server.get("/api/public/comments", objectType="OBSERVATION")["data"]
    assert [(c["objectId"], c["content"]) for c in notes] == [
        (obs_id, "Timeout came from the model, not us")
    ]
    blame = server.get(f"/api/public/traces/{trace_id}")["scores"]
    assert [(s["name"], s["observationId"]) for s in blame] == [("blame", obs_id)]
    # Back on the trace: its own panel, where the trace gets a score.
    ui.click(".tree-row.trace-row a")
    expect(ui.locator("#annotations .comments")).to_have_count(0)
    # It lists its observations' scores too, so it opens by itself.
    expect(ui.locator("#annotations")).to_have_attribute("open", "")
    expect(ui.locator(".scores-table")).to_contain_text("blame")
    # Score the trace; it shows at once and through the API.
    _add_score(ui, "helpful", "BOOLEAN", "false")
    scores = server.get(f"/api/public/traces/{trace_id}")["scores"]
    assert [(s["name"], s["stringValue"]) for s in scores if s["observationId"] is None] == [
        ("helpful", "False")
    ]
    ui.click("#back-to-session")
    expect(ui).to_have_url(re.compile(r"/sessions/ticket-2611"))
    chips = ui.locator(".trace-card").nth(2).locator(".chip.score")
    expect(chips.filter(has_text="helpful")).to_be_visible()
    expect(chips.filter(has_text="blame")).to_be_visible()  # the observation's shows there too


def test_users_page_links_to_filtered_list(ui: Page, ui_server: Server) -> None:
    ui.goto(_base(ui_server) + "/users")
    users = ui.locator("a.user-link").all_inner_texts()
    expect(ui.locator("#user-count")).to_have_text(str(len(users)))
    expect(ui.locator(".pager")).to_contain_text("Page 1 of 1")
    ui.goto(_base(ui_server) + "/users?q=user-c")
    expect(ui.locator("#user-count")).to_have_text("1")
    ui.goto(_base(ui_server) + "/users")
    row = ui.locator("tr:has(a.user-link:text-is('user-c'))")
    assert row.locator("td").all_inner_texts()[1:7] == ["1", "45", "450", "450", "900", "$0.0900"]
    row.locator("a.user-link").click()
    expect(ui).to_have_url(re.compile(r"sessions\?user=user-c"))
    assert _ids(ui) == ["big"]


def test_untrusted_text_never_runs(ui: Page, ui_server: Server) -> None:
    base = _base(ui_server)
    ui.goto(base + "/sessions")
    link = ui.locator("a.session-link", has_text="xss-")
    expect(link).to_have_text(XSS_SESSION)
    link.click()
    expect(ui.locator("h1#session-id")).to_have_text(XSS_SESSION)
    expect(ui.locator(".trace-name")).to_have_text(XSS)
    expect(ui.locator(".trace-card [data-io=input]")).to_contain_text(XSS_SCRIPT)
    expect(ui.locator(".chip.tag", has_text=XSS_IMG).first).to_be_visible()
    ui.click(".trace-card details.metadata summary")
    expect(ui.locator(".trace-card details.metadata pre")).to_contain_text(XSS_SCRIPT)
    assert ui.locator("img").count() == 0
    assert ui.evaluate("typeof window.__xss") == "undefined"
    ui.locator("a.open-trace").click()
    expect(ui.locator("h1.trace-title")).to_have_text(XSS)
    assert ui.evaluate("typeof window.__xss") == "undefined"
    for path in (
        "/sessions",
        "/users",
        "/sessions?q=" + quote("<script>"),
        "/sessions?tag=" + quote(XSS_IMG),
    ):
        ui.goto(base + path)
        assert ui.locator("img").count() == 0
        assert ui.evaluate("typeof window.__xss") == "undefined", path


def test_download_and_delete(ui: Page, ui_server: Server) -> None:
    server, _ = ui_server
    base = _base(ui_server)
    ui.goto(base + "/sessions/ticket-2612")
    with ui.expect_download() as info:
        ui.click("#download-json")
    document = json.loads(Path(info.value.path()).read_text())
    assert document["id"] == "ticket-2612"
    assert len(document["traces"]) == 2
    ui.click("#delete-session")
    ui.click("#confirm-delete")
    expect(ui).to_have_url(re.compile(r"/sessions$"))
    assert "ticket-2612" not in _ids(ui)
    with httpx.Client(base_url=server.url, auth=(server.public_key, server.secret_key)) as c:
        assert c.get("/api/public/sessions/ticket-2612").status_code == 404


def test_score_configs_are_offered(ui: Page, ui_server: Server) -> None:
    server, _ = ui_server
    with server.client() as c:
        r = c.post(
            "/api/public/score-configs",
            json={
                "name": "tone",
                "dataType": "CATEGORICAL",
                "categories": [{"label": "friendly", "value": 1}, {"label": "rude", "value": 0}],
            },
        )
        assert r.status_code == 200, r.text
    ui.goto(_base(ui_server) + "/sessions/big")
    ui.click("#annotations > summary")
    form = ui.locator("form.score-form")
    form.locator("select[name=config_id]").select_option(label="tone (categorical)")
    expect(form.locator("input[name=name]")).to_have_value("tone")
    expect(form.locator("input[name=value]")).to_have_attribute("placeholder", "friendly, rude")
    form.locator("input[name=value]").fill("rude")
    form.locator("button[type=submit]").click()
    expect(ui.locator(".scores-table")).to_contain_text("rude")
    [score] = server.get("/api/public/sessions/big")["scores"]
    assert (score["name"], score["stringValue"], score["value"]) == ("tone", "rude", 0)
    assert score["configId"] == r.json()["id"]


def test_pin_a_cohort_and_compare_it_with_another(ui: Page, ui_server: Server) -> None:
    base = _base(ui_server)
    ui.goto(f"{base}/sessions?env=staging")
    expect(ui.locator("#cohorts")).to_have_count(0)
    staging = ui.locator("h1 .count").inner_text()  # other tests may have deleted sessions
    ui.click("#pin")
    expect(ui).to_have_url(re.compile(r"cmp=env%3Dstaging"))
    # Change the view (Reset keeps the pin): all sessions against the staging cohort.
    ui.click("a.btn:has-text('Reset')")
    total = ui.locator("h1 .count").inner_text()
    counts = ui.locator("#cohorts td[data-metric=sessions]")
    expect(counts).to_have_text([staging, total])
    expect(ui.locator("#cohorts thead")).to_contain_text("env=staging")
    expect(ui.locator("#cohorts thead")).to_contain_text("all sessions")
    # Filters and sorting keep the pin; unpinning ends the comparison.
    ui.click("th >> text=Total cost")
    expect(ui.locator("#cohorts")).to_be_visible()
    ui.click("#unpin")
    expect(ui.locator("#cohorts")).to_have_count(0)
    expect(ui).not_to_have_url(re.compile("cmp="))
    # A pinned filter comes from the URL: shown as text, never run.
    payload = quote("q=<script>window.__cmp=1</script>", safe="")
    ui.goto(f"{base}/sessions?cmp={payload}")
    expect(ui.locator("#cohorts thead")).to_contain_text("q=<script>window.__cmp=1</script>")
    assert ui.evaluate("window.__cmp") is None
