"""OTLP/HTTP trace ingestion: `/api/public/otel/v1/traces` and `/v1/traces`."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.params import read_body
from interactiveai.server.errors import BadRequestError, PayloadTooLargeError
from interactiveai.server.ingest.otlp import decode_export_request, encode_export_response
from interactiveai.server.ingest.writer import WriteJob

router = APIRouter(tags=["ingestion"])


def inflate(body: bytes, encoding: str | None, limit: int) -> bytes:
    """Undo Content-Encoding, refusing output past `limit` bytes (a zip bomb stays small)."""
    enc = (encoding or "identity").strip().lower()
    if enc in ("identity", ""):
        return body
    if enc not in ("gzip", "x-gzip", "deflate"):
        raise BadRequestError(f"Content-Encoding {encoding!r} is not supported; use gzip or none")
    wbits = 16 + zlib.MAX_WBITS if enc != "deflate" else zlib.MAX_WBITS
    try:
        d = zlib.decompressobj(wbits)
        out = d.decompress(body, limit + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise BadRequestError(f"body is not valid {enc} data: {exc}") from None
    if len(out) > limit or d.unconsumed_tail:
        raise PayloadTooLargeError(f"decompressed body is over the limit of {limit} bytes")
    return out


async def _ingest(request: Request, pid: str) -> Response:
    settings = request.app.state.settings
    limit = settings.max_request_bytes
    body = inflate(await read_body(request, limit), request.headers.get("content-encoding"), limit)
    content_type = request.headers.get("content-type")
    batch = decode_export_request(body, content_type, None)
    if batch.observations or batch.traces:
        job = WriteJob(pid, batch.observations, batch.traces)
        await asyncio.wrap_future(request.app.state.writer.submit(job))
    as_json = (content_type or "").split(";")[0].strip().lower() == "application/json"
    return Response(
        content=encode_export_response(batch, as_json),
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
