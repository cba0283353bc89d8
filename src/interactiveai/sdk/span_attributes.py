"""From the keyword arguments of update()/update_trace() to span attributes of our vocabulary."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypedDict

from opentelemetry.trace import Span
from opentelemetry.util.types import AttributeValue

from interactiveai.conventions import attributes as keys
from interactiveai.conventions.ids import id_problem
from interactiveai.sdk.serialize import to_json

logger = logging.getLogger("interactiveai")

Attributes = dict[str, AttributeValue]
MaskFunction = Callable[..., Any]
# Reads an attribute already written for an observation (pending or on its span).
Lookup = Callable[[str], Any]

ObservationType = Literal[
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
]
Level = Literal["DEBUG", "DEFAULT", "WARNING", "ERROR"]


class ObservationFields(TypedDict, total=False):
    """Fields of an observation; the generation ones (model...) fit any type."""

    input: Any
    output: Any
    metadata: Any
    version: str | None
    level: Level | None
    status_message: str | None
    completion_start_time: dt.datetime | str | int | None
    model: str | None
    model_parameters: Mapping[str, Any] | None
    usage_details: Mapping[str, int] | None
    cost_details: Mapping[str, float] | None
    prompt: Any


class TraceFields(TypedDict, total=False):
    """Trace-level fields: they may be written on any span of the trace."""

    name: str | None
    user_id: str | None
    session_id: str | None
    version: str | None
    release: str | None
    input: Any
    output: Any
    metadata: Any
    tags: Iterable[str] | None
    public: bool | None


MASK_FAILED = "<fully masked: the mask function failed>"


def masked_json(value: Any, mask: MaskFunction | None) -> str:
    """`value` passed through the user's mask, then serialized to JSON."""
    if mask is not None:
        try:
            value = mask(data=value)
        except Exception:
            # Never send unmasked data because the mask broke; say so once per call.
            logger.exception("InteractiveAI: the mask function raised; the value is withheld")
            value = MASK_FAILED
    return to_json(value)


def checked_id(value: Any, what: str) -> str | None:
    """`value` if it obeys the session id rule, else None after a warning saying why."""
    problem = id_problem(value, what)
    if problem is None:
        return str(value)
    logger.warning("InteractiveAI: %s dropped (%s); the trace is still sent", what, problem)
    return None


def span_lookup(span: Span) -> Lookup:
    """A Lookup reading the attributes already on `span` (SDK spans expose them; others not)."""
    attributes = getattr(span, "attributes", None)
    return attributes.get if attributes is not None else nothing_written


def nothing_written(key: str) -> None:
    """The Lookup of an observation not started yet."""
    return None


def merged_metadata(lookup: Lookup, key: str, metadata: Any) -> str:
    """Metadata as a JSON object string, merged over what is already written under `key`."""
    if not isinstance(metadata, Mapping):
        metadata = {"metadata": metadata}
    previous = lookup(key)
    if isinstance(previous, str):
        try:
            merged = json.loads(previous)
        except ValueError:
            merged = None
        if isinstance(merged, dict):
            # Round-trip the new part through JSON so both halves have the same shape.
            merged.update(json.loads(to_json(dict(metadata))))
            return to_json(merged)
    return to_json(dict(metadata))


def merged_tags(lookup: Lookup, tags: Iterable[Any]) -> tuple[str, ...]:
    """The union of `tags` and the tags already written, first seen first."""
    previous = lookup(keys.TRACE_TAGS) or ()
    seen = dict.fromkeys(str(t) for t in previous)
    seen.update(dict.fromkeys(str(t) for t in tags if t is not None))
    return tuple(seen)


