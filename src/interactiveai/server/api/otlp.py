"""OTLP/HTTP trace ingestion: `/api/public/otel/v1/traces` and `/v1/traces`."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.params import read_body
from interactiveai.server.ingest.otlp import encode_export_response, media_type
from interactiveai.server.ingest.writer import WriteJob

router = APIRouter(tags=["ingestion"])


async def _ingest(request: Request, pid: str) -> Response:
    limit = request.app.state.settings.max_request_bytes
    body = await read_body(request, limit)
    content_type = request.headers.get("content-type")
    decoded = await request.app.state.decoder.decode(
        body, content_type, request.headers.get("content-encoding"), limit
    )
    if decoded.has_records:
        batch = decoded.batch
        job = WriteJob(
            pid,
            batch.observations,
            batch.traces,
            packed=decoded.packed,
            packed_records=decoded.packed_records,
        )
        await asyncio.wrap_future(request.app.state.writer.submit(job))
    as_json = media_type(content_type) == "application/json"
    return Response(
        content=encode_export_response(decoded.batch, as_json),
        media_type="application/json" if as_json else "application/x-protobuf",
    )


@router.post("/api/public/otel/v1/traces", summary="OTLP/HTTP traces (protobuf or JSON)")
async def otlp_traces(request: Request, pid: Annotated[str, Depends(project_id)]) -> Response:
    """Ingest an ExportTraceServiceRequest; answered after its spans are committed."""
    return await _ingest(request, pid)


@router.post("/v1/traces", summary="OTLP/HTTP traces at the standard path")
async def otlp_traces_standard(
    request: Request, pid: Annotated[str, Depends(project_id)]
) -> Response:
    """Same as /api/public/otel/v1/traces, for exporters configured with a bare endpoint."""
    return await _ingest(request, pid)
