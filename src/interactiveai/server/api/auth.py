"""HTTP Basic auth with project API keys: `public_key:secret_key` -> project id."""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time

from fastapi import Request
from sqlalchemy import Engine

from interactiveai.server.errors import UnauthorizedError
from interactiveai.server.store.projects import verify_api_key

_CACHE_SECONDS = 30.0


class KeyVerifier:
    """Checks key pairs against the database, remembering good ones briefly.

    The cache keeps the per-request cost of auth at a dict lookup under ingestion load; a
    revoked key stops working within `_CACHE_SECONDS` in every server process.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop every cached key (after a revoke in this process)."""
        with self._lock:
            self._cache.clear()

    def project_for(self, authorization: str | None) -> str:
        """The project id of the request's key; raises UnauthorizedError."""
        if not authorization:
            raise UnauthorizedError(
                "missing Authorization header: use HTTP Basic auth with public key and secret key"
            )
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "basic" or not token:
            raise UnauthorizedError("Authorization must be HTTP Basic (public_key:secret_key)")
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise UnauthorizedError("Authorization header is not valid base64") from None
        public_key, sep, secret_key = decoded.partition(":")
        if not sep or not public_key or not secret_key:
            raise UnauthorizedError("Authorization must carry public_key:secret_key")
        cache_key = (public_key, hashlib.sha256(secret_key.encode()).hexdigest())
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(cache_key)
        if hit is not None and hit[1] > now:
            return hit[0]
        with self.engine.connect() as conn:
            project_id = verify_api_key(conn, public_key, secret_key)
        if project_id is None:
            raise UnauthorizedError("invalid API key: unknown public key or wrong secret key")
        with self._lock:
            self._cache[cache_key] = (project_id, now + _CACHE_SECONDS)
        return project_id


def project_id(request: Request) -> str:
    """FastAPI dependency: the project of the request's API key."""
    verifier: KeyVerifier = request.app.state.keys
    return verifier.project_for(request.headers.get("authorization"))
