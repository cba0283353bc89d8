"""Turn any Python value into a JSON string for a span attribute; never raises.

Fast path: `json.dumps` with a `default` hook for common non-JSON types. If that fails
(cycles, NaN, non-string keys, absurd nesting, a hook that raises), a careful walk
rebuilds a JSON-safe copy. Anything unknown becomes its `repr`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import json
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

MAX_DEPTH = 64


def to_json(value: Any) -> str:
    """JSON text for `value`; unknown objects become their repr, nothing raises."""
    if value.__class__ is str:
        # The common case for LLM inputs/outputs: straight to the C string encoder.
        return _encode_string(value)
    try:
        return "".join(_encode_chunks(value, 0))
    except Exception:
        pass
    try:
        return _plain.encode(_sanitize(value, 0, set()))
    except Exception:
        return _encode_string(_safe_repr(value))


def _default(obj: Any) -> Any:
    """`json.dumps` hook: a JSON-ready stand-in for one non-JSON object."""
    if isinstance(obj, dt.datetime | dt.date | dt.time):
        return obj.isoformat()
    if isinstance(obj, dt.timedelta):
        return obj.total_seconds()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # Shallow: fields are encoded by the caller, which recurses with this hook.
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    model_dump = getattr(obj, "model_dump", None)
    if callable(model_dump) and not isinstance(obj, type):
        return model_dump(mode="json")  # pydantic v2
    if hasattr(obj, "dict") and hasattr(obj, "__fields__") and not isinstance(obj, type):
        return obj.dict()  # pydantic v1
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, bytes | bytearray | memoryview):
        return _bytes(bytes(obj))
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, uuid.UUID | PurePath):
        return str(obj)
    if isinstance(obj, Decimal):
        return float(obj) if obj.is_finite() else str(obj)
    if isinstance(obj, BaseException):
        return f"{type(obj).__name__}: {obj}"
    return _safe_repr(obj)


# Built once: json.dumps() with non-default options builds a new encoder on every call.
_fast = json.JSONEncoder(
    default=_default, ensure_ascii=False, allow_nan=False, separators=(",", ":")
)
_plain = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_encode_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _chunk_encoder() -> Callable[[Any, int], Sequence[str]]:
    """`_fast`'s encoding as chunks, from a C encoder made once (about 1 us of the SDK's 25).

    json's encode() makes a fresh C encoder on every call so that it can pass a fresh dict
    for cycle detection. This one is made once with no cycle check: a cyclic value makes it
    hit the recursion limit (about 1 ms), which raises like any other failure and takes the
    careful walk in to_json().
    """

    def fallback(value: Any, _level: int) -> Sequence[str]:
        return (_fast.encode(value),)

    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the _json accelerator
        return fallback
    try:
        encoder: Callable[[Any, int], Sequence[str]] = make(
            None, _default, _encode_string, None, ":", ",", False, False, False
        )
    except TypeError:  # a Python whose C encoder takes other arguments
        return fallback
    return encoder


_encode_chunks = _chunk_encoder()


def _bytes(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode("ascii")


def _safe_repr(obj: Any) -> str:
    try:
        return repr(obj)
    except Exception:
        return f"<unserializable {type(obj).__name__}>"


def _sanitize(value: Any, depth: int, seen: set[int]) -> Any:
    """A JSON-safe copy of `value`: cycles cut, NaN named, keys stringified, depth bounded."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth >= MAX_DEPTH:
        return "<max depth>"
    marker = id(value)
    if marker in seen:
        return "<circular>"
    if isinstance(value, dict | list):
        seen.add(marker)
        try:
            if isinstance(value, dict):
                return {_key(k): _sanitize(v, depth + 1, seen) for k, v in list(value.items())}
            return [_sanitize(v, depth + 1, seen) for v in list(value)]
        finally:
            seen.discard(marker)
    try:
        stand_in = _default(value)
    except Exception:
        return _safe_repr(value)
    if stand_in is value:  # defensive: a hook that returns its input would loop
        return _safe_repr(value)
    seen.add(marker)
    try:
        return _sanitize(stand_in, depth + 1, seen)
    finally:
        seen.discard(marker)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, enum.Enum):
        return str(key.value)
    return _safe_repr(key) if not isinstance(key, int | float | bool) else json.dumps(key)
