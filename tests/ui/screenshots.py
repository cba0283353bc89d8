"""Regenerate the UI screenshots under docs/screenshots/ from a demo data set.

    python -m tests.ui.screenshots

Starts a real server on a temporary SQLite file, sends a small support-desk data set through
the SDK, logs in with Chromium and saves the sessions list, a session replay and a trace page
(light and dark).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.server import start_server
from tests.ui.conftest import login_with_link, project_id
from tests.ui.data import ManualClock, client, send_all, turn

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTIONS = [
    "Where is my parcel?",
    "Can I change the delivery address?",
    "The app crashes when I pay",
    "How do I get an invoice?",
    "I was charged twice",
    "Cancel my subscription please",
]


def demo(server: object) -> None:
    """The sample data plus a few dozen ordinary sessions with scores."""
    send_all(server)  # type: ignore[arg-type]
    rng = random.Random(7)
    clock = ManualClock()
    for env in ("production", "staging"):
        ia = client(server, clock, env)  # type: ignore[arg-type]
        for s in range(9 if env == "production" else 4):
            sid = f"ticket-{2700 + s + (0 if env == 'production' else 50)}"
            user = f"user-{rng.choice('defghij')}"
            for t in range(rng.randrange(1, 6)):
                clock.at(20_000 + s * 900 + t * rng.choice((30, 45, 400)))
                q = rng.choice(QUESTIONS)
                turn(
                    ia,
                    name="support-turn",
                    session_id=sid,
                    user_id=user,
                    messages=[{"role": "user", "content": q}],
                    answer={"role": "assistant", "content": f"Happy to help with: {q.lower()}"},
                    model=rng.choice(["gpt-4o-mini", "gpt-4o", "claude-sonnet-4"]),
                    usage=(rng.randrange(200, 3000), rng.randrange(50, 600)),
                    cost=(rng.randrange(1, 300) / 10_000, rng.randrange(1, 900) / 10_000),
                    tags=rng.sample(["support", "billing", "shipping", "refund", "vip"], 2),
                )
            ia.create_score(name="resolved", value=rng.choice([0.0, 1.0, 1.0]), session_id=sid)
            ia.create_score(name="csat", value=float(rng.randrange(2, 6)), session_id=sid)
        if env == "production":
            ia.create_score(
                name="resolved", value=0.0, session_id="ticket-2611", comment="escalated to carrier"
            )
            ia.create_score(name="csat", value=2.0, session_id="ticket-2611")
        ia.flush()
        ia.shutdown()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(f"sqlite:///{tmp}/demo.db")
        try:
            demo(server)
            base = f"{server.url}/project/{project_id(server)}"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1600, "height": 960})
                login_with_link(page, server)
                for theme in ("light", "dark"):
                    page.evaluate(f"localStorage.setItem('ia-theme', '{theme}')")
                    suffix = "" if theme == "light" else "-dark"
                    page.goto(base + "/sessions?sort=createdAt.desc")
                    page.screenshot(path=str(OUT / f"sessions-list{suffix}.png"))
                    page.goto(base + "/sessions/ticket-2611")
                    page.screenshot(path=str(OUT / f"session-detail{suffix}.png"))
                page.evaluate("localStorage.setItem('ia-theme', 'light')")
                page.goto(base + "/sessions/ticket-2611")
                page.locator(".trace-card").nth(0).locator("a.open-trace").click()
                page.locator(".tree-row:has(.t-generation) a").click()
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(OUT / "trace.png"))
                browser.close()
        finally:
            server.stop()
    print("\n".join(str(p) for p in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
