"""Field checks shared by the store's validating writers; errors name the API field."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from interactiveai.server.errors import BadRequestError


def check_str(value: object, field: str, max_len: int, *, required: bool = False) -> str | None:
    """A string field within its column length; raises BadRequestError naming the field."""
    if value is None:
        if required:
            raise BadRequestError(f"{field}: is required")
        return None
    if not isinstance(value, str):
        raise BadRequestError(f"{field}: must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise BadRequestError(f"{field}: must not be empty")
    if "\x00" in value:
        raise BadRequestError(f"{field}: must not contain NUL characters")
    if len(value) > max_len:
        raise BadRequestError(f"{field}: is {len(value)} characters long; the limit is {max_len}")
    return value


def check_number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequestError(f"{field}: must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise BadRequestError(f"{field}: must be a finite number")
    return number


def check_enum(value: object, field: str, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value.upper() not in allowed:
        raise BadRequestError(f"{field}: must be one of {', '.join(allowed)}, got {value!r}")
    return value.upper()


def scrub(value: Any) -> Any:
    """Replace NUL characters, which PostgreSQL refuses in text and JSON, in every string."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    return value
