"""Langfuse batch ingestion: `POST /api/public/ingestion`, answered 207 after the commit."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.params import read_body
from interactiveai.server.api.scores import score_row
from interactiveai.server.api.shapes import ERRORS, INGESTION_BODY_SCHEMA, IngestionResult
from interactiveai.server.errors import APIError, BadRequestError
from interactiveai.server.ingest.batch import DecodedIngestion, decode_batch, scrub
from interactiveai.server.ingest.inflate import inflate
from interactiveai.server.ingest.writer import WriteJob
from interactiveai.server.store import observation_queries, scores

router = APIRouter(tags=["ingestion"], responses=ERRORS)


@router.post(
    "/api/public/ingestion",
    status_code=207,
    summary="Langfuse batch ingestion (v2 SDKs)",
    response_model=None,
    responses={207: {"model": IngestionResult}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": INGESTION_BODY_SCHEMA}},
        }
    },
)
async def ingest_batch(request: Request, pid: Annotated[str, Depends(project_id)]) -> JSONResponse:
    """Events validated one by one; the valid ones are committed before the 207 answer."""
    limit = request.app.state.settings.max_ingestion_bytes
    raw = inflate(await read_body(request, limit), request.headers.get("content-encoding"), limit)
    content_type = (request.headers.get("content-type") or "application/json").lower()
    if "json" not in content_type:
        raise BadRequestError(f"Content-Type {content_type!r} is not supported; send JSON")
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequestError(f"body: not valid JSON ({exc})") from None
    decoded = decode_batch(scrub(payload))
    score_rows: list[dict[str, Any]] = []
    if decoded.scores or decoded.unresolved:
        # Blocking reads: off the event loop.
        score_rows = await run_in_threadpool(_check_with_database, request, pid, decoded)

    def write_scores(conn: Connection) -> None:
        for row in score_rows:
            scores.write_score(conn, row)

    if decoded.observations or decoded.traces or score_rows:
        job = WriteJob(
            pid, decoded.observations, decoded.traces, extra=write_scores if score_rows else None
        )
        await asyncio.wrap_future(request.app.state.writer.submit(job))
    return JSONResponse(
        {
            "successes": decoded.successes,
            "errors": decoded.errors,
            "warnings": decoded.warnings,
            "droppedSessionIds": decoded.dropped_session_ids,
        },
        status_code=207,
    )


def _check_with_database(
    request: Request, pid: str, decoded: DecodedIngestion
) -> list[dict[str, Any]]:
    """Find the traces of updates sent without traceId, and validate the scores."""
    score_rows: list[dict[str, Any]] = []
    with request.app.state.engine.connect() as conn:
        for event_id, record in decoded.unresolved:
            known = observation_queries.get_observation(conn, pid, record.id)
            if known is None:
                decoded.fail(
                    event_id, "body.traceId: is required when the observation is not known yet"
                )
                continue
            record.trace_id = known["trace_id"]
            decoded.observations.append(record)
            decoded.successes.append({"id": event_id, "status": 201})
        for event_id, body in decoded.scores:
            try:
                score_rows.append(score_row(conn, pid, body))
            except APIError as exc:
                decoded.fail(event_id, _body_field(exc.message), exc.status)
                continue
            decoded.successes.append({"id": event_id, "status": 201})
    return score_rows


def _body_field(message: str) -> str:
    # Score validation names fields as the scores route has them; inside a batch they
    # live under `body.`.
    return message if message.startswith("body") else f"body.{message}"
