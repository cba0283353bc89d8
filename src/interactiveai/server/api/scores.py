"""Score routes: create (one or a list), list with filters, get, delete.

`POST /api/public/scores` takes one score (answered `{"id"}`, as Langfuse v2/v3 clients
expect) or a list (Langfuse v5's score queue: 202 when all were accepted, 207 with
`accepted`/`rejected`/`errors` otherwise; each score is validated alone).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.limits import LimitedRoute
from interactiveai.server.api.params import (
    LimitParam,
    ListParam,
    PageParam,
    TimeParam,
    split_list,
    utc,
)
from interactiveai.server.api.serialize import page_meta, score_json
from interactiveai.server.api.shapes import (
    ERRORS,
    IdResponse,
    Score,
    ScoreBatchResult,
    ScoreCreate,
    ScoreDataType,
    ScorePage,
    ScoreSource,
    describe_validation,
)
from interactiveai.server.api.write import run_write
from interactiveai.server.errors import APIError, BadRequestError, NotFoundError
from interactiveai.server.ingest.batch import parse_time
from interactiveai.server.store import scores
from interactiveai.server.store.scores import ScoreFilter

router = APIRouter(tags=["scores"], route_class=LimitedRoute, responses=ERRORS)

Text = Annotated[str | None, Query(max_length=255)]
_SCORE = TypeAdapter(ScoreCreate)
MAX_SCORES_PER_REQUEST = 1000
_OPERATORS = ("<", ">", "<=", ">=", "=", "!=")


def score_row(
    conn: Connection, pid: str, body: dict[str, Any], *, source: str | None = None
) -> dict[str, Any]:
    """Validate a score body (Langfuse field names) and return the row to write."""
    if body.get("datasetRunId") is not None and not any(
        body.get(k) for k in ("traceId", "sessionId", "observationId")
    ):
        raise BadRequestError("datasetRunId: dataset run scores are not supported here")
    timestamp = body.get("timestamp")
    return scores.prepare_score(
        conn,
        pid,
        name=body.get("name"),
        value=body.get("value"),
        data_type=body.get("dataType"),
        trace_id=body.get("traceId"),
        observation_id=body.get("observationId"),
        session_id=body.get("sessionId"),
        comment=body.get("comment"),
        metadata=body.get("metadata"),
        source=source or body.get("source") or "API",
        config_id=body.get("configId"),
        environment=body.get("environment"),
        score_id=body.get("id"),
        timestamp=parse_time(timestamp, "timestamp")
        if isinstance(timestamp, str)
        else utc(timestamp),
    )


def write_rows(rows: list[dict[str, Any]]) -> Any:
    """A writer callable that upserts the prepared score rows."""

    def write(conn: Connection) -> None:
        for row in rows:
            scores.write_score(conn, row)

    return write


def _prepare_one(request: Request, pid: str, body: ScoreCreate) -> dict[str, Any]:
    with request.app.state.engine.connect() as conn:
        return score_row(conn, pid, body.model_dump(exclude_none=True))


def _prepare_many(
    request: Request, pid: str, items: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Validate each score alone: (rows to write, errors by index)."""
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    with request.app.state.engine.connect() as conn:
        for index, item in enumerate(items):
            try:
                parsed = _SCORE.validate_python(item)
                rows.append(score_row(conn, pid, parsed.model_dump(exclude_none=True)))
            except ValidationError as exc:
                errors.append({"index": index, "message": f"[{index}] {describe_validation(exc)}"})
            except APIError as exc:
                errors.append({"index": index, "message": f"[{index}] {exc.message}"})
    return rows, errors


