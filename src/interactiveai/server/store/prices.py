"""Per-project custom model prices (the `models` table), as Langfuse's `/api/public/models` has them.

A custom price matches observations whose model name matches `match_pattern` (a regular
expression, searched case-sensitively unless it says `(?i)`), from `start_date` on, and
gives a price in USD per unit for each usage key (`input`, `output`, `total`, or any other
key the application reports, e.g. `input_cached_tokens`).
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from interactiveai.server.errors import BadRequestError
from interactiveai.server.store.schema import models

UNITS = ("TOKENS", "CHARACTERS", "MILLISECONDS", "SECONDS", "IMAGES", "REQUESTS")


def _price(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequestError(f"{field}: must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise BadRequestError(f"{field}: must be a finite number >= 0")
    return float(value)


def validate_prices(prices: object) -> dict[str, float]:
    """Prices by usage key; `{"input": {"price": 1e-6}}` (Langfuse) or `{"input": 1e-6}`."""
    if not isinstance(prices, dict) or not prices:
        raise BadRequestError("prices: give at least one price (inputPrice, outputPrice, ...)")
    out: dict[str, float] = {}
    for key, value in prices.items():
        if not isinstance(key, str) or not key or len(key) > 100 or "\x00" in key:
            raise BadRequestError("prices: usage keys must be strings of 1..100 characters")
        if isinstance(value, dict):
            value = value.get("price")
        out[key] = _price(value, f"prices.{key}")
    if "total" in out and len(out) > 1:
        raise BadRequestError(
            "prices.total: a total price cannot be combined with per-key prices "
            "(the total is their sum)"
        )
    return out


def create_model(
    conn: Connection,
    project_id: str,
    *,
    model_name: object,
    match_pattern: object,
    prices: object,
    start_date: datetime | None = None,
    unit: object = None,
    model_id: str | None = None,
) -> str:
    """Validate and insert a custom model price; returns its id."""
    if not isinstance(model_name, str) or not model_name.strip() or len(model_name) > 255:
        raise BadRequestError("modelName: must be a non-empty string of at most 255 characters")
    if not isinstance(match_pattern, str) or not match_pattern or len(match_pattern) > 1024:
        raise BadRequestError("matchPattern: must be a non-empty string of at most 1024 characters")
    if "\x00" in model_name or "\x00" in match_pattern:
        raise BadRequestError("modelName: must not contain NUL characters")
    try:
        re.compile(match_pattern)
    except re.error as exc:
        raise BadRequestError(f"matchPattern: not a valid regular expression: {exc}") from None
    unit_s = "TOKENS" if unit is None else unit
    if not isinstance(unit_s, str) or unit_s.upper() not in UNITS:
        raise BadRequestError(f"unit: must be one of {', '.join(UNITS)}, got {unit!r}")
    checked = validate_prices(prices)
    now = datetime.now(UTC)
    new_id = model_id or str(uuid.uuid4())
    conn.execute(
        insert(models).values(
            project_id=project_id,
            id=new_id,
            model_name=model_name,
            match_pattern=match_pattern,
            start_date=start_date,
            unit=unit_s.upper(),
            prices=checked,
            created_at=now,
            updated_at=now,
        )
    )
    return new_id


def list_models(
    conn: Connection, project_id: str, *, limit: int = 1000, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of the project's custom prices (newest first) and their count."""
    m = models.c
    rows = conn.execute(
        select(models)
        .where(m.project_id == project_id)
        .order_by(m.created_at.desc(), m.id)
        .limit(limit)
        .offset(offset)
    )
    total = conn.execute(
        select(func.count()).select_from(models).where(m.project_id == project_id)
    ).scalar_one()
    return [dict(r._mapping) for r in rows], int(total)


def get_model(conn: Connection, project_id: str, model_id: str) -> dict[str, Any] | None:
    """One custom price, or None."""
    row = conn.execute(
        select(models).where(models.c.project_id == project_id, models.c.id == model_id)
    ).first()
    return dict(row._mapping) if row else None


def delete_model(conn: Connection, project_id: str, model_id: str) -> bool:
    """Delete a custom price; False when it does not exist."""
    m = models.c
    result = conn.execute(delete(models).where(m.project_id == project_id, m.id == model_id))
    return bool(result.rowcount)


def load_models(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    """Every custom price of the project (for the pricing cache)."""
    return list_models(conn, project_id, limit=10_000)[0]
