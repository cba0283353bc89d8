"""Session export: `GET /api/public/sessions/{id}/export?format=json|csv`.

JSON is the session (with aggregates, scores and comments) and its traces in chronological
order, each with its observations, scores and comments. CSV flattens the same content to one
row per record, with a `recordType` column (session, trace, observation, score, comment) and
structured values (input, output, metadata, usage) as JSON text.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.serialize import comment_json, session_json, trace_json
from interactiveai.server.api.shapes import ERRORS
from interactiveai.server.errors import NotFoundError
from interactiveai.server.store import comments, queries
from interactiveai.server.store.queries import Page, TraceFilter

router = APIRouter(tags=["sessions"], responses=ERRORS)

COLUMNS = (
    "recordType",
    "id",
    "sessionId",
    "traceId",
    "parentId",
    "type",
    "name",
    "timestamp",
    "endTime",
    "userId",
    "environment",
    "model",
    "level",
    "input",
    "output",
    "metadata",
    "usageDetails",
    "costDetails",
    "totalTokens",
    "totalCost",
    "value",
    "stringValue",
    "dataType",
    "source",
    "comment",
    "authorUserId",
    "tags",
)


def session_document(conn: Connection, pid: str, session_id: str) -> dict[str, Any]:
    """The whole session as one JSON-ready document; raises NotFoundError."""
    row = queries.get_session(conn, pid, session_id)
    if row is None:
        raise NotFoundError("Session not found")
    doc = session_json(row)
    doc["comments"] = [
        comment_json(c) for c in comments.list_comments(conn, pid, "SESSION", session_id)
    ]
    traces: list[dict[str, Any]] = []
    page = 1
    while True:
        rows, total = queries.list_traces(
            conn, pid, TraceFilter(session_id=session_id), Page(page, 100), chronological=True
        )
        for t in rows:
            full = queries.get_trace(conn, pid, t["id"])
            if full is None:
                continue
            item = trace_json(full)
            item["comments"] = [
                comment_json(c) for c in comments.list_comments(conn, pid, "TRACE", t["id"])
            ]
            for obs in item["observations"]:
                obs["comments"] = [
                    comment_json(c)
                    for c in comments.list_comments(conn, pid, "OBSERVATION", obs["id"])
                ]
            traces.append(item)
        if page * 100 >= total:
            break
        page += 1
    doc["traces"] = traces
    return doc


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _cell(value: Any) -> str:
    text = _json_text(value)
    # Spreadsheets run cells that start with these as formulas; a quote keeps them text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def session_csv(doc: dict[str, Any]) -> str:
    """The export document as CSV, one row per record."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    sid = doc["id"]

    def emit(record: str, **values: Any) -> None:
        writer.writerow({"recordType": record, **{k: _cell(v) for k, v in values.items()}})

    def emit_scores(items: list[dict[str, Any]]) -> None:
        for s in items:
            emit(
                "score",
                id=s["id"],
                sessionId=s["sessionId"],
                traceId=s["traceId"],
                parentId=s["observationId"],
                name=s["name"],
                timestamp=s["timestamp"],
                environment=s["environment"],
                metadata=s["metadata"],
                value=s["value"],
                stringValue=s["stringValue"],
                dataType=s["dataType"],
                source=s["source"],
                comment=s["comment"],
                authorUserId=s["authorUserId"],
            )

    def emit_comments(items: list[dict[str, Any]], trace_id: str | None) -> None:
        for c in items:
            emit(
                "comment",
                id=c["id"],
                sessionId=sid,
                traceId=trace_id,
                parentId=c["objectId"],
                type=c["objectType"],
                timestamp=c["createdAt"],
                comment=c["content"],
                authorUserId=c["authorUserId"],
            )

    emit(
        "session",
        id=sid,
        sessionId=sid,
        timestamp=doc["createdAt"],
        endTime=doc["endTime"],
        userId=" ".join(doc["userIds"]),
        environment=doc["environment"],
        usageDetails=doc["usageByModel"],
        totalTokens=doc["totalTokens"],
        totalCost=doc["totalCost"],
        tags=doc["tags"],
    )
    emit_scores(doc["scores"])
    emit_comments(doc["comments"], None)
    for t in doc["traces"]:
        emit(
            "trace",
            id=t["id"],
            sessionId=sid,
            traceId=t["id"],
            name=t["name"],
            timestamp=t["timestamp"],
            endTime=t["endTime"],
            userId=t["userId"],
            environment=t["environment"],
            input=t["input"],
            output=t["output"],
            metadata=t["metadata"],
            totalTokens=t["totalTokens"],
            totalCost=t["totalCost"],
            tags=t["tags"],
        )
        emit_comments(t["comments"], t["id"])
        for o in t["observations"]:
            emit(
                "observation",
                id=o["id"],
                sessionId=sid,
                traceId=t["id"],
                parentId=o["parentObservationId"],
                type=o["type"],
                name=o["name"],
                timestamp=o["startTime"],
                endTime=o["endTime"],
                environment=o["environment"],
                model=o["model"],
                level=o["level"],
                input=o["input"],
                output=o["output"],
                metadata=o["metadata"],
                usageDetails=o["usageDetails"],
                costDetails=o["costDetails"],
                totalTokens=o["usage"]["total"],
                totalCost=o["totalCost"],
            )
            emit_comments(o["comments"], t["id"])
        emit_scores(t["scores"])
    return out.getvalue()


@router.get("/api/public/sessions/{session_id}/export")
def export_session(
    request: Request,
    session_id: Annotated[str, Path(max_length=200)],
    pid: Annotated[str, Depends(project_id)],
    format: Annotated[Literal["json", "csv"], Query(description="json or csv")] = "json",
) -> Response:
    """The session with its traces, observations, scores and comments, as a download."""
    with request.app.state.engine.connect() as conn:
        doc = session_document(conn, pid, session_id)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in session_id)[:100]
    if format == "csv":
        return Response(
            session_csv(doc),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="session-{safe}.csv"'},
        )
    return Response(
        orjson.dumps(doc),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="session-{safe}.json"'},
    )
