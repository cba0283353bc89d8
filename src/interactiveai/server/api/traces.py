"""Trace and observation read routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from interactiveai.conventions import OBSERVATION_TYPES
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
from interactiveai.server.api.serialize import observation_json, page_meta, trace_json
from interactiveai.server.errors import BadRequestError, NotFoundError
from interactiveai.server.store import observation_queries, queries
from interactiveai.server.store.observation_queries import ObservationFilter
from interactiveai.server.store.queries import TraceFilter

router = APIRouter()

Text = Annotated[str | None, Query(max_length=1024)]


@router.get("/api/public/traces", tags=["traces"])
def list_traces(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: LimitParam = 50,
    userId: Text = None,
    name: Text = None,
    sessionId: Text = None,
    fromTimestamp: TimeParam = None,
    toTimestamp: TimeParam = None,
    orderBy: Text = None,
    tags: ListParam = None,
    version: Text = None,
    release: Text = None,
    environment: ListParam = None,
) -> dict[str, Any]:
    """Traces, newest first; `tags` must all match."""
    f = TraceFilter(
        user_id=userId,
        name=name,
        session_id=sessionId,
        from_timestamp=utc(fromTimestamp),
        to_timestamp=utc(toTimestamp),
        tags=split_list(tags),
        version=version,
        release=release,
        environments=split_list(environment),
    )
    with request.app.state.engine.connect() as conn:
        rows, total = queries.list_traces(conn, pid, f, page_of(page, limit), orderBy)
    return {"data": [trace_json(r) for r in rows], "meta": page_meta(page, limit, total)}


@router.get("/api/public/traces/{trace_id}", tags=["traces"])
def get_trace(
    request: Request, trace_id: str, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """One trace with its observations and scores."""
    with request.app.state.engine.connect() as conn:
        row = queries.get_trace(conn, pid, trace_id)
    if row is None:
        raise NotFoundError("Trace not found")
    return trace_json(row)


@router.get("/api/public/observations", tags=["observations"])
def list_observations(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: LimitParam = 50,
    name: Text = None,
    userId: Text = None,
    type: Text = None,
    traceId: Text = None,
    parentObservationId: Text = None,
    fromStartTime: TimeParam = None,
    toStartTime: TimeParam = None,
    environment: ListParam = None,
) -> dict[str, Any]:
    """Observations, newest start first."""
    obs_type = type.lower() if type else None
    if obs_type is not None and obs_type not in OBSERVATION_TYPES:
        raise BadRequestError(
            f"type: unknown observation type {type!r}; use one of "
            + ", ".join(t.upper() for t in OBSERVATION_TYPES)
        )
    f = ObservationFilter(
        name=name,
        user_id=userId,
        type=obs_type,
        trace_id=traceId,
        parent_observation_id=parentObservationId,
        from_start_time=utc(fromStartTime),
        to_start_time=utc(toStartTime),
        environments=split_list(environment),
    )
    with request.app.state.engine.connect() as conn:
        rows, total = observation_queries.list_observations(conn, pid, f, page_of(page, limit))
    return {"data": [observation_json(r) for r in rows], "meta": page_meta(page, limit, total)}


@router.get("/api/public/observations/{observation_id}", tags=["observations"])
def get_observation(
    request: Request, observation_id: str, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """One observation."""
    with request.app.state.engine.connect() as conn:
        row = observation_queries.get_observation(conn, pid, observation_id)
    if row is None:
        raise NotFoundError("Observation not found")
    return observation_json(row)