@router.post(
    "/api/public/scores",
    summary="Create a score, or a list of scores",
    responses={
        200: {"model": IdResponse, "description": "One score: its id."},
        202: {"model": ScoreBatchResult, "description": "A list: all accepted."},
        207: {"model": ScoreBatchResult, "description": "A list: some rejected."},
    },
)
async def create_scores(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    body: Annotated[ScoreCreate | list[dict[str, Any]], Body()],
) -> JSONResponse:
    """Validate and store scores; answered after the commit."""
    if isinstance(body, ScoreCreate):
        row = await run_in_threadpool(_prepare_one, request, pid, body)
        await run_write(request, pid, write_rows([row]))
        return JSONResponse({"id": row["id"]})
    if len(body) > MAX_SCORES_PER_REQUEST:
        raise BadRequestError(f"body: at most {MAX_SCORES_PER_REQUEST} scores per request")
    rows, errors = await run_in_threadpool(_prepare_many, request, pid, body)
    if rows:
        await run_write(request, pid, write_rows(rows))
    if not errors:
        return JSONResponse({"message": "Accepted"}, status_code=202)
    return JSONResponse(
        {"accepted": len(rows), "rejected": len(errors), "errors": errors}, status_code=207
    )


# The v1 paths that older Langfuse clients read answer the same (left out of the schema).
@router.get("/api/public/scores", include_in_schema=False)
@router.get("/api/public/v2/scores", response_model=None, responses={200: {"model": ScorePage}})
def list_scores(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: LimitParam = 50,
    userId: Text = None,
    name: Text = None,
    sessionId: Annotated[str | None, Query(max_length=200)] = None,
    traceId: Text = None,
    observationId: Text = None,
    configId: Text = None,
    fromTimestamp: TimeParam = None,
    toTimestamp: TimeParam = None,
    source: ScoreSource | None = None,
    dataType: ScoreDataType | None = None,
    environment: ListParam = None,
    scoreIds: Annotated[str | None, Query(description="Comma-separated score ids.")] = None,
    operator: Annotated[str | None, Query(description="With `value`: <, >, <=, >=, =, !=")] = None,
    value: Annotated[float | None, Query(allow_inf_nan=False)] = None,
    minValue: Annotated[float | None, Query(allow_inf_nan=False)] = None,
    maxValue: Annotated[float | None, Query(allow_inf_nan=False)] = None,
) -> dict[str, Any]:
    """Scores, newest first. `sessionId` selects the scores whose target is that session."""
    if (operator is None) != (value is None):
        raise BadRequestError("operator: `operator` and `value` go together")
    if operator is not None and operator not in _OPERATORS:
        raise BadRequestError(f"operator: must be one of {' '.join(_OPERATORS)}")
    f = ScoreFilter(
        session_id=sessionId,
        trace_id=traceId,
        observation_id=observationId,
        user_id=userId,
        name=name,
        source=source,
        data_type=dataType,
        config_id=configId,
        environments=split_list(environment),
        from_timestamp=utc(fromTimestamp),
        to_timestamp=utc(toTimestamp),
        min_value=minValue,
        max_value=maxValue,
        score_ids=split_list([scoreIds] if scoreIds else None),
        value_op=(operator, value) if operator is not None and value is not None else None,
    )
    with request.app.state.engine.connect() as conn:
        rows, total = scores.page_scores(conn, pid, f, limit=limit, offset=(page - 1) * limit)
    return {"data": [score_json(r) for r in rows], "meta": page_meta(page, limit, total)}


@router.get("/api/public/scores/{score_id}", include_in_schema=False)
@router.get(
    "/api/public/v2/scores/{score_id}", response_model=None, responses={200: {"model": Score}}
)
def get_score(
    request: Request, score_id: str, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """One score."""
    with request.app.state.engine.connect() as conn:
        row = scores.get_score(conn, pid, score_id)
    if row is None:
        raise NotFoundError("Score not found")
    return score_json(row)


@router.delete("/api/public/scores/{score_id}", status_code=204, response_model=None)
async def delete_score(
    request: Request, score_id: str, pid: Annotated[str, Depends(project_id)]
) -> None:
    """Delete a score (204), 404 when it does not exist in the key's project."""
    deleted = await run_write(request, pid, lambda conn: scores.delete_score(conn, pid, score_id))
    if not deleted:
        raise NotFoundError("Score not found")
