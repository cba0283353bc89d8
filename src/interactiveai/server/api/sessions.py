"""Session routes: the list with aggregates, and one session with its traces."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.params import (
    LimitParam,
    ListParam,
    PageParam,
    TimeParam,
    page_of,
    split_list,
    utc,
)
from interactiveai.server.api.serialize import page_meta, session_json, trace_json
from interactiveai.server.errors import BadRequestError, NotFoundError
from interactiveai.server.store import queries
from interactiveai.server.store.queries import SessionFilter, TraceFilter
from interactiveai.server.store.session_scores import ScoreCondition

router = APIRouter(tags=["sessions"])

_SCORE_CONDITION = re.compile(r"^(?P<name>.+?)(?:(?P<op><=|>=|!=|<|>|=)(?P<value>.*))?$")


def parse_score_condition(text: str) -> ScoreCondition:
    """`name`, `name>=0.5` or `name=label` as a ScoreCondition; 400 naming `score`."""
    m = _SCORE_CONDITION.match(text.strip())
    if m is None or not m["name"].strip() or len(text) > 500:
        raise BadRequestError(f"score: {text[:50]!r} is not `name` or `name<op>value`")
    if m["op"] is None:
        return ScoreCondition(m["name"].strip())
    raw = m["value"].strip()
    if not raw:
        raise BadRequestError(f"score: {text[:50]!r} has no value after {m['op']}")
    try:
        number = float(raw)
    except ValueError:
        if m["op"] not in ("=", "!="):
            raise BadRequestError(f"score: {m['op']} needs a number, got {raw[:50]!r}") from None
        return ScoreCondition(m["name"].strip(), m["op"], raw)
    if not math.isfinite(number):
        raise BadRequestError(f"score: {raw!r} is not a finite number")
    return ScoreCondition(m["name"].strip(), m["op"], number)


Number = Annotated[float | None, Query()]


@router.get("/api/public/sessions")
def list_sessions(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: LimitParam = 50,
    fromTimestamp: TimeParam = None,
    toTimestamp: TimeParam = None,
    environment: ListParam = None,
    userId: Annotated[str | None, Query(max_length=200)] = None,
    tags: ListParam = None,
    search: Annotated[str | None, Query(max_length=200, description="Substring of the id.")] = None,
    bookmarked: bool | None = None,
    orderBy: Annotated[
        str | None, Query(description="`field.asc|desc`: createdAt, totalCost, ...")
    ] = None,
    minTotalCost: Number = None,
    maxTotalCost: Number = None,
    minTotalTokens: Number = None,
    maxTotalTokens: Number = None,
    minDurationSeconds: Number = None,
    maxDurationSeconds: Number = None,
    minCountTraces: Number = None,
    maxCountTraces: Number = None,
    score: Annotated[
        list[str] | None,
        Query(
            description="Session-score condition, repeatable: `name`, `name>=0.5`, "
            "`name=label` (operators < <= > >= = !=). orderBy also takes `score:<name>.desc`."
        ),
    ] = None,
) -> dict[str, Any]:
    """Sessions, newest first by default, each with its aggregates and session scores."""
    ranges = {
        name: (lo, hi)
        for name, lo, hi in (
            ("totalCost", minTotalCost, maxTotalCost),
            ("totalTokens", minTotalTokens, maxTotalTokens),
            ("durationSeconds", minDurationSeconds, maxDurationSeconds),
            ("countTraces", minCountTraces, maxCountTraces),
        )
        if lo is not None or hi is not None
    }
    f = SessionFilter(
        from_timestamp=utc(fromTimestamp),
        to_timestamp=utc(toTimestamp),
        environments=split_list(environment),
        user_id=userId,
        tags=split_list(tags),
        id_search=search,
        bookmarked=bookmarked,
        ranges=ranges,
        scores=[parse_score_condition(x) for x in score or ()],
    )
    with request.app.state.engine.connect() as conn:
        rows, total = queries.list_sessions(conn, pid, f, page_of(page, limit), orderBy)
    return {"data": [session_json(r) for r in rows], "meta": page_meta(page, limit, total)}


@router.get("/api/public/sessions/{session_id}")
def get_session(
    request: Request,
    session_id: str,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: Annotated[int, Query(ge=1, le=1000, description="Traces per page.")] = 100,
) -> dict[str, Any]:
    """The session with its aggregates and its traces in chronological order (paginated)."""
    with request.app.state.engine.connect() as conn:
        row = queries.get_session(conn, pid, session_id)
        if row is None:
            raise NotFoundError("Session not found")
        traces, total = queries.list_traces(
            conn, pid, TraceFilter(session_id=session_id), page_of(page, limit), chronological=True
        )
    out = session_json(row)
    out["traces"] = [trace_json(t) for t in traces]
    out["tracesMeta"] = page_meta(page, limit, total)
    return out