def iso_time(value: dt.datetime | str | int) -> str:
    """ISO 8601 with an offset; naive datetimes are taken as UTC, ints as ns since the epoch."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        value = dt.datetime.fromtimestamp(value / 1e9, tz=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def observation_attributes(
    lookup: Lookup,
    mask: MaskFunction | None,
    fields: ObservationFields,
    into: Attributes | None = None,
) -> Attributes:
    """Attributes for the observation fields that were given (None means "not given"),
    added to `into` when passed (an observation's held attributes) and returned."""
    attrs: Attributes = {} if into is None else into
    if (value := fields.get("input")) is not None:
        attrs[keys.OBSERVATION_INPUT] = to_json(value) if mask is None else masked_json(value, mask)
    if (value := fields.get("output")) is not None:
        attrs[keys.OBSERVATION_OUTPUT] = (
            to_json(value) if mask is None else masked_json(value, mask)
        )
    if ("input" in fields) + ("output" in fields) == len(fields):
        return attrs  # the hot path: only input/output given
    if (value := fields.get("metadata")) is not None:
        attrs[keys.OBSERVATION_METADATA] = merged_metadata(lookup, keys.OBSERVATION_METADATA, value)
    if (value := fields.get("version")) is not None:
        attrs[keys.VERSION] = str(value)
    if (value := fields.get("level")) is not None:
        upper = str(value).upper()
        if upper in keys.LEVELS:
            attrs[keys.OBSERVATION_LEVEL] = upper
        else:
            logger.warning("InteractiveAI: level %r ignored; use one of %s", value, keys.LEVELS)
    if (value := fields.get("status_message")) is not None:
        attrs[keys.OBSERVATION_STATUS_MESSAGE] = str(value)
    if (value := fields.get("completion_start_time")) is not None:
        attrs[keys.OBSERVATION_COMPLETION_START_TIME] = iso_time(value)
    if (value := fields.get("model")) is not None:
        attrs[keys.OBSERVATION_MODEL] = str(value)
    if (value := fields.get("model_parameters")) is not None:
        attrs[keys.OBSERVATION_MODEL_PARAMETERS] = to_json(value)
    if (value := fields.get("usage_details")) is not None:
        attrs[keys.OBSERVATION_USAGE_DETAILS] = to_json(value)
    if (value := fields.get("cost_details")) is not None:
        attrs[keys.OBSERVATION_COST_DETAILS] = to_json(value)
    if (value := fields.get("prompt")) is not None:
        attrs.update(_prompt_attributes(value))
    return attrs


def _prompt_attributes(prompt: Any) -> Attributes:
    """A prompt given as an object with `.name`/`.version` (Langfuse's) or a mapping."""
    if isinstance(prompt, Mapping):
        name, version = prompt.get("name"), prompt.get("version")
    else:
        name, version = getattr(prompt, "name", None), getattr(prompt, "version", None)
    if getattr(prompt, "is_fallback", False):
        return {}  # a fallback prompt was never stored on the server; linking would dangle
    attrs: Attributes = {}
    if name is not None:
        attrs[keys.OBSERVATION_PROMPT_NAME] = str(name)
    if isinstance(version, int) and not isinstance(version, bool):
        attrs[keys.OBSERVATION_PROMPT_VERSION] = version
    return attrs


def trace_attributes(
    lookup: Lookup,
    mask: MaskFunction | None,
    fields: TraceFields,
    into: Attributes | None = None,
) -> Attributes:
    """Attributes for the trace-level fields that were given, added to `into` when passed and
    returned; invalid ids are dropped."""
    attrs: Attributes = {} if into is None else into
    if (value := fields.get("session_id")) is not None and (
        valid := checked_id(value, "session id")
    ):
        attrs[keys.SESSION_ID] = valid
    if (value := fields.get("user_id")) is not None and (valid := checked_id(value, "user id")):
        attrs[keys.USER_ID] = valid
    if ("session_id" in fields) + ("user_id" in fields) == len(fields):
        return attrs  # the hot path: only the ids given
    if (value := fields.get("name")) is not None:
        attrs[keys.TRACE_NAME] = str(value)
    if (value := fields.get("version")) is not None:
        attrs[keys.VERSION] = str(value)
    if (value := fields.get("release")) is not None:
        attrs[keys.RELEASE] = str(value)
    if (value := fields.get("input")) is not None:
        attrs[keys.TRACE_INPUT] = masked_json(value, mask)
    if (value := fields.get("output")) is not None:
        attrs[keys.TRACE_OUTPUT] = masked_json(value, mask)
    if (value := fields.get("metadata")) is not None:
        attrs[keys.TRACE_METADATA] = merged_metadata(lookup, keys.TRACE_METADATA, value)
    if (tags := fields.get("tags")) is not None:
        # A lone string is one tag, not one tag per character.
        attrs[keys.TRACE_TAGS] = merged_tags(lookup, [tags] if isinstance(tags, str) else tags)
    if (public := fields.get("public")) is not None:
        attrs[keys.TRACE_PUBLIC] = bool(public)
    return attrs
