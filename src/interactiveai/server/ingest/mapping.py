"""One span → (ObservationRecord, TraceRecord), reading the three vocabularies of spec/attributes.md.

The hot path of ingestion: one pass over the span's attributes files each value into its
slot (keeping the highest-priority key per slot, see `vocabulary`), then each field is
resolved from its slots. Nothing scans the priority table per span.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from interactiveai.conventions.attributes import LEVELS
from interactiveai.conventions.ids import OBSERVATION_TYPES, id_problem
from interactiveai.server.ingest import vocabulary as v
from interactiveai.server.ingest.limits import enforce_limits
from interactiveai.server.ingest.messages import genai_messages, rebuild_messages
from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.ingest.span_usage import cost_from_attributes, usage_from_families
from interactiveai.server.ingest.usage import as_int, normalize_usage
from interactiveai.server.ingest.values import (
    as_bool,
    as_datetime,
    as_id,
    as_object,
    as_tags,
    as_text,
    from_json,
    maybe_json,
)
from interactiveai.server.ingest.vocabulary import Flat, Found


class FieldDrop(NamedTuple):
    """A value the span carried that is dropped (an id the id rule refuses) or cut to size."""

    what: str  # the field: "session id", "user id", "name", "tag"...
    trace_id: str
    value: str
    message: str  # names the span and the problem


DropFn = Callable[[FieldDrop], None]

STATUS_ERROR = 2  # OTLP Status.StatusCode.STATUS_CODE_ERROR
# Input/output keys up to this priority (ours, Langfuse's, input.value) beat the message families.
_IO_EXPLICIT = v.IO_EXPLICIT_MAX * 10

_OI_KINDS = {
    "LLM": "generation",
    "CHAIN": "chain",
    "RETRIEVER": "retriever",
    "EMBEDDING": "embedding",
    "AGENT": "agent",
    "TOOL": "tool",
    "GUARDRAIL": "guardrail",
    "EVALUATOR": "evaluator",
    "RERANKER": "span",
}
_GENAI_OPS = {
    "chat": "generation",
    "completion": "generation",
    "text_completion": "generation",
    "generate_content": "generation",
    "embeddings": "embedding",
    "invoke_agent": "agent",
    "create_agent": "agent",
    "execute_tool": "tool",
}
_TYPES = frozenset(OBSERVATION_TYPES)
_LEVELS = frozenset(LEVELS)


@dataclass(slots=True, frozen=True)
class ResourceInfo:
    """What one OTLP Resource gives every span under it (computed once per resource)."""

    attributes: dict[str, Any]
    environment: str | None = None
    release: str | None = None
    version: str | None = None


def resource_info(attributes: dict[str, Any]) -> ResourceInfo:
    """Resource attributes plus the environment/release/version they name (spans may override)."""
    found: dict[int, tuple[int, Any]] = {}
    for key, value in attributes.items():
        slot, prio, _ = v.classify(key)
        wanted = slot in (v.ENVIRONMENT, v.RELEASE, v.VERSION) and value is not None
        if wanted and (slot not in found or prio < found[slot][0]):
            found[slot] = (prio, value)
    if v.VERSION not in found and attributes.get("service.version") is not None:
        found[v.VERSION] = (0, attributes["service.version"])
    return ResourceInfo(
        attributes=attributes,
        environment=as_text(found[v.ENVIRONMENT][1]) if v.ENVIRONMENT in found else None,
        release=as_text(found[v.RELEASE][1]) if v.RELEASE in found else None,
        version=as_text(found[v.VERSION][1]) if v.VERSION in found else None,
    )


EMPTY_RESOURCE = ResourceInfo(attributes={})


def scope_info(name: str, version: str, attributes: dict[str, Any]) -> dict[str, Any] | None:
    """The instrumentation scope as it is kept under metadata.scope (None when anonymous)."""
    scope: dict[str, Any] = {}
    if name:
        scope["name"] = name
    if version:
        scope["version"] = version
    if attributes:
        scope["attributes"] = attributes
    return scope or None


def _merge_flat(items: Flat) -> dict[str, Any]:
    """Flattened `<prefix>.<k>` values (and whole JSON objects, sub-key "") by priority."""
    merged: dict[str, Any] = {}
    # Lowest priority first so that better keys overwrite; stable for equal priorities.
    for _, sub, value in sorted(items, key=lambda item: -item[0]):
        if sub == "":
            obj = as_object(value)
            if obj:
                merged.update(obj)
        else:
            merged[sub] = maybe_json(value)
    return merged


def _parse_io(prio: int, value: Any, mime: Any) -> Any:
    if prio < 20:  # ours and Langfuse's: always JSON-serialized by their SDKs
        return from_json(value)
    if prio == 20 and isinstance(mime, str):  # input.value / output.value say what they are
        return from_json(value) if "json" in mime else value
    return maybe_json(value)


def _pick_io(
    best: Found | None,
    mime: Any,
    genai: Any,
    system: Any,
    oi_flat: Flat | None,
    gp_flat: Flat | None,
) -> Any:
    """Input or output from the first family present, in the spec's order."""
    if best is not None and best[0] <= _IO_EXPLICIT:
        return _parse_io(best[0], best[1], mime)
    if genai is not None or system is not None:
        return genai_messages(genai, system)
    if oi_flat:
        return rebuild_messages((sub, value) for _, sub, value in oi_flat)
    if gp_flat:
        return rebuild_messages((sub, value) for _, sub, value in gp_flat)
    if best is not None:
        return _parse_io(best[0], best[1], mime)
    return None


