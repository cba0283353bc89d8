"""A route class that refuses oversized request bodies (413) before they are parsed.

FastAPI reads and parses a JSON body before any dependency runs, so a size check has to
sit in the route's handler: it reads the body with the limit (`read_body`), and hands the
bytes on to the normal handling.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from interactiveai.server.api.params import read_body


class LimitedRoute(APIRoute):
    """An APIRoute whose body may not exceed the `max_ingestion_bytes` setting."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                limit = request.app.state.settings.max_ingestion_bytes
                # Starlette keeps the body it read in `_body`; the handler then reuses it.
                request._body = await read_body(request, limit)
            return await handler(request)

        return limited
