"""Typed request bodies and documented response shapes of the write routes (OpenAPI).

Request models validate types and enums (a bad field becomes a 400 naming it); rules that
need the database or several fields at once live in the store functions. Unknown fields are
ignored, as Langfuse does, so newer clients keep working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

ScoreDataType = Literal["NUMERIC", "BOOLEAN", "CATEGORICAL", "TEXT", "CORRECTION"]
ScoreSource = Literal["API", "ANNOTATION", "EVAL"]
ObjectType = Literal["TRACE", "OBSERVATION", "SESSION"]
Unit = Literal["TOKENS", "CHARACTERS", "MILLISECONDS", "SECONDS", "IMAGES", "REQUESTS"]


def describe_validation(exc: ValidationError) -> str:
    """A pydantic error as `field: problem; ...`, the way the API's 400s name fields."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ())) or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid body"


class ErrorBody(BaseModel):
    """Every error: what is wrong (naming the field) and the error's name."""

    message: str
    error: str


# Documented on every route of ours (the one handler answers all of them in this shape).
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input; the message names the field."},
    401: {"model": ErrorBody, "description": "Missing or invalid API key."},
    404: {"model": ErrorBody, "description": "Not found in the key's project."},
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, populate_by_name=True)


class ScoreCreate(_Body):
    """A score on a trace (optionally one of its observations) or on a session."""

    id: str | None = Field(default=None, max_length=64, description="Same id again = update.")
    traceId: str | None = Field(default=None, max_length=64)
    observationId: str | None = Field(default=None, max_length=64)
    sessionId: str | None = Field(default=None, max_length=199)
    datasetRunId: str | None = Field(default=None, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    value: bool | float | str = Field(
        description="NUMERIC: number; BOOLEAN: 0/1; CATEGORICAL/TEXT: string."
    )
    dataType: ScoreDataType | None = None
    comment: str | None = Field(default=None, max_length=100_000)
    metadata: Any = None
    environment: str | None = Field(default=None, max_length=255)
    configId: str | None = Field(default=None, max_length=64)
    source: ScoreSource | None = None
    queueId: str | None = Field(default=None, max_length=64)
    timestamp: datetime | None = None


class IdResponse(BaseModel):
    """The id of what was created."""

    id: str


class ScoreBatchResult(BaseModel):
    """Answer to a list of scores: 202 when all were accepted, else 207 with the errors."""

    message: str | None = None
    accepted: int | None = None
    rejected: int | None = None
    errors: list[dict[str, Any]] | None = None


class Score(BaseModel):
    """A score as the API returns it."""

    id: str
    projectId: str
    traceId: str | None
    sessionId: str | None
    observationId: str | None
    name: str
    value: float | None
    stringValue: str | None
    dataType: str
    source: str
    comment: str | None
    metadata: Any
    configId: str | None
    environment: str
    authorUserId: str | None
    timestamp: str
    createdAt: str
    updatedAt: str


class PageMeta(BaseModel):
    """Offset pagination of a list answer."""

    page: int
    limit: int
    totalItems: int
    totalPages: int


class ScorePage(BaseModel):
    """A page of scores."""

    data: list[Score]
    meta: PageMeta


class Category(_Body):
    """One category of a CATEGORICAL score config."""

    label: str = Field(min_length=1, max_length=255)
    value: float


class ScoreConfigCreate(_Body):
    """A score config: the name, type and allowed values of a score."""

    name: str = Field(min_length=1, max_length=255)
    dataType: ScoreDataType
    categories: list[Category] | None = None
    minValue: float | None = None
    maxValue: float | None = None
    description: str | None = Field(default=None, max_length=10_000)


class ScoreConfigUpdate(_Body):
    """Fields of a score config that may change."""

    isArchived: StrictBool


class ScoreConfig(BaseModel):
    """A score config as the API returns it."""

    id: str
    projectId: str
    name: str
    dataType: str
    categories: list[dict[str, Any]] | None
    minValue: float | None
    maxValue: float | None
    description: str | None
    isArchived: bool
    createdAt: str
    updatedAt: str


class CommentCreate(_Body):
    """A comment on a trace, observation or session."""

    objectType: ObjectType
    objectId: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=5000)
    authorUserId: str | None = Field(default=None, max_length=64)
    projectId: str | None = Field(default=None, description="Ignored: the key's project is used.")


class Comment(BaseModel):
    """A comment as the API returns it."""

    id: str
    projectId: str
    objectType: str
    objectId: str
    content: str
    authorUserId: str | None
    createdAt: str
    updatedAt: str


class PricingTier(_Body):
    """Langfuse's pricing tier; only the default tier's prices are used."""

    name: str | None = None
    isDefault: bool | None = None
    priority: int | None = None
    conditions: list[Any] | None = None
    prices: dict[str, float]


class ModelCreate(_Body):
    """A custom model price: regex on the model name, USD per unit by usage key."""

    modelName: str = Field(min_length=1, max_length=255)
    matchPattern: str = Field(min_length=1, max_length=1024)
    startDate: datetime | None = None
    unit: Unit | None = None
    inputPrice: float | None = Field(default=None, ge=0)
    outputPrice: float | None = Field(default=None, ge=0)
    totalPrice: float | None = Field(default=None, ge=0)
    prices: dict[str, float] | None = Field(
        default=None, description="Ours: price per unit by usage key, e.g. input_cached_tokens."
    )
    pricingTiers: list[PricingTier] | None = None
    tokenizerId: str | None = None
    tokenizerConfig: Any = None


class Model(BaseModel):
    """A custom model price as the API returns it (Langfuse's shape)."""

    id: str
    modelName: str
    matchPattern: str
    startDate: str | None
    unit: str
    inputPrice: float | None
    outputPrice: float | None
    totalPrice: float | None
    prices: dict[str, dict[str, float]]
    isLangfuseManaged: bool
    createdAt: str


class TraceIds(_Body):
    """Traces to delete."""

    traceIds: list[str] = Field(min_length=1, max_length=1000)


class Bookmark(_Body):
    """Bookmark state of a session."""

    bookmarked: StrictBool


class IngestionResult(BaseModel):
    """Per-event outcome of a batch (207)."""

    successes: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    warnings: list[str] = []
    droppedSessionIds: int = 0


# The ingestion body is decoded by hand (each event alone); this documents it.
INGESTION_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["batch"],
    "properties": {
        "batch": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type", "body"],
                "properties": {
                    "id": {"type": "string"},
                    "type": {"type": "string"},
                    "timestamp": {"type": "string", "format": "date-time"},
                    "body": {"type": "object"},
                },
            },
        },
        "metadata": {"type": "object"},
    },
}
