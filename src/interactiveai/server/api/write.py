"""Run a request's writes on the database's one writer and wait for the commit.

Routes that change data (scores, comments, configs, prices, deletes, bookmarks) go through
the same writer as ingestion: on SQLite that keeps one writer per database, and everywhere
it means a 2xx is sent only after the commit. A store function's expected refusals
(`APIError`) are carried back to the request instead of failing the writer's transaction;
store functions validate before they write, so a refused call has written nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from sqlalchemy import Connection

from interactiveai.server.errors import APIError
from interactiveai.server.ingest.writer import WriteJob

T = TypeVar("T")


async def run_write(request: Request, project_id: str, fn: Callable[[Connection], T]) -> T:
    """Run `fn(conn)` in the writer's transaction; return its result after the commit."""
    outcome: list[tuple[T | None, APIError | None]] = []

    def extra(conn: Connection) -> None:
        # A group write that fails is retried job by job, so `fn` may run twice; the
        # last outcome is the committed one.
        try:
            outcome.append((fn(conn), None))
        except APIError as exc:
            outcome.append((None, exc))

    job = WriteJob(project_id, [], [], extra=extra)
    await asyncio.wrap_future(request.app.state.writer.submit(job))
    result, error = outcome[-1]
    if error is not None:
        raise error
    return result  # type: ignore[return-value]
