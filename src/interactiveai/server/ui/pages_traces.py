"""The trace page: observation tree with a timing waterfall, and one observation in detail."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from interactiveai.server.store import comments, observation_queries, queries, scores
from interactiveai.server.ui.content import prepare, to_json_text
from interactiveai.server.ui.security import PageNotFoundError, ViewerDep, engine_of, finish
from interactiveai.server.ui.templating import render
from interactiveai.server.ui.tree import flatten

router = APIRouter(include_in_schema=False)

Field = Literal["input", "output", "metadata"]


@router.get("/project/{project_id}/traces/{trace_id}")
def trace_detail(
    request: Request, viewer: ViewerDep, trace_id: str, observation: str | None = None
) -> Response:
    """A trace: its tree and waterfall, the selected observation (or the trace) in detail."""
    pid = viewer.project_id
    with engine_of(request).connect() as conn:
        trace = queries.get_trace(conn, pid, trace_id)
        if trace is None:
            raise PageNotFoundError("No such trace.")
        selected: dict[str, Any] | None = None
        if observation:
            selected = next((o for o in trace["observations"] if o["id"] == observation), None)
        # The annotations panel is about what is selected: the trace, or one observation.
        if selected is None:
            notes = comments.list_comments(conn, pid, "TRACE", trace_id)
        else:
            notes = comments.list_comments(conn, pid, "OBSERVATION", selected["id"])
        configs = [c for c in scores.list_score_configs(conn, pid) if not c["is_archived"]]
    rows = flatten(trace["observations"])
    shown = selected if selected is not None else trace
    panel_scores = trace["scores"]  # the trace's and all its observations'
    if selected is not None:
        panel_scores = [s for s in panel_scores if s["observation_id"] == selected["id"]]
    context = {
        "viewer": viewer,
        "trace": trace,
        "rows": rows,
        "selected": selected,
        "input": prepare(shown["input"]),
        "output": prepare(shown["output"]),
        "metadata": to_json_text(shown["metadata"]) if shown["metadata"] else None,
        "trace_scores": [s for s in trace["scores"] if s["observation_id"] is None],
        "panel_scores": panel_scores,
        "comments": notes,
        "configs": configs,
        "nav": "sessions",
    }
    return render(request, "trace.html", context)


def _raw(request: Request, value: Any) -> Response:
    # text/plain + nosniff: the browser never interprets it; the page sets it as textContent.
    return finish(request, PlainTextResponse(to_json_text(value) if value is not None else ""))


@router.get("/project/{project_id}/traces/{trace_id}/raw/{field}")
def trace_raw(request: Request, viewer: ViewerDep, trace_id: str, field: Field) -> Response:
    """A trace's whole input, output or metadata as text (the "show all" of big values)."""
    with engine_of(request).connect() as conn:
        trace = queries.get_trace(conn, viewer.project_id, trace_id)
    if trace is None:
        raise PageNotFoundError("No such trace.")
    return _raw(request, trace[field])


@router.get("/project/{project_id}/observations/{observation_id}/raw/{field}")
def observation_raw(
    request: Request, viewer: ViewerDep, observation_id: str, field: Field
) -> Response:
    """An observation's whole input, output or metadata as text."""
    with engine_of(request).connect() as conn:
        obs = observation_queries.get_observation(conn, viewer.project_id, observation_id)
    if obs is None:
        raise PageNotFoundError("No such observation.")
    return _raw(request, obs[field])
