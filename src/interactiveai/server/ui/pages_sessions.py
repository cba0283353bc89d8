"""The sessions list and the session detail ("replay") page, with its paged trace cards."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection
from starlette.datastructures import QueryParams

from interactiveai.server.store import (
    comments,
    observation_queries,
    queries,
    scores,
    session_facets,
)
from interactiveai.server.store.accounts import user_projects
from interactiveai.server.store.observation_queries import ObservationFilter
from interactiveai.server.store.queries import Page, QueryError, TraceFilter
from interactiveai.server.store.session_stats import cohort_stats
from interactiveai.server.ui.content import Content, prepare
from interactiveai.server.ui.listing import FILTER_KEYS, ListState, page_of, parse_list_state
from interactiveai.server.ui.security import (
    PageNotFoundError,
    UserDep,
    ViewerDep,
    engine_of,
    finish,
)
from interactiveai.server.ui.templating import path_part, render

router = APIRouter(include_in_schema=False)

TRACES_PER_PAGE = 20
GAP_SECONDS = 300
# The filter choices (environments, score names) walk an index of every session; they change
# rarely, so each project's are reused for a few seconds instead of read on every page.
FACETS_SECONDS = 15.0
_facets: dict[tuple[int, str], tuple[float, list[str], list[str]]] = {}
_facets_lock = threading.Lock()


def forget_facets() -> None:
    """Drop the cached filter choices (after the UI itself changed scores or sessions)."""
    with _facets_lock:
        _facets.clear()


def _facets_of(conn: Connection, engine_key: int, pid: str) -> tuple[list[str], list[str]]:
    now = time.monotonic()
    with _facets_lock:
        hit = _facets.get((engine_key, pid))
    if hit is not None and hit[0] > now:
        return hit[1], hit[2]
    envs = session_facets.session_environments(conn, pid)
    names = session_facets.session_score_names(conn, pid)
    with _facets_lock:
        if len(_facets) > 1000:
            _facets.clear()
        _facets[(engine_key, pid)] = (now + FACETS_SECONDS, envs, names)
    return envs, names


@dataclass(slots=True)
class TraceCard:
    """A trace as its card shows it."""

    row: dict[str, Any]
    number: int
    input: Content
    output: Content
    scores: list[dict[str, Any]]
    gap_before: float | None
    errors: list[dict[str, Any]]

    @property
    def latency(self) -> float | None:
        """Seconds from the first observation's start to the last one's end."""
        start, end = self.row["start_time"], self.row["end_time"]
        return None if start is None or end is None else (end - start).total_seconds()


@router.get("/")
def home(request: Request, user: UserDep) -> Response:
    """The first project's sessions."""
    with engine_of(request).connect() as conn:
        mine = user_projects(conn, user.id)
    if not mine:
        return render(request, "no_project.html", {"user": user}, status=403)
    target = f"/project/{path_part(mine[0].id)}/sessions"
    return finish(request, RedirectResponse(target, status_code=303))


@router.get("/project/{project_id}")
def project_home(viewer: ViewerDep, request: Request) -> Response:
    """A project's landing page is its sessions list."""
    target = f"/project/{path_part(viewer.project_id)}/sessions"
    return finish(request, RedirectResponse(target, status_code=303))


