"""Id rules: the session/user id rule from the seed and the wire formats of trace ids."""

from __future__ import annotations

import re

# The seed: "any US-ASCII character string less than 200 characters".
MAX_ID_LENGTH = 199

OBSERVATION_TYPES: tuple[str, ...] = (
    "span",
    "generation",
    "event",
    "agent",
    "tool",
    "chain",
    "retriever",
    "evaluator",
    "embedding",
    "guardrail",
)

_TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
_OBSERVATION_ID = re.compile(r"^[0-9a-f]{16}$")


def id_problem(value: object, what: str = "session id") -> str | None:
    """Why `value` is not a valid session/user id, or None when it is valid."""
    if not isinstance(value, str):
        return f"{what} must be a string, got {type(value).__name__}"
    if not value:
        return f"{what} must not be empty"
    if len(value) > MAX_ID_LENGTH:
        return f"{what} is {len(value)} characters long; it must be less than 200"
    if not value.isascii():
        return f"{what} contains non US-ASCII characters"
    if "\x00" in value:
        # US-ASCII, but no database keeps it in text (PostgreSQL refuses it outright).
        return f"{what} contains a NUL character"
    return None


def is_valid_session_id(value: object) -> bool:
    """True when `value` is a US-ASCII string of 1 to 199 characters."""
    return id_problem(value) is None


def is_valid_trace_id(value: str) -> bool:
    """True for 32 lowercase hex characters, not all zero."""
    return bool(_TRACE_ID.match(value)) and value != "0" * 32


def is_valid_observation_id(value: str) -> bool:
    """True for 16 lowercase hex characters, not all zero."""
    return bool(_OBSERVATION_ID.match(value)) and value != "0" * 16
