"""Small value conversions shared by the mappers: JSON text, tags, booleans, times, ids."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_JSON_OPENERS = frozenset('{["')


def finite_or_text(number: float) -> float | str:
    """A double attribute as is, or NaN/±Infinity as text: JSON (and PostgreSQL) cannot hold them."""
    if math.isfinite(number):
        return number
    return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")


def from_json(value: Any) -> Any:
    """A string that holds JSON (as our and Langfuse's SDKs always send) decoded, else as is."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def maybe_json(value: Any) -> Any:
    """Decode only strings that look like a JSON object, array or string; keep plain text."""
    if isinstance(value, str) and value:
        head = value[0]
        if head in _JSON_OPENERS or (head.isspace() and value.lstrip()[:1] in _JSON_OPENERS):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                return value
    return value


def as_object(value: Any) -> dict[str, Any] | None:
    """A JSON object (string or mapping) as a dict; any other JSON value wrapped as `metadata`."""
    parsed = from_json(value)
    if parsed is None:
        return None
    if isinstance(parsed, dict):
        return parsed
    return {"metadata": parsed}


def as_bool(value: Any) -> bool | None:
    """`true`/`"true"` → True, `false`/`"false"` → False, anything else → None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
    return None


def as_id(value: Any) -> str:
    """Ids may arrive as numbers; the spec stores them as strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_text(value: Any) -> str | None:
    """A scalar attribute as a string (None stays None); JSON-quoted strings are unquoted."""
    if value is None:
        return None
    if isinstance(value, str):
        if value[:1] == '"':
            decoded = from_json(value)
            if isinstance(decoded, str):
                return decoded
        return value
    return as_id(value)


def as_tags(value: Any) -> list[str] | None:
    """Tags from a string array, a JSON-array string, a comma-separated string or one string."""
    items: Iterable[Any]
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            parsed = maybe_json(text)
            items = parsed if isinstance(parsed, list) else [text]
        elif "," in text:
            items = text.split(",")
        else:
            items = [text]
    elif isinstance(value, list | tuple):
        items = value
    elif value is None:
        return None
    else:
        items = [value]
    tags = [t for t in (str(i).strip() for i in items if i is not None) if t]
    return list(dict.fromkeys(tags)) if tags else None


def from_unix_nano(ns: int) -> datetime | None:
    """OTLP nanoseconds since the epoch as an aware UTC datetime; 0 means "not set"."""
    if ns <= 0:
        return None
    # timedelta keeps microsecond precision exactly (no float rounding) and is fast.
    return EPOCH + timedelta(microseconds=ns // 1000)


def as_datetime(value: Any) -> datetime | None:
    """ISO 8601 text (JSON-quoted or not) or an epoch number as an aware UTC datetime."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
        # Guess the unit from the magnitude: ns, µs, ms or s since the epoch.
        for scale in (1e18, 1e15, 1e12):
            if abs(number) >= scale / 1e2:
                number /= scale / 1e9
                break
        try:
            return EPOCH + timedelta(seconds=number)
        except OverflowError:
            return None
    if not isinstance(value, str):
        return None
    text = as_text(value) or ""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. year 9999 with a negative offset: no UTC instant exists
        return None