def score_summary(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(name, value) per score name: the mean of numeric scores, else the latest label."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for s in rows:
        by_name.setdefault(s["name"], []).append(s)
    out = []
    for name, items in sorted(by_name.items()):
        labels = [s["string_value"] for s in items if s["string_value"] is not None]
        if labels:
            out.append((name, str(labels[-1])))
            continue
        values = [float(s["value"]) for s in items if s["value"] is not None]
        text = f"{sum(values) / len(values):.3g}" if values else "–"
        out.append((name, text + (f" (n={len(values)})" if len(values) > 1 else "")))
    return out


@dataclass(slots=True)
class Cohort:
    """One side of a comparison: its label, its view and its metrics."""

    label: str
    state: ListState
    stats: dict[str, Any]


@router.get("/project/{project_id}/sessions")
def sessions_list(request: Request, viewer: ViewerDep) -> Response:
    """Every session property as a column; filters, sort and page in the URL."""
    state: ListState = parse_list_state(request.query_params)
    pid = viewer.project_id
    rows: list[dict[str, Any]] = []
    total = 0
    cohorts: list[Cohort] = []
    with engine_of(request).connect() as conn:
        try:
            rows, total = queries.list_sessions(conn, pid, state.filter, page_of(state), state.sort)
            if state.pinned:
                # Compare mode: the pinned cohort's metrics next to this view's.
                pinned = parse_list_state(QueryParams(state.pinned))
                cohorts = [
                    Cohort("Pinned", pinned, cohort_stats(conn, pid, pinned.filter)),
                    Cohort("This view", state, cohort_stats(conn, pid, state.filter)),
                ]
        except (QueryError, ValueError) as exc:
            state.errors.append(str(exc))
        environments, score_names = _facets_of(conn, id(engine_of(request)), pid)
    pages = max(1, (total + state.limit - 1) // state.limit)
    context = {
        "viewer": viewer,
        "state": state,
        "rows": rows,
        "total": total,
        "pages": pages,
        "environments": environments,
        "score_names": score_names,
        "score_summary": score_summary,
        "filter_keys": FILTER_KEYS,
        "cohorts": cohorts,
        "nav": "sessions",
    }
    return render(request, "sessions.html", context)


def _cards(
    conn: Connection, pid: str, rows: list[dict[str, Any]], first_number: int, prev: Any
) -> list[TraceCard]:
    ids = [sid for r in rows for sid in r["score_ids"]]
    by_trace: dict[str, list[dict[str, Any]]] = {}
    if ids:
        found, _ = scores.page_scores(conn, pid, scores.ScoreFilter(score_ids=ids), limit=len(ids))
        for s in sorted(found, key=lambda s: s["timestamp"]):
            by_trace.setdefault(s["trace_id"], []).append(s)
    cards = []
    for i, r in enumerate(rows):
        errors: list[dict[str, Any]] = []
        if r["error_count"]:
            # Rare, so read per failing trace: which observations failed, and why.
            found_obs, _ = observation_queries.list_observations(
                conn, pid, ObservationFilter(trace_id=r["id"]), Page(page=1, limit=200)
            )
            errors = [o for o in found_obs if o["level"] == "ERROR"][:3]
        gap = None
        if prev is not None:
            gap = (r["timestamp"] - prev).total_seconds()
        cards.append(
            TraceCard(
                r,
                first_number + i,
                prepare(r["input"]),
                prepare(r["output"]),
                by_trace.get(r["id"], []),
                gap if gap is not None and gap > GAP_SECONDS else None,
                errors,
            )
        )
        prev = r["end_time"] or r["timestamp"]
    return cards


def _trace_page(
    conn: Connection, pid: str, session_id: str, page: int, prev: Any
) -> tuple[list[TraceCard], int]:
    rows, total = queries.list_traces(
        conn,
        pid,
        TraceFilter(session_id=session_id),
        Page(page=page, limit=TRACES_PER_PAGE),
        chronological=True,
    )
    return _cards(conn, pid, rows, (page - 1) * TRACES_PER_PAGE + 1, prev), total


@router.get("/project/{project_id}/sessions/{session_id:path}")
def session_detail(request: Request, viewer: ViewerDep, session_id: str) -> Response:
    """The replay: header, summary, annotations, and the first page of trace cards."""
    pid = viewer.project_id
    with engine_of(request).connect() as conn:
        session = queries.get_session(conn, pid, session_id)
        if session is None:
            raise PageNotFoundError("No such session.")
        cards, total = _trace_page(conn, pid, session_id, 1, None)
        notes = comments.list_comments(conn, pid, "SESSION", session_id)
        configs = [c for c in scores.list_score_configs(conn, pid) if not c["is_archived"]]
    context = {
        "viewer": viewer,
        "session": session,
        "cards": cards,
        "total_traces": total,
        "next_page": 2 if total > TRACES_PER_PAGE else None,
        "comments": notes,
        "configs": configs,
        "nav": "sessions",
    }
    return render(request, "session.html", context)


@router.get("/project/{project_id}/session-traces")
def session_traces(
    request: Request, viewer: ViewerDep, id: str, page: int = 2, prev: str | None = None
) -> Response:
    """One more page of trace cards (HTML fragment), fetched as the viewer scrolls."""
    pid = viewer.project_id
    page = max(1, page)
    prev_time = None
    if prev:
        try:
            prev_time = datetime.fromisoformat(prev.replace("Z", "+00:00"))
        except ValueError:
            prev_time = None
    with engine_of(request).connect() as conn:
        cards, total = _trace_page(conn, pid, id, page, prev_time)
    more = page * TRACES_PER_PAGE < total
    context = {
        "viewer": viewer,
        "session_id": id,
        "cards": cards,
        "next_page": page + 1 if more else None,
    }
    return render(request, "_trace_page.html", context)


@router.get("/project/{project_id}/session-export")
def session_export(request: Request, viewer: ViewerDep, id: str) -> Response:
    """The whole session as JSON, in the public API's export shape, as a download."""
    with engine_of(request).connect() as conn:
        if queries.get_session(conn, viewer.project_id, id) is None:
            raise PageNotFoundError("No such session.")
        document = request.app.state.ui_export_session(conn, viewer.project_id, id)
    safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in id)[:80] or "session"
    body = orjson.dumps(document, option=orjson.OPT_INDENT_2, default=str)
    response = Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="session-{safe_name}.json"'},
    )
    return finish(request, response)