def _infer_type(best: dict[int, Found]) -> str:
    if (given := best.get(v.TYPE)) is not None:
        name = str(given[1]).lower()
        if name in _TYPES:
            return name
    if (kind := best.get(v.OI_KIND)) is not None:
        mapped = _OI_KINDS.get(str(kind[1]).upper())
        if mapped is not None:
            return mapped
    if (op := best.get(v.GENAI_OP)) is not None:
        mapped = _GENAI_OPS.get(str(op[1]).lower())
        if mapped is not None:
            return mapped
    tool = best.get(v.TOOL_NAME)
    if tool is not None and tool[0] == 0:  # gen_ai.tool.name; OpenInference tool.name is not enough
        return "tool"
    if v.MODEL in best:
        return "generation"
    return "span"


def _checked_id(
    found: Found | None,
    what: str,
    span: tuple[str, str, str],
    on_drop: DropFn | None,
) -> str | None:
    """The id if it obeys the session id rule; else None, reported to `on_drop`."""
    if found is None:
        return None
    value = as_id(found[1])
    problem = id_problem(value, what)
    if problem is None:
        return value
    if on_drop is not None:
        name, span_id, trace_id = span
        message = (
            f"span {name!r} ({span_id}) of trace {trace_id}: {problem}; "
            f"the trace is kept without a {what}"
        )
        on_drop(FieldDrop(what, trace_id, value, message))
    return None


