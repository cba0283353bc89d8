"""Query parameters shared by the list routes: pagination, time ranges, repeatable lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query, Request

from interactiveai.server.errors import BadRequestError, PayloadTooLargeError
from interactiveai.server.store.queries import Page

# The upper bound keeps OFFSET inside 64-bit integers (SQLite refuses bigger ones).
PageParam = Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")]
LimitParam = Annotated[int, Query(ge=1, le=100, description="Items per page, 1..100.")]
TimeParam = Annotated[datetime | None, Query(description="ISO 8601; UTC when no offset is given.")]
ListParam = Annotated[list[str] | None, Query()]


def page_of(page: int, limit: int) -> Page:
    """A Page from validated parameters."""
    return Page(page=page, limit=limit)


def utc(value: datetime | None) -> datetime | None:
    """Treat a naive timestamp as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # Year 1 or 9999 with an offset falls outside what datetime holds in UTC.
        return (
            datetime.min.replace(tzinfo=UTC) if value.year < 2 else datetime.max.replace(tzinfo=UTC)
        )


def split_list(values: list[str] | None) -> list[str]:
    """Repeatable list parameter; `a,b` counts as two values too."""
    out: list[str] = []
    for v in values or ():
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing with 413 as soon as it grows past `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise PayloadTooLargeError(
                    f"request body is {declared} bytes; the limit is {limit} bytes"
                )
        except ValueError:
            raise BadRequestError("Content-Length is not a number") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
