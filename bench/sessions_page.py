"""Time one page of 50 sessions over 50,000 sessions / 1,000,000 observations.

    python bench/sessions_page.py [--db sqlite|postgresql] [--sessions 50000] [--keep PATH]

Generates the data in-process through the real write path (apply_records, so rollups are
the real ones), then times `list_sessions` in-process under each sort and a few filters,
and the same over HTTP against a real server. Prints p50/p95 in milliseconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from tests.support.server import PUBLIC_KEY, SECRET_KEY, start_server

from bench.support import database, percentile
from interactiveai.server.bootstrap import prepare_database
from interactiveai.server.ingest.apply import apply_records
from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.settings import Settings
from interactiveai.server.store import queries
from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.projects import list_projects

TRACES_PER_SESSION = 4
OBS_PER_TRACE = 5
MODELS = ["gpt-4o-mini", "gpt-4o", "claude-sonnet-4", "gemini-2.0-flash"]
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def generate(url: str, n_sessions: int) -> str:
    engine = make_engine(url)
    prepare_database(
        engine, Settings.from_env(env={}, init_public_key=PUBLIC_KEY, init_secret_key=SECRET_KEY)
    )
    with engine.connect() as conn:
        project = list_projects(conn)[0].id
    rng = random.Random(1)
    started = time.perf_counter()
    batch_obs: list[ObservationRecord] = []
    batch_tr: list[TraceRecord] = []
    for s in range(n_sessions):
        sid = f"session-{s:06d}"
        start = T0 + timedelta(seconds=rng.randrange(90 * 86400))
        env = rng.choice(["production", "production", "staging", "development"])
        user = f"user-{rng.randrange(5000)}"
        tags = rng.sample(["support", "billing", "shipping", "refund", "vip", "bug"], 2)
        for t in range(TRACES_PER_SESSION):
            tid = f"{s:016x}{t:016x}"
            ts = start + timedelta(minutes=t * rng.randrange(1, 10))
            batch_tr.append(
                TraceRecord(
                    id=tid,
                    session_id=sid,
                    user_id=user,
                    tags=tags,
                    environment=env,
                    root_name="turn",
                )
            )
            for o in range(OBS_PER_TRACE):
                is_gen = o in (1, 3)
                inp, out = rng.randrange(50, 3000), rng.randrange(10, 800)
                batch_obs.append(
                    ObservationRecord(
                        id=f"{s:08x}{t:04x}{o:04x}",
                        trace_id=tid,
                        type="generation" if is_gen else "span",
                        name="llm" if is_gen else "step",
                        start_time=ts + timedelta(milliseconds=o * 300),
                        end_time=ts + timedelta(milliseconds=o * 300 + rng.randrange(50, 3000)),
                        model=rng.choice(MODELS) if is_gen else None,
                        usage_details={"input": inp, "output": out, "total": inp + out}
                        if is_gen
                        else None,
                        cost_details={
                            "input": inp * 1e-6,
                            "output": out * 4e-6,
                            "total": inp * 1e-6 + out * 4e-6,
                        }
                        if is_gen
                        else None,
                        input={"message": "hello"} if o == 0 else None,
                    )
                )
        if len(batch_obs) >= 10_000 or s == n_sessions - 1:
            with engine.begin() as conn:
                apply_records(conn, project, batch_obs, batch_tr)
            batch_obs, batch_tr = [], []
            done = s + 1
            if done % 5000 == 0 or done == n_sessions:
                rate = done * TRACES_PER_SESSION * OBS_PER_TRACE / (time.perf_counter() - started)
                print(f"  generated {done} sessions ({rate:,.0f} observations/s)", flush=True)
    engine.dispose()
    return project


CASES: list[tuple[str, dict[str, object]]] = [
    ("createdAt.desc (default)", {}),
    ("totalCost.desc", {"orderBy": "totalCost.desc"}),
    ("totalTokens.desc", {"orderBy": "totalTokens.desc"}),
    ("durationSeconds.desc", {"orderBy": "durationSeconds.desc"}),
    ("countTraces.asc", {"orderBy": "countTraces.asc"}),
    ("inputCost.desc (no index)", {"orderBy": "inputCost.desc"}),
    ("userIds.asc", {"orderBy": "userIds.asc"}),
    ("tags.asc", {"orderBy": "tags.asc"}),
    ("usage.desc", {"orderBy": "usage.desc"}),
    ("environment=staging", {"environment": "staging"}),
    ("userId=user-42", {"userId": "user-42"}),
    ("tags=vip", {"tags": "vip"}),
    ("minTotalCost=0.005", {"minTotalCost": 0.005}),
    ("last 7 days", {"fromTimestamp": "2025-03-25T00:00:00Z"}),
]


def _filter(params: dict[str, object]) -> tuple[queries.SessionFilter, str | None]:
    f = queries.SessionFilter()
    if "environment" in params:
        f.environments = [str(params["environment"])]
    if "userId" in params:
        f.user_id = str(params["userId"])
    if "tags" in params:
        f.tags = [str(params["tags"])]
    if "minTotalCost" in params:
        f.ranges = {"totalCost": (float(params["minTotalCost"]), None)}  # type: ignore[arg-type]
    if "fromTimestamp" in params:
        f.from_timestamp = datetime(2025, 3, 25, tzinfo=UTC)
    order = params.get("orderBy")
    return f, str(order) if order else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="SQLite file to reuse between runs")
    args = parser.parse_args()
    path = args.keep or Path(tempfile.mkdtemp(prefix="ia-bench-")) / "sessions.db"
    with database(args.db, path) as url:
        if args.db == "sqlite" and path.exists() and args.keep:
            print(f"reusing {path}")
            engine = make_engine(url)
            prepare_database(engine, Settings.from_env(env={}))
            with engine.connect() as conn:
                project = list_projects(conn)[0].id
        else:
            n_obs = args.sessions * TRACES_PER_SESSION * OBS_PER_TRACE
            print(f"generating {args.sessions} sessions, {n_obs} observations on {args.db} ...")
            project = generate(url, args.sessions)
            engine = make_engine(url)
        print(f"\n{'case':32} {'in-process p50':>15} {'p95':>8} {'HTTP p50':>10} {'p95':>8}  (ms)")
        server = start_server(url, {"INTERACTIVEAI_LOG_LEVEL": "warning"})
        try:
            with httpx.Client(base_url=server.url, auth=(PUBLIC_KEY, SECRET_KEY)) as client:
                for label, params in CASES:
                    f, order = _filter(params)
                    local: list[float] = []
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        with engine.connect() as conn:
                            _rows, _total = queries.list_sessions(
                                conn, project, f, queries.Page(1, 50), order
                            )
                        local.append((time.perf_counter() - t) * 1000)
                    remote: list[float] = []
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        r = client.get("/api/public/sessions", params={"limit": 50, **params})
                        remote.append((time.perf_counter() - t) * 1000)
                        r.raise_for_status()
                    print(
                        f"{label:32} {statistics.median(local):15.1f} {percentile(local, 95):8.1f}"
                        f" {statistics.median(remote):10.1f} {percentile(remote, 95):8.1f}"
                    )
        finally:
            server.stop()
            engine.dispose()


if __name__ == "__main__":
    main()
