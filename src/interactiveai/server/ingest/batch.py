"""Langfuse batch ingestion (`POST /api/public/ingestion`): events to records, each event alone.

A batch is `{"batch": [{"id", "type", "timestamp", "body"}...], "metadata": {...}}`. Every
event is validated on its own; a bad one becomes an entry in `errors` and the others go on.
`*-create` and `*-update` events both become records that the write path merges into what
exists (a given field wins, an absent one keeps the stored value), so an update may even
arrive before its create. Score events are returned raw: validating them needs the
database (score configs), which the route does with a read connection.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from interactiveai.conventions import MAX_ID_LENGTH, OBSERVATION_TYPES, id_problem
from interactiveai.server.errors import BadRequestError
from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.ingest.usage import normalize_cost, normalize_usage
from interactiveai.server.store.fields import scrub

__all__ = ["EVENT_TYPES", "DecodedIngestion", "decode_batch", "parse_time", "scrub"]

LEVELS = ("DEBUG", "DEFAULT", "WARNING", "ERROR")
# Largest usage value per key: keeps sums inside the 32-bit integer columns' reach.
MAX_TOKENS = 1_000_000_000
MAX_EVENTS = 10_000

# event type -> (observation type or None for "keep", is an update)
_OBSERVATION_EVENTS: dict[str, tuple[str | None, bool]] = {
    **{f"{t}-create": (t, False) for t in OBSERVATION_TYPES},
    "span-update": (None, True),
    "generation-update": ("generation", True),
    # Langfuse v1 events: the type rides in the body.
    "observation-create": (None, False),
    "observation-update": (None, True),
}
_USAGE_COSTS = ("inputCost", "outputCost", "totalCost")
EVENT_TYPES = ("trace-create", *_OBSERVATION_EVENTS, "score-create", "sdk-log")


@dataclass(slots=True)
class DecodedIngestion:
    """What a batch decodes to: records to write, score bodies to validate, and answers."""

    observations: list[ObservationRecord] = field(default_factory=list)
    traces: list[TraceRecord] = field(default_factory=list)
    # (event id, score body) in batch order.
    scores: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # (event id, record) of updates without traceId whose observation is not in the batch:
    # the route finds their trace in the database (Langfuse makes traceId optional there).
    unresolved: list[tuple[str, ObservationRecord]] = field(default_factory=list)
    successes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped_session_ids: int = 0

    def fail(self, event_id: str, message: str, status: int = 400) -> None:
        """Record a rejected event."""
        self.errors.append(
            {"id": event_id, "status": status, "message": message, "error": "BadRequestError"}
        )


def _str(body: dict[str, Any], key: str, max_len: int = 255) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # ids and versions sent as numbers are kept as text
    if not isinstance(value, str):
        raise BadRequestError(f"body.{key}: must be a string, got {type(value).__name__}")
    if len(value) > max_len:
        raise BadRequestError(f"body.{key}: is {len(value)} characters long; limit {max_len}")
    return value


def parse_time(value: Any, where: str) -> datetime | None:
    """An ISO 8601 timestamp (UTC when it has no offset), or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequestError(f"{where}: must be an ISO 8601 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRequestError(f"{where}: {value[:40]!r} is not an ISO 8601 timestamp") from None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:
        raise BadRequestError(f"{where}: {value[:40]!r} is out of range") from None


def _dict(body: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = body.get(key)
    if value is None:
        return None
    # Langfuse accepts any JSON as metadata; we keep objects, and wrap anything else.
    return value if isinstance(value, dict) else {"value": value}


def _tags(body: dict[str, Any]) -> list[str] | None:
    value = body.get("tags")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise BadRequestError("body.tags: must be an array of strings")
    if any(len(t) > 255 for t in value):
        raise BadRequestError("body.tags: a tag is longer than 255 characters")
    return list(dict.fromkeys(value))


def _id(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = _str(body, key, 64)
    if value is None and required:
        raise BadRequestError(f"body.{key}: is required")
    if value is not None and not value:
        raise BadRequestError(f"body.{key}: must not be empty")
    return value


def _checked_ids(body: dict[str, Any], out: DecodedIngestion) -> tuple[str | None, str | None]:
    """Session and user id under the seed's rule: invalid ones are dropped, and counted."""
    kept: list[str | None] = []
    for key in ("sessionId", "userId"):
        value = body.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        problem = None if value is None else id_problem(value, f"body.{key}")
        if problem:
            out.warnings.append(f"{problem}; it was dropped")
            if key == "sessionId":
                out.dropped_session_ids += 1
            value = None
        kept.append(value if isinstance(value, str) else None)
    return kept[0], kept[1]


def _trace(body: dict[str, Any], out: DecodedIngestion, event_time: datetime | None) -> None:
    session_id, user_id = _checked_ids(body, out)
    public = body.get("public")
    if public is not None and not isinstance(public, bool):
        raise BadRequestError("body.public: must be a boolean")
    out.traces.append(
        TraceRecord(
            id=_id(body, "id") or uuid.uuid4().hex,
            timestamp=parse_time(body.get("timestamp"), "body.timestamp") or event_time,
            name=_str(body, "name", 1024),
            user_id=user_id,
            session_id=session_id,
            input=body.get("input"),
            output=body.get("output"),
            metadata=_dict(body, "metadata"),
            tags=_tags(body),
            public=public,
            release=_str(body, "release"),
            version=_str(body, "version"),
            environment=_str(body, "environment"),
        )
    )


def _usage(body: dict[str, Any]) -> tuple[dict[str, int] | None, dict[str, float] | None]:
    """Usage and cost from `usageDetails`/`usage` and `costDetails` (or usage's costs)."""
    usage_raw = body.get("usageDetails")
    key = "usageDetails"
    if usage_raw is None:
        usage_raw, key = body.get("usage"), "usage"
    usage: dict[str, int] | None = None
    cost: dict[str, float] | None = None
    if usage_raw is not None:
        if not isinstance(usage_raw, dict):
            raise BadRequestError(f"body.{key}: must be an object of token counts")
        usage = normalize_usage(usage_raw) or None
        for k, v in (usage or {}).items():
            if v > MAX_TOKENS:
                raise BadRequestError(f"body.{key}.{k}: {v} is over the limit of {MAX_TOKENS}")
        # Langfuse v2 `usage` may carry costs: {inputCost, outputCost, totalCost}.
        cost = normalize_cost({k: v for k, v in usage_raw.items() if k in _USAGE_COSTS}) or None
    cost_raw = body.get("costDetails")
    if cost_raw is not None:
        if not isinstance(cost_raw, dict):
            raise BadRequestError("body.costDetails: must be an object of USD amounts")
        for k, v in cost_raw.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise BadRequestError(f"body.costDetails.{k}: must be a finite number")
        cost = normalize_cost(cost_raw) or cost
    return usage, cost


def _observation(
    body: dict[str, Any],
    event_type: str,
    out: DecodedIngestion,
    event_time: datetime | None,
    event_id: str,
) -> bool:
    """Decode an observation event; False when its trace is to be found later."""
    obs_type, is_update = _OBSERVATION_EVENTS[event_type]
    if event_type.startswith("observation-"):
        raw_type = body.get("type")
        if raw_type is not None:
            if not isinstance(raw_type, str) or raw_type.lower() not in OBSERVATION_TYPES:
                raise BadRequestError(f"body.type: unknown observation type {raw_type!r}")
            obs_type = raw_type.lower()
    obs_id = _id(body, "id", required=is_update) or uuid.uuid4().hex[:16]
    trace_id = _id(body, "traceId")
    if trace_id is None and not is_update:
        # As Langfuse does: an observation without a trace gets a trace of its own.
        trace_id = uuid.uuid4().hex
    level = body.get("level")
    if level is not None and (not isinstance(level, str) or level.upper() not in LEVELS):
        raise BadRequestError(f"body.level: must be one of {', '.join(LEVELS)}, got {level!r}")
    prompt_version = body.get("promptVersion")
    if prompt_version is not None and (
        isinstance(prompt_version, bool)
        or not isinstance(prompt_version, int)
        or not 0 <= prompt_version < 2**31
    ):
        raise BadRequestError("body.promptVersion: must be a non-negative integer")
    params = body.get("modelParameters")
    if params is not None and not isinstance(params, dict):
        raise BadRequestError("body.modelParameters: must be an object")
    usage, cost = _usage(body)
    start = parse_time(body.get("startTime"), "body.startTime")
    if start is None and not is_update:
        start = event_time
    end = parse_time(body.get("endTime"), "body.endTime")
    if end is not None and start is not None and end < start:
        raise BadRequestError("body.endTime: is before body.startTime")
    record = ObservationRecord(
        id=obs_id,
        trace_id=trace_id or "",
        type=obs_type,
        name=_str(body, "name", 1024),
        parent_observation_id=_id(body, "parentObservationId"),
        start_time=start,
        end_time=end,
        completion_start_time=parse_time(
            body.get("completionStartTime"), "body.completionStartTime"
        ),
        model=_str(body, "model"),
        model_parameters=params,
        input=body.get("input"),
        output=body.get("output"),
        metadata=_dict(body, "metadata"),
        level=level.upper() if isinstance(level, str) else None,
        status_message=_str(body, "statusMessage", 100_000),
        version=_str(body, "version"),
        environment=_str(body, "environment"),
        usage_details=usage,
        cost_details=cost,
        prompt_name=_str(body, "promptName"),
        prompt_version=prompt_version,
    )
    if trace_id is None:
        out.unresolved.append((event_id, record))
        return False
    out.observations.append(record)
    if not is_update:
        # The trace exists as soon as one of its observations does.
        out.traces.append(TraceRecord(id=trace_id, environment=_str(body, "environment")))
    return True


def decode_batch(payload: Any) -> DecodedIngestion:
    """Validate a batch envelope and decode each event alone."""
    if not isinstance(payload, dict):
        raise BadRequestError('body: must be a JSON object {"batch": [...]}')
    batch = payload.get("batch")
    if not isinstance(batch, list):
        raise BadRequestError("batch: must be an array of events")
    if len(batch) > MAX_EVENTS:
        raise BadRequestError(f"batch: has {len(batch)} events; the limit is {MAX_EVENTS}")
    out = DecodedIngestion()
    for index, event in enumerate(batch):
        event_id = (
            event.get("id")
            if isinstance(event, dict) and isinstance(event.get("id"), str)
            else None
        )
        label = event_id if event_id is not None else f"batch[{index}]"
        try:
            decided = _decode_event(event, event_id, out)
        except BadRequestError as exc:
            out.fail(label, exc.message)
            continue
        if decided:
            out.successes.append({"id": label, "status": 201})
    _resolve_in_batch(out)
    return out


def _resolve_in_batch(out: DecodedIngestion) -> None:
    """Give updates without traceId the trace of their observation when the batch has it."""
    traces_of = {rec.id: rec.trace_id for rec in out.observations}
    still: list[tuple[str, ObservationRecord]] = []
    for event_id, rec in out.unresolved:
        trace_id = traces_of.get(rec.id)
        if trace_id is None:
            still.append((event_id, rec))
            continue
        rec.trace_id = trace_id
        out.observations.append(rec)
        out.successes.append({"id": event_id, "status": 201})
    out.unresolved = still


def _decode_event(event: Any, event_id: str | None, out: DecodedIngestion) -> bool:
    """Decode one event into `out`; False when its outcome is decided later (scores,
    updates whose trace is to be looked up)."""
    if not isinstance(event, dict):
        raise BadRequestError("event: must be an object {id, type, timestamp, body}")
    if event_id is None or not event_id or len(event_id) > MAX_ID_LENGTH:
        raise BadRequestError("id: every event needs a string id of 1..199 characters")
    event_type = event.get("type")
    if event_type not in EVENT_TYPES:
        raise BadRequestError(
            f"type: unknown event type {event_type!r}; use one of {', '.join(EVENT_TYPES)}"
        )
    event_time = parse_time(event.get("timestamp"), "timestamp")
    body = event.get("body")
    if not isinstance(body, dict):
        raise BadRequestError("body: must be an object")
    if event_type == "sdk-log":
        return True  # accepted, not stored
    if event_type == "trace-create":
        _trace(body, out, event_time)
    elif event_type == "score-create":
        out.scores.append((event_id, body))
        return False
    else:
        return _observation(body, event_type, out, event_time, event_id)
    return True
