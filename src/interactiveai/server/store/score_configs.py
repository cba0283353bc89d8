"""Score configs: the name, data type and allowed values that scores naming them must follow."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from interactiveai.server.errors import BadRequestError
from interactiveai.server.store.fields import check_enum, check_number, check_str
from interactiveai.server.store.schema import score_configs

# CORRECTION is what Langfuse v5 sends for corrected outputs; it behaves like TEXT.
DATA_TYPES = ("NUMERIC", "BOOLEAN", "CATEGORICAL", "TEXT", "CORRECTION")


def get_score_config(conn: Connection, project_id: str, config_id: str) -> dict[str, Any] | None:
    """One score config, or None."""
    row = conn.execute(
        select(score_configs).where(
            score_configs.c.project_id == project_id, score_configs.c.id == config_id
        )
    ).first()
    return dict(row._mapping) if row else None


def _categories(value: object, data_type: str) -> list[dict[str, Any]] | None:
    if data_type == "BOOLEAN":
        # As in Langfuse: a boolean config has the two fixed categories.
        return [{"label": "True", "value": 1}, {"label": "False", "value": 0}]
    if data_type != "CATEGORICAL":
        if value not in (None, []):
            raise BadRequestError("categories: only CATEGORICAL configs take categories")
        return None
    if not isinstance(value, list) or not value:
        raise BadRequestError("categories: CATEGORICAL configs need a non-empty list")
    out: list[dict[str, Any]] = []
    labels: set[str] = set()
    values: set[float] = set()
    for i, cat in enumerate(value):
        if not isinstance(cat, dict):
            raise BadRequestError(f"categories[{i}]: must be an object {{label, value}}")
        label = check_str(cat.get("label"), f"categories[{i}].label", 255, required=True)
        number = check_number(cat.get("value"), f"categories[{i}].value")
        assert label is not None
        if label in labels or number in values:
            raise BadRequestError(f"categories[{i}]: labels and values must be unique")
        labels.add(label)
        values.add(number)
        # Whole numbers are kept as ints (as sent); huge ones stay floats so JSON can hold them.
        whole = number.is_integer() and abs(number) < 2**53
        out.append({"label": label, "value": int(number) if whole else number})
    return out


def create_score_config(conn: Connection, project_id: str, **fields: Any) -> str:
    """Validate and insert a score config; returns its id.

    Fields (snake_case): name, data_type, categories, min_value, max_value, description,
    is_archived, config_id.
    """
    unknown = set(fields) - {
        "name",
        "data_type",
        "categories",
        "min_value",
        "max_value",
        "description",
        "is_archived",
        "config_id",
    }
    if unknown:
        raise BadRequestError(f"{sorted(unknown)[0]}: unknown score config field")
    name = check_str(fields.get("name"), "name", 255, required=True)
    dtype = check_enum(fields.get("data_type"), "dataType", DATA_TYPES)
    lo = fields.get("min_value")
    hi = fields.get("max_value")
    lo_f = None if lo is None else check_number(lo, "minValue")
    hi_f = None if hi is None else check_number(hi, "maxValue")
    if dtype != "NUMERIC" and (lo_f is not None or hi_f is not None):
        raise BadRequestError("minValue: only NUMERIC configs take minValue/maxValue")
    if lo_f is not None and hi_f is not None and lo_f > hi_f:
        raise BadRequestError(f"minValue: {lo_f:g} is greater than maxValue {hi_f:g}")
    archived = fields.get("is_archived") or False
    if not isinstance(archived, bool):
        raise BadRequestError("isArchived: must be a boolean")
    now = datetime.now(UTC)
    config_id = check_str(fields.get("config_id"), "id", 64) or str(uuid.uuid4())
    conn.execute(
        insert(score_configs).values(
            project_id=project_id,
            id=config_id,
            name=name,
            data_type=dtype,
            categories=_categories(fields.get("categories"), dtype),
            min_value=lo_f,
            max_value=hi_f,
            description=check_str(fields.get("description"), "description", 10_000),
            is_archived=archived,
            created_at=now,
            updated_at=now,
        )
    )
    return config_id


def list_score_configs(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    """The project's score configs, by name."""
    rows = conn.execute(
        select(score_configs)
        .where(score_configs.c.project_id == project_id)
        .order_by(score_configs.c.name, score_configs.c.id)
    )
    return [dict(r._mapping) for r in rows]


def set_score_config_archived(
    conn: Connection, project_id: str, config_id: str, archived: bool
) -> bool:
    """Archive or restore a config; False when it does not exist."""
    c = score_configs.c
    result = conn.execute(
        update(score_configs)
        .where(c.project_id == project_id, c.id == config_id)
        .values(is_archived=archived, updated_at=datetime.now(UTC))
    )
    return bool(result.rowcount)
