"""Scores and score configs: validation, upsert, listing, deletion.

A score targets exactly one thing: a trace (optionally one of its observations) or a
session. Scores may arrive before their target (SDKs send them on a separate queue from
spans), so a missing trace or session is not an error; an observation id alone is resolved
to its trace when the observation is known.

Writing is split in two so that the API can validate on a read connection and hand only the
write to the single writer: `prepare_score` validates and returns the row, `write_score`
upserts it. `create_score` does both on one connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, func, insert, select, update

from interactiveai.conventions import id_problem
from interactiveai.server.errors import BadRequestError
from interactiveai.server.store.conditions import equal_to, of_user_traces
from interactiveai.server.store.fields import check_enum, check_number, check_str, scrub
from interactiveai.server.store.schema import observations, scores, traces
from interactiveai.server.store.score_configs import (
    DATA_TYPES,
    create_score_config,
    get_score_config,
    list_score_configs,
    set_score_config_archived,
)

__all__ = [
    "DATA_TYPES",
    "SOURCES",
    "ScoreFilter",
    "create_score",
    "create_score_config",
    "delete_score",
    "get_score",
    "get_score_config",
    "list_score_configs",
    "list_scores",
    "page_scores",
    "prepare_score",
    "set_score_config_archived",
    "write_score",
]

SOURCES = ("API", "ANNOTATION", "EVAL")
# As in Langfuse: text score values are 1..500 characters.
MAX_TEXT_VALUE = 500


def _format_bool(value: float) -> str:
    return "True" if value == 1 else "False"


def _typed_value(
    data_type: str, value: object, config: Mapping[str, Any] | None
) -> tuple[float | None, str | None]:
    """(value, string_value) for a score of `data_type`, checked against its config."""
    if data_type == "NUMERIC":
        number = check_number(value, "value")
        if config is not None:
            lo, hi = config["min_value"], config["max_value"]
            if lo is not None and number < lo:
                raise BadRequestError(f"value: {number} is below the config's minValue {lo}")
            if hi is not None and number > hi:
                raise BadRequestError(f"value: {number} is above the config's maxValue {hi}")
        return number, None
    if data_type == "BOOLEAN":
        if isinstance(value, bool):
            return float(value), _format_bool(float(value))
        if isinstance(value, str) and value.lower() in ("true", "false"):
            number = 1.0 if value.lower() == "true" else 0.0
            return number, _format_bool(number)
        number = check_number(value, "value")
        if number not in (0.0, 1.0):
            raise BadRequestError(f"value: BOOLEAN scores take 0 or 1, got {number:g}")
        return number, _format_bool(number)
    if data_type in ("TEXT", "CORRECTION"):
        limit = MAX_TEXT_VALUE if data_type == "TEXT" else 100_000
        text = check_str(value, "value", limit, required=True)
        return None, text
    # CATEGORICAL: a label (string); with a config, the label maps to the category's value.
    categories = list((config or {}).get("categories") or [])
    if isinstance(value, str):
        label = check_str(value, "value", 1000, required=True)
        if not categories:
            return None, label
        for cat in categories:
            if cat.get("label") == label:
                return float(cat["value"]), label
        labels = ", ".join(str(c.get("label")) for c in categories)
        raise BadRequestError(f"value: {label!r} is not a category of the config ({labels})")
    number = check_number(value, "value")
    for cat in categories:
        if float(cat.get("value")) == number:
            return number, str(cat.get("label"))
    raise BadRequestError("value: CATEGORICAL scores take a string label (or a config's value)")


def prepare_score(
    conn: Connection,
    project_id: str,
    *,
    name: object,
    value: object,
    data_type: object = None,
    trace_id: object = None,
    observation_id: object = None,
    session_id: object = None,
    comment: object = None,
    metadata: object = None,
    source: object = "API",
    config_id: object = None,
    environment: object = None,
    author_user_id: object = None,
    score_id: object = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """Validate a score and return its row (not written); raises BadRequestError/NotFoundError."""
    name_s = check_str(name, "name", 255, required=True)
    trace_s = check_str(trace_id, "traceId", 64)
    obs_s = check_str(observation_id, "observationId", 64)
    session_s = check_str(session_id, "sessionId", 199)
    if session_s is not None and (problem := id_problem(session_s, "sessionId")):
        raise BadRequestError(problem)
    if obs_s is not None and trace_s is None and session_s is None:
        # An observation alone: find the trace it belongs to.
        trace_s = conn.execute(
            select(observations.c.trace_id).where(
                observations.c.project_id == project_id, observations.c.id == obs_s
            )
        ).scalar_one_or_none()
        if trace_s is None:
            raise BadRequestError(
                "traceId: is required with observationId when the observation is not known yet"
            )
    if (trace_s is None) == (session_s is None):
        raise BadRequestError(
            "traceId, sessionId: a score targets exactly one of a trace (optionally with "
            "observationId) or a session"
        )
    if obs_s is not None and session_s is not None:
        raise BadRequestError("observationId: a session score cannot target an observation")
    config_s = check_str(config_id, "configId", 64)
    config = None
    if config_s is not None:
        config = get_score_config(conn, project_id, config_s)
        if config is None:
            raise BadRequestError(f"configId: no score config {config_s!r} in this project")
        if config["is_archived"]:
            raise BadRequestError(f"configId: score config {config_s!r} is archived")
        if name_s != config["name"]:
            raise BadRequestError(
                f"name: {name_s!r} does not match the config's name {config['name']!r}"
            )
    if data_type is not None:
        dtype = check_enum(data_type, "dataType", DATA_TYPES)
        if config is not None and dtype != config["data_type"]:
            raise BadRequestError(
                f"dataType: {dtype} does not match the config's dataType {config['data_type']}"
            )
    elif config is not None:
        dtype = config["data_type"]
    else:
        dtype = "CATEGORICAL" if isinstance(value, str) else "NUMERIC"
        if isinstance(value, bool):
            dtype = "BOOLEAN"
    number, string = _typed_value(dtype, value, config)
    if metadata is not None and not isinstance(metadata, dict):
        # Langfuse SDKs send any JSON value; readers expect an object, so wrap it.
        metadata = {"value": metadata}
    now = datetime.now(UTC)
    sid = check_str(score_id, "id", 64)
    return {
        "project_id": project_id,
        "id": sid or str(uuid.uuid4()),
        "trace_id": trace_s,
        "observation_id": obs_s,
        "session_id": session_s,
        "name": name_s,
        "value": number,
        "string_value": string,
        "data_type": dtype,
        "source": check_enum(source or "API", "source", SOURCES),
        "comment": check_str(comment, "comment", 100_000),
        "metadata": scrub(metadata),
        "config_id": config_s,
        "environment": check_str(environment, "environment", 255) or "default",
        "author_user_id": check_str(author_user_id, "authorUserId", 64),
        "timestamp": timestamp or now,
        "created_at": now,
        "updated_at": now,
    }


def write_score(conn: Connection, row: Mapping[str, Any]) -> None:
    """Insert the score, or replace the fields of the score with the same id (an upsert)."""
    c = scores.c
    key = and_(c.project_id == row["project_id"], c.id == row["id"])
    changes = {k: v for k, v in row.items() if k not in ("project_id", "id", "created_at")}
    if conn.execute(update(scores).where(key).values(changes)).rowcount == 0:
        conn.execute(insert(scores).values(dict(row)))


def create_score(
    conn: Connection,
    project_id: str,
    *,
    name: str,
    value: float | str,
    data_type: str | None = None,
    trace_id: str | None = None,
    observation_id: str | None = None,
    session_id: str | None = None,
    comment: str | None = None,
    metadata: dict[str, Any] | None = None,
    source: str = "API",
    config_id: str | None = None,
    environment: str | None = None,
    author_user_id: str | None = None,
    score_id: str | None = None,
    timestamp: datetime | None = None,
) -> str:
    """Validate and upsert a score; returns its id. Raises BadRequestError naming the field."""
    row = prepare_score(
        conn,
        project_id,
        name=name,
        value=value,
        data_type=data_type,
        trace_id=trace_id,
        observation_id=observation_id,
        session_id=session_id,
        comment=comment,
        metadata=metadata,
        source=source,
        config_id=config_id,
        environment=environment,
        author_user_id=author_user_id,
        score_id=score_id,
        timestamp=timestamp,
    )
    write_score(conn, row)
    return str(row["id"])


@dataclass(slots=True)
class ScoreFilter:
    """Filters of the scores list; every given field narrows it."""

    session_id: str | None = None
    trace_id: str | None = None
    observation_id: str | None = None
    user_id: str | None = None
    name: str | None = None
    source: str | None = None
    data_type: str | None = None
    config_id: str | None = None
    environments: Sequence[str] = ()
    from_timestamp: datetime | None = None
    to_timestamp: datetime | None = None
    min_value: float | None = None
    max_value: float | None = None
    score_ids: Sequence[str] = ()
    # (operator, number): one of <, >, <=, >=, =, != against the numeric value.
    value_op: tuple[str, float] | None = None


def _score_conditions(project_id: str, f: ScoreFilter) -> list[ColumnElement[bool]]:
    c = scores.c
    cond: list[ColumnElement[bool]] = [c.project_id == project_id]
    cond += equal_to(
        (
            (f.session_id, c.session_id),
            (f.trace_id, c.trace_id),
            (f.observation_id, c.observation_id),
            (f.name, c.name),
            (f.source, c.source),
            (f.data_type, c.data_type),
            (f.config_id, c.config_id),
        )
    )
    if f.user_id is not None:
        cond.append(c.trace_id.in_(of_user_traces(traces.c.id, project_id, f.user_id)))
    if f.environments:
        cond.append(c.environment.in_(list(f.environments)))
    if f.from_timestamp is not None:
        cond.append(c.timestamp >= f.from_timestamp)
    if f.to_timestamp is not None:
        cond.append(c.timestamp < f.to_timestamp)
    if f.min_value is not None:
        cond.append(c.value >= f.min_value)
    if f.max_value is not None:
        cond.append(c.value <= f.max_value)
    if f.score_ids:
        cond.append(c.id.in_(list(f.score_ids)))
    if f.value_op is not None:
        op, number = f.value_op
        compare = {
            "<": c.value < number,
            ">": c.value > number,
            "<=": c.value <= number,
            ">=": c.value >= number,
            "=": c.value == number,
            "!=": c.value != number,
        }.get(op)
        if compare is None:
            raise BadRequestError(f"operator: unknown operator {op!r}")
        cond.append(compare)
    return cond


def page_scores(
    conn: Connection, project_id: str, f: ScoreFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of scores, newest first, and the total count."""
    cond = and_(*_score_conditions(project_id, f))
    rows = conn.execute(
        select(scores)
        .where(cond)
        .order_by(scores.c.timestamp.desc(), scores.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = conn.execute(select(func.count()).select_from(scores).where(cond)).scalar_one()
    return [dict(r._mapping) for r in rows], int(total)


def list_scores(
    conn: Connection,
    project_id: str,
    *,
    session_id: str | None = None,
    trace_id: str | None = None,
    observation_id: str | None = None,
    name: str | None = None,
    source: str | None = None,
    data_type: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Scores (snake_case rows), newest first. `session_id` selects session-target scores."""
    f = ScoreFilter(
        session_id=session_id,
        trace_id=trace_id,
        observation_id=observation_id,
        name=name,
        source=source,
        data_type=data_type,
    )
    return page_scores(conn, project_id, f, limit=limit, offset=offset)[0]


def get_score(conn: Connection, project_id: str, score_id: str) -> dict[str, Any] | None:
    """One score, or None."""
    row = conn.execute(
        select(scores).where(scores.c.project_id == project_id, scores.c.id == score_id)
    ).first()
    return dict(row._mapping) if row else None


def delete_score(conn: Connection, project_id: str, score_id: str) -> bool:
    """Delete one score; False when it does not exist in the project."""
    c = scores.c
    result = conn.execute(delete(scores).where(c.project_id == project_id, c.id == score_id))
    return bool(result.rowcount)


# -- session-score filters and sorting of the sessions list ----------------------------------
