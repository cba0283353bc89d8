"""The one error handler: every error leaves as `{"message": ..., "error": ...}` with its status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from interactiveai.server.errors import APIError
from interactiveai.server.store.queries import QueryError

log = logging.getLogger(__name__)

_HTTP_NAMES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    413: "PayloadTooLargeError",
    415: "UnsupportedMediaTypeError",
    422: "BadRequestError",
    429: "TooManyRequestsError",
    503: "ServiceUnavailableError",
}


def error_response(
    status: int, message: str, error: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The pinned wire shape of every error."""
    return JSONResponse({"message": message, "error": error}, status_code=status, headers=headers)


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "header")]
        where = ".".join(loc) or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(APIError)
    async def _api_error(_: Request, exc: APIError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.error, exc.headers)

    @app.exception_handler(QueryError)
    async def _query_error(_: Request, exc: QueryError) -> JSONResponse:
        return error_response(400, str(exc), "BadRequestError")

    @app.exception_handler(DataError)
    async def _data_error(_: Request, exc: DataError) -> JSONResponse:
        # A value the database refuses to compare or store (on PostgreSQL: a NUL character
        # in a text parameter, a number out of range) is bad input, not a server error.
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "invalid value"
        return error_response(
            400, f"a request value is not valid for the database: {reason}", "BadRequestError"
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _describe_validation(exc), "BadRequestError")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "No such route"
        name = _HTTP_NAMES.get(exc.status_code, "HTTPError")
        return error_response(exc.status_code, message, name, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal server error", "InternalServerError")


_BAD_INPUT = {
    "description": "Bad input; the message names the field.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}


def document_400_not_422(app: FastAPI) -> None:
    """Drop FastAPI's default 422 responses from the OpenAPI document: we answer 400 instead."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    responses = operation.get("responses", {})
                    if responses.pop("422", None) is not None and "400" not in responses:
                        responses["400"] = _BAD_INPUT
            schemas = schema.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
