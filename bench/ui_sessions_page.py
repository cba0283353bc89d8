"""Time the web UI's sessions list page over 50,000 sessions (real server, logged-in browser).

    python bench/ui_sessions_page.py [--db sqlite|postgresql] [--sessions 50000] [--keep PATH]

Generates the data like bench/sessions_page.py (the real write path), starts `interactiveai
serve`, logs in with a password, then GETs the list page (query + template render + HTTP) under
several sorts and filters. Prints p50/p95 in milliseconds and the page size.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import re
import statistics
import tempfile
import time

import httpx
from tests.support.server import start_server

from bench.sessions_page import generate
from bench.support import database, percentile
from interactiveai.server.bootstrap import prepare_database
from interactiveai.server.settings import Settings
from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.projects import list_projects

PASSWORD = "bench-password"
CASES: list[tuple[str, str]] = [
    ("default (newest first)", ""),
    ("sort totalCost.desc", "sort=totalCost.desc"),
    ("sort duration.desc", "sort=duration.desc"),
    ("sort inputCost.desc (no index)", "sort=inputCost.desc"),
    ("env=staging", "env=staging"),
    ("user=user-42", "user=user-42"),
    ("tag=vip", "tag=vip"),
    ("cost_min=0.005", "cost_min=0.005"),
    ("range=7d", "range=7d"),
    ("page 500", "page=500"),
    ("limit=100", "limit=100"),
]


def login(client: httpx.Client) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    r = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": "owner@localhost", "password": PASSWORD},
    )
    if r.status_code != 303:
        raise SystemExit(f"login failed: {r.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="SQLite file to reuse between runs")
    args = parser.parse_args()
    path = args.keep or Path(tempfile.mkdtemp(prefix="ia-bench-")) / "sessions.db"
    with database(args.db, path) as url:
        if args.db == "sqlite" and args.keep and path.exists():
            print(f"reusing {path}")
            engine = make_engine(url)
            prepare_database(engine, Settings.from_env(env={}))
            with engine.connect() as conn:
                project = list_projects(conn)[0].id
            engine.dispose()
        else:
            print(f"generating {args.sessions} sessions on {args.db} ...", flush=True)
            project = generate(url, args.sessions)
        server = start_server(
            url,
            {"INTERACTIVEAI_LOG_LEVEL": "warning", "INTERACTIVEAI_INIT_USER_PASSWORD": PASSWORD},
        )
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                login(client)
                print(f"\n{'sessions list page':34} {'p50':>7} {'p95':>7} {'kB':>6}  (ms)")
                for label, query in CASES:
                    times: list[float] = []
                    size = 0
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        r = client.get(f"/project/{project}/sessions?{query}")
                        times.append((time.perf_counter() - t) * 1000)
                        r.raise_for_status()
                        size = len(r.content)
                    print(
                        f"{label:34} {statistics.median(times):7.1f} "
                        f"{percentile(times, 95):7.1f} {size / 1000:6.0f}"
                    )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