def map_span(
    *,
    trace_id: str,
    span_id: str,
    parent_span_id: str | None,
    name: str,
    start_time: datetime | None,
    end_time: datetime | None,
    attributes: Mapping[str, Any],
    status_code: int = 0,
    status_message: str = "",
    resource: ResourceInfo = EMPTY_RESOURCE,
    scope: dict[str, Any] | None = None,
    on_drop: DropFn | None = None,
) -> tuple[ObservationRecord, TraceRecord]:
    """Map one span (ids as lowercase hex, attributes as Python values) to its two records."""
    best: dict[int, Found] = {}
    flats: dict[int, Flat] = {}
    extra: dict[str, Any] = {}
    # The hottest loop of ingestion: inline the cache hit, fall back to classify on a miss.
    cached = v.CACHE.get
    for key, value in attributes.items():
        if value is None:
            continue
        slot, prio, sub = cached(key) or v.classify(key)
        if not slot:  # UNMAPPED
            extra[key] = value
        elif sub is None:
            cur = best.get(slot)
            if cur is None:
                best[slot] = (prio, value, key)
            elif prio < cur[0]:
                best[slot] = (prio, value, key)
                extra[cur[2]] = cur[1]  # the losing key is kept, not thrown away
            else:
                extra[key] = value
        elif slot in flats:
            flats[slot].append((prio, sub, value))
        else:
            flats[slot] = [(prio, sub, value)]

    get = best.get
    obs_type = _infer_type(best)
    obs_name = name
    if obs_type == "tool" and (tool := get(v.TOOL_NAME)) is not None:
        obs_name = str(tool[1])

    item = get(v.INPUT_MIME)
    explicit_input = get(v.INPUT)
    system = get(v.GENAI_SYS)
    if system is not None and explicit_input is not None and explicit_input[0] <= _IO_EXPLICIT:
        extra[system[2]] = system[1]  # an explicit input won: keep the instructions visible
        system = None
    obs_input = _pick_io(
        explicit_input,
        item[1] if item else None,
        (item := get(v.GENAI_IN)) and item[1],
        system and system[1],
        flats.get(v.OI_IN_FLAT),
        flats.get(v.GP_IN_FLAT),
    )
    item = get(v.OUTPUT_MIME)
    obs_output = _pick_io(
        get(v.OUTPUT),
        item[1] if item else None,
        (item := get(v.GENAI_OUT)) and item[1],
        None,
        flats.get(v.OI_OUT_FLAT),
        flats.get(v.GP_OUT_FLAT),
    )

    metadata = _merge_flat(flats[v.OBS_META_FLAT]) if v.OBS_META_FLAT in flats else {}
    if extra:
        metadata["attributes"] = extra
    if resource.attributes:
        metadata["resourceAttributes"] = resource.attributes
    if scope:
        metadata["scope"] = scope

    level = None
    if (item := get(v.LEVEL)) is not None and (text := str(item[1]).upper()) in _LEVELS:
        level = text
    if level is None:
        level = "ERROR" if status_code == STATUS_ERROR else "DEFAULT"
    message = as_text(item[1]) if (item := get(v.STATUS_MESSAGE)) else (status_message or None)

    params: dict[str, Any] | None = None
    if (item := get(v.PARAMS)) is not None:
        params = as_object(item[1])
    elif v.GENAI_REQUEST_FLAT in flats:
        params = {sub: value for _, sub, value in flats[v.GENAI_REQUEST_FLAT]}
    elif (item := get(v.INVOCATION_PARAMS)) is not None:
        params = as_object(item[1])

    usage: dict[str, int] | None = None
    if (item := get(v.USAGE)) is not None:
        raw_usage = as_object(item[1])
        usage = normalize_usage(raw_usage) if raw_usage is not None else None
    elif flats:
        usage = usage_from_families(flats)

    environment = as_text(item[1]) if (item := get(v.ENVIRONMENT)) else resource.environment
    version = as_text(item[1]) if (item := get(v.VERSION)) else resource.version
    obs = ObservationRecord(
        id=span_id,
        trace_id=trace_id,
        type=obs_type,
        name=obs_name,
        parent_observation_id=parent_span_id or None,
        start_time=start_time,
        end_time=end_time,
        completion_start_time=as_datetime(item[1]) if (item := get(v.COMPLETION_START)) else None,
        model=as_text(item[1]) if (item := get(v.MODEL)) else None,
        model_parameters=params,
        input=obs_input,
        output=obs_output,
        metadata=metadata or None,
        level=level,
        status_message=message,
        version=version,
        environment=environment,
        usage_details=usage or None,
        cost_details=cost_from_attributes(best, flats)
        if (v.COST in best or v.COST_TOTAL in best or flats)
        else None,
        prompt_name=as_text(item[1]) if (item := get(v.PROMPT_NAME)) else None,
        prompt_version=as_int(item[1]) if (item := get(v.PROMPT_VERSION)) else None,
    )

    span = (name, span_id, trace_id)
    trace = TraceRecord(
        id=trace_id,
        name=as_text(item[1]) if (item := get(v.TRACE_NAME)) else None,
        user_id=_checked_id(get(v.USER), "user id", span, on_drop),
        session_id=_checked_id(get(v.SESSION), "session id", span, on_drop),
        input=from_json(item[1]) if (item := get(v.TRACE_INPUT)) else None,
        output=from_json(item[1]) if (item := get(v.TRACE_OUTPUT)) else None,
        metadata=(_merge_flat(flats[v.TRACE_META_FLAT]) or None)
        if v.TRACE_META_FLAT in flats
        else None,
        tags=as_tags(item[1]) if (item := get(v.TAGS)) else None,
        public=as_bool(item[1]) if (item := get(v.PUBLIC)) else None,
        release=as_text(item[1]) if (item := get(v.RELEASE)) else resource.release,
        version=version,
        environment=environment,
    )
    if not parent_span_id or ((item := get(v.AS_ROOT)) is not None and as_bool(item[1])):
        trace.root_name = name
        trace.root_input = obs_input
        trace.root_output = obs_output
        trace.root_start_time = start_time
    for what, value, problem in enforce_limits(obs, trace):
        if on_drop is not None:
            message = f"span {name!r} ({span_id}) of trace {trace_id}: {problem}"
            on_drop(FieldDrop(what, trace_id, value, message))
    return obs, trace
