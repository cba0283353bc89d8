"""Rows (snake_case dicts from the query layer) to the public API's camelCase JSON shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with milliseconds: 2025-01-01T00:00:00.000Z."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 6)


def score_json(r: dict[str, Any]) -> dict[str, Any]:
    """A score."""
    return {
        "id": r["id"],
        "projectId": r["project_id"],
        "traceId": r["trace_id"],
        "sessionId": r["session_id"],
        "observationId": r["observation_id"],
        "name": r["name"],
        "value": r["value"],
        "stringValue": r["string_value"],
        "dataType": r["data_type"],
        "source": r["source"],
        "comment": r["comment"],
        "metadata": r["metadata"] or {},
        "configId": r["config_id"],
        "environment": r["environment"],
        "authorUserId": r["author_user_id"],
        "timestamp": iso(r["timestamp"]),
        "createdAt": iso(r["created_at"]),
        "updatedAt": iso(r["updated_at"]),
    }


def session_json(r: dict[str, Any]) -> dict[str, Any]:
    """A session with its aggregates."""
    return {
        "id": r["id"],
        "createdAt": iso(r["created_at"]),
        "projectId": r["project_id"],
        "environment": r["environment"],
        "startTime": iso(r["start_time"]),
        "endTime": iso(r["end_time"]),
        "durationSeconds": r["duration_seconds"],
        "userIds": r["user_ids"] or [],
        "countTraces": r["count_traces"],
        "countObservations": r["count_observations"],
        "errorCount": r["error_count"],
        "inputCost": r["input_cost"],
        "outputCost": r["output_cost"],
        "totalCost": r["total_cost"],
        "inputTokens": r["input_tokens"],
        "outputTokens": r["output_tokens"],
        "totalTokens": r["total_tokens"],
        "usageByModel": r["usage_by_model"] or {},
        "tags": r["tags"] or [],
        "scores": [score_json(s) for s in r.get("scores", ())],
        "bookmarked": bool(r["bookmarked"]),
        "lastActivityAt": iso(r["last_activity_at"]),
    }


def trace_json(r: dict[str, Any]) -> dict[str, Any]:
    """A trace; `observations`/`scores` are ids in lists, full objects in the single view."""
    out = {
        "id": r["id"],
        "projectId": r["project_id"],
        "timestamp": iso(r["timestamp"]),
        "name": r["name"],
        "input": r["input"],
        "output": r["output"],
        "sessionId": r["session_id"],
        "release": r["release"],
        "version": r["version"],
        "userId": r["user_id"],
        "metadata": r["metadata"] or {},
        "tags": r["tags"] or [],
        "public": bool(r["public"]),
        "bookmarked": bool(r["bookmarked"]),
        "environment": r["environment"],
        "htmlPath": f"/project/{r['project_id']}/traces/{r['id']}",
        "latency": _seconds(r["start_time"], r["end_time"]) or 0.0,
        "startTime": iso(r["start_time"]),
        "endTime": iso(r["end_time"]),
        "countObservations": r["observation_count"],
        "errorCount": r["error_count"],
        "inputCost": r["input_cost"],
        "outputCost": r["output_cost"],
        "totalCost": r["total_cost"],
        "inputTokens": r["input_tokens"],
        "outputTokens": r["output_tokens"],
        "totalTokens": r["total_tokens"],
        "usageByModel": r["usage_by_model"] or {},
        "createdAt": iso(r["created_at"]),
        "updatedAt": iso(r["updated_at"]),
    }
    if "observations" in r:
        out["observations"] = [observation_json(o) for o in r["observations"]]
        out["scores"] = [score_json(s) for s in r["scores"]]
    else:
        out["observations"] = r.get("observation_ids", [])
        out["scores"] = r.get("score_ids", [])
    return out


def observation_json(r: dict[str, Any]) -> dict[str, Any]:
    """An observation; `type` in upper case as Langfuse has it."""
    usage = r["usage_details"] or {}
    return {
        "id": r["id"],
        "projectId": r["project_id"],
        "traceId": r["trace_id"],
        "type": (r["type"] or "span").upper(),
        "name": r["name"],
        "startTime": iso(r["start_time"]),
        "endTime": iso(r["end_time"]),
        "completionStartTime": iso(r["completion_start_time"]),
        "model": r["model"],
        "modelParameters": r["model_parameters"] or {},
        "input": r["input"],
        "output": r["output"],
        "metadata": r["metadata"] or {},
        "level": r["level"],
        "statusMessage": r["status_message"],
        "parentObservationId": r["parent_observation_id"],
        "version": r["version"],
        "environment": r["environment"],
        "promptName": r["prompt_name"],
        "promptVersion": r["prompt_version"],
        "usageDetails": usage,
        "costDetails": r["cost_details"] or {},
        "usage": {
            "input": r["input_tokens"],
            "output": r["output_tokens"],
            "total": r["total_tokens"],
            "unit": "TOKENS",
        },
        "inputCost": r["input_cost"],
        "outputCost": r["output_cost"],
        "totalCost": r["total_cost"],
        "latency": _seconds(r["start_time"], r["end_time"]),
        "timeToFirstToken": _seconds(r["start_time"], r["completion_start_time"]),
    }


def page_meta(page: int, limit: int, total: int) -> dict[str, int]:
    """The `meta` block of a paginated answer."""
    return {
        "page": page,
        "limit": limit,
        "totalItems": total,
        "totalPages": (total + limit - 1) // limit,
    }


def score_config_json(r: dict[str, Any]) -> dict[str, Any]:
    """A score config."""
    return {
        "id": r["id"],
        "projectId": r["project_id"],
        "name": r["name"],
        "dataType": r["data_type"],
        "categories": r["categories"],
        "minValue": r["min_value"],
        "maxValue": r["max_value"],
        "description": r["description"],
        "isArchived": bool(r["is_archived"]),
        "createdAt": iso(r["created_at"]),
        "updatedAt": iso(r["updated_at"]),
    }


def comment_json(r: dict[str, Any]) -> dict[str, Any]:
    """A comment."""
    return {
        "id": r["id"],
        "projectId": r["project_id"],
        "objectType": r["object_type"],
        "objectId": r["object_id"],
        "content": r["content"],
        "authorUserId": r["author_user_id"],
        "createdAt": iso(r["created_at"]),
        "updatedAt": iso(r["updated_at"]),
    }


def model_json(r: dict[str, Any]) -> dict[str, Any]:
    """A custom model price in Langfuse's shape (flat prices, `prices`, one default tier)."""
    prices: dict[str, float] = r["prices"] or {}
    return {
        "id": r["id"],
        "modelName": r["model_name"],
        "matchPattern": r["match_pattern"],
        "startDate": iso(r["start_date"]),
        "unit": r["unit"],
        "inputPrice": prices.get("input"),
        "outputPrice": prices.get("output"),
        "totalPrice": prices.get("total"),
        "tokenizerId": None,
        "tokenizerConfig": None,
        "isLangfuseManaged": False,
        "createdAt": iso(r["created_at"]),
        "prices": {k: {"price": v} for k, v in prices.items()},
        "pricingTiers": [
            {
                "id": f"{r['id']}-standard",
                "name": "Standard",
                "isDefault": True,
                "priority": 0,
                "conditions": [],
                "prices": prices,
            }
        ],
    }
