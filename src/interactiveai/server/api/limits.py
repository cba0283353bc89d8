"""A route class for the write routes: oversized bodies (413) and NUL characters (400).

FastAPI reads and parses a JSON body before any dependency runs, so a size check has to
sit in the route's handler: it reads the body with the limit (`read_body`), and hands the
bytes on to the normal handling. NUL characters are refused here because PostgreSQL
refuses them in text, and a write that fails inside the writer's transaction could only be
answered 503; refusing them up front answers 400 naming the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute

from interactiveai.server.api.params import read_body
from interactiveai.server.errors import BadRequestError


class LimitedRoute(APIRoute):
    """An APIRoute whose body may not exceed the `max_ingestion_bytes` setting."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            for name, value in request.path_params.items():
                if "\x00" in str(value):
                    raise BadRequestError(f"{name}: must not contain NUL characters")
            if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                limit = request.app.state.settings.max_ingestion_bytes
                # Starlette keeps the body it read in `_body`; the handler then reuses it.
                body = await read_body(request, limit)
                if b"\\u0000" in body and _has_nul(body):
                    raise BadRequestError("body: must not contain NUL characters (\\u0000)")
                request._body = body
            return await handler(request)

        return limited


def _has_nul(body: bytes) -> bool:
    """True when a string of the JSON body holds a NUL (not merely the text `\\u0000`)."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False  # the handler answers 400 for the malformed JSON itself
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
