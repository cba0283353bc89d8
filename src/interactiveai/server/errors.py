"""The one error family of the server: every HTTP error carries its status and name.

The API turns any of these into `{"message": ..., "error": ...}` with the status.
"""

from __future__ import annotations


class APIError(Exception):
    """Base of all errors answered to a client; `message` names what is wrong."""

    status: int = 500
    error: str = "InternalServerError"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequestError(APIError):
    """The request is malformed or a field is invalid (400)."""

    status = 400
    error = "BadRequestError"


class UnauthorizedError(APIError):
    """No valid API key (401)."""

    status = 401
    error = "UnauthorizedError"


class ForbiddenError(APIError):
    """A valid key asking for something it may not see (403)."""

    status = 403
    error = "ForbiddenError"


class NotFoundError(APIError):
    """The named object does not exist in this project (404)."""

    status = 404
    error = "NotFoundError"


class PayloadTooLargeError(APIError):
    """The body is over the configured limit (413)."""

    status = 413
    error = "PayloadTooLargeError"


class UnsupportedMediaTypeError(BadRequestError):
    """The content type is not one we decode (answered 400, as the spec says)."""

    error = "UnsupportedMediaTypeError"


class OverloadedError(APIError):
    """The write queue is full; the client should retry after a while (503)."""

    status = 503
    error = "ServiceUnavailableError"

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
