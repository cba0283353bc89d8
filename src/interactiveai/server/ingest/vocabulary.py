"""The attribute keys of spec/attributes.md as one lookup table: key → (slot, priority, sub-key).

Mapping makes one pass over a span's attributes and asks `classify` about each key; the
answer is cached per key string, so a span costs one dict lookup per attribute no matter how
many vocabularies we read. Lower priority numbers win ("the first in each list wins").
Flattened families (`<prefix>.<sub>`) return the part after the prefix as the sub-key.
"""

from __future__ import annotations

from typing import Any, Final

from interactiveai.conventions import attributes as ours

# Slots: what a key feeds. 0 means "not ours to map": the attribute lands in metadata.attributes.
UNMAPPED: Final = 0  # falsy on purpose: the hot loop tests `if not slot`
SESSION, USER, TRACE_NAME, TRACE_INPUT, TRACE_OUTPUT = 1, 2, 3, 4, 5
TRACE_META_FLAT, TAGS, PUBLIC, ENVIRONMENT = 7, 8, 9, 10
RELEASE, VERSION, AS_ROOT = 11, 12, 13
TYPE, OI_KIND, GENAI_OP, TOOL_NAME = 20, 21, 22, 23
INPUT, OUTPUT, INPUT_MIME, OUTPUT_MIME = 24, 25, 26, 27
GENAI_IN, GENAI_SYS, GENAI_OUT = 28, 29, 30
OI_IN_FLAT, OI_OUT_FLAT, GP_IN_FLAT, GP_OUT_FLAT = 31, 32, 33, 34
OBS_META_FLAT, LEVEL, STATUS_MESSAGE = 36, 37, 38
MODEL, PARAMS, GENAI_REQUEST_FLAT, INVOCATION_PARAMS = 39, 40, 41, 42
USAGE, GENAI_USAGE_FLAT, LLM_TOKENS_FLAT = 43, 44, 45
COST, COST_TOTAL, LLM_COST_FLAT = 46, 47, 48
COMPLETION_START, PROMPT_NAME, PROMPT_VERSION = 49, 50, 51

# Where the message families sit in the input/output priority lists (see mapping._pick_io).
IO_EXPLICIT_MAX: Final = 2  # ours, langfuse, input.value/output.value

_LF = "langfuse."
_A = ours
# Exact keys, in priority order per slot. `None` holds the place of a family handled by a
# separate slot, so that the numbers keep the spec's order.
_EXACT_LISTS: dict[int, tuple[str | None, ...]] = {
    SESSION: (
        _A.SESSION_ID,
        "langfuse.session.id",
        "session.id",
        "gen_ai.conversation.id",
        "langfuse.trace.metadata.langfuse_session_id",
        "langfuse.observation.metadata.langfuse_session_id",
        "ai.telemetry.metadata.sessionId",
        # Baggage entries copied onto spans by a baggage span processor.
        "langfuse_session_id",
        _A.BAGGAGE_SESSION_ID,
    ),
    USER: (
        _A.USER_ID,
        "langfuse.user.id",
        "user.id",
        "enduser.id",
        "langfuse.trace.metadata.langfuse_user_id",
        "langfuse.observation.metadata.langfuse_user_id",
        "ai.telemetry.metadata.userId",
        "langfuse_user_id",
        _A.BAGGAGE_USER_ID,
    ),
    TRACE_NAME: (_A.TRACE_NAME, "langfuse.trace.name", _A.BAGGAGE_TRACE_NAME),
    TRACE_INPUT: (_A.TRACE_INPUT, "langfuse.trace.input"),
    TRACE_OUTPUT: (_A.TRACE_OUTPUT, "langfuse.trace.output"),
    TAGS: (
        _A.TRACE_TAGS,
        "langfuse.trace.tags",
        "langfuse.tags",
        "langfuse.trace.metadata.langfuse_tags",
        "langfuse.observation.metadata.langfuse_tags",
        "ai.telemetry.metadata.tags",
        "tag.tags",
        _A.BAGGAGE_TAGS,
    ),
    PUBLIC: (_A.TRACE_PUBLIC, "langfuse.trace.public", "langfuse.public"),
    ENVIRONMENT: (
        _A.ENVIRONMENT,
        "langfuse.environment",
        "deployment.environment.name",
        "deployment.environment",
        _A.BAGGAGE_ENVIRONMENT,
    ),
    RELEASE: (_A.RELEASE, "langfuse.release"),
    VERSION: (_A.VERSION, "langfuse.version", _A.BAGGAGE_VERSION),
    AS_ROOT: (_A.AS_ROOT, "langfuse.internal.as_root"),
    TYPE: (_A.OBSERVATION_TYPE, "langfuse.observation.type"),
    OI_KIND: ("openinference.span.kind",),
    GENAI_OP: ("gen_ai.operation.name",),
    # `tool.name` is OpenInference's; it only names a tool span, it never makes one.
    TOOL_NAME: ("gen_ai.tool.name", "tool.name"),
    INPUT: (
        _A.OBSERVATION_INPUT,
        "langfuse.observation.input",
        "input.value",
        None,  # gen_ai.input.messages (+ gen_ai.system_instructions)
        None,  # llm.input_messages.<i>.*
        "gen_ai.prompt",  # the pre-1.28 GenAI JSON form, beside gen_ai.prompt.<i>.*
        "gen_ai.tool.call.arguments",
        "traceloop.entity.input",
        "ai.prompt.messages",
        "input",
    ),
    OUTPUT: (
        _A.OBSERVATION_OUTPUT,
        "langfuse.observation.output",
        "output.value",
        None,  # gen_ai.output.messages
        None,  # llm.output_messages.<i>.*
        "gen_ai.completion",
        "gen_ai.tool.call.result",
        "traceloop.entity.output",
        "ai.response.text",
        "output",
    ),
    INPUT_MIME: ("input.mime_type",),
    OUTPUT_MIME: ("output.mime_type",),
    GENAI_IN: ("gen_ai.input.messages",),
    GENAI_SYS: ("gen_ai.system_instructions",),
    GENAI_OUT: ("gen_ai.output.messages",),
    LEVEL: (_A.OBSERVATION_LEVEL, "langfuse.observation.level"),
    STATUS_MESSAGE: (_A.OBSERVATION_STATUS_MESSAGE, "langfuse.observation.status_message"),
    MODEL: (
        _A.OBSERVATION_MODEL,
        "langfuse.observation.model.name",
        "gen_ai.response.model",
        "gen_ai.request.model",
        "llm.model_name",
        "llm.response.model",
        "ai.model.id",
        "model",
    ),
    PARAMS: (_A.OBSERVATION_MODEL_PARAMETERS, "langfuse.observation.model.parameters"),
    INVOCATION_PARAMS: ("llm.invocation_parameters",),
    USAGE: (_A.OBSERVATION_USAGE_DETAILS, "langfuse.observation.usage_details"),
    COST: (_A.OBSERVATION_COST_DETAILS, "langfuse.observation.cost_details"),
    COST_TOTAL: ("gen_ai.usage.cost", "llm.cost.total"),
    COMPLETION_START: (
        _A.OBSERVATION_COMPLETION_START_TIME,
        "langfuse.observation.completion_start_time",
    ),
    PROMPT_NAME: (_A.OBSERVATION_PROMPT_NAME, "langfuse.observation.prompt.name"),
    PROMPT_VERSION: (_A.OBSERVATION_PROMPT_VERSION, "langfuse.observation.prompt.version"),
}

# Whole metadata objects (JSON) join their flattened family with the empty sub-key, so one
# ordered merge serves both; a flattened key beats the JSON object of its own vocabulary.
_METADATA_OBJECTS: dict[str, tuple[int, int, str]] = {
    _A.TRACE_METADATA: (TRACE_META_FLAT, 5, ""),
    "langfuse.trace.metadata": (TRACE_META_FLAT, 15, ""),
    _A.OBSERVATION_METADATA: (OBS_META_FLAT, 5, ""),
    "langfuse.observation.metadata": (OBS_META_FLAT, 15, ""),
}

# Flattened families: (prefix, slot, priority, the sub-key must start with a digit).
_PREFIXES: tuple[tuple[str, int, int, bool], ...] = (
    (_A.TRACE_METADATA + ".", TRACE_META_FLAT, 0, False),
    ("langfuse.trace.metadata.", TRACE_META_FLAT, 10, False),
    ("langfuse.metadata.", TRACE_META_FLAT, 20, False),
    ("ai.telemetry.metadata.", TRACE_META_FLAT, 30, False),
    (_A.BAGGAGE_METADATA_PREFIX, TRACE_META_FLAT, 40, False),
    (_A.OBSERVATION_METADATA + ".", OBS_META_FLAT, 0, False),
    ("langfuse.observation.metadata.", OBS_META_FLAT, 10, False),
    ("llm.input_messages.", OI_IN_FLAT, 0, True),
    ("llm.output_messages.", OI_OUT_FLAT, 0, True),
    ("gen_ai.prompt.", GP_IN_FLAT, 0, True),
    ("gen_ai.completion.", GP_OUT_FLAT, 0, True),
    ("gen_ai.request.", GENAI_REQUEST_FLAT, 0, False),
    ("gen_ai.usage.", GENAI_USAGE_FLAT, 0, False),
    ("llm.usage.", GENAI_USAGE_FLAT, 1, False),  # OpenLLMetry's llm.usage.total_tokens
    ("llm.token_count.", LLM_TOKENS_FLAT, 0, False),
    ("llm.cost.", LLM_COST_FLAT, 0, False),
)

# `*.metadata.langfuse_session_id` and friends under any other metadata prefix.
_SUFFIXES: tuple[tuple[str, int, int], ...] = (
    (".metadata.langfuse_session_id", SESSION, 55),
    (".metadata.langfuse_user_id", USER, 55),
    (".metadata.langfuse_tags", TAGS, 35),
)

Classified = tuple[int, int, str | None]
# What one span yields per slot: flattened (priority, sub-key, value) items...
Flat = list[tuple[int, str, Any]]
# ...or the winning value of a scalar slot: (priority, value, the key it came from).
Found = tuple[int, Any, str]


def _exact_table() -> dict[str, Classified]:
    table: dict[str, Classified] = {}
    for slot, keys in _EXACT_LISTS.items():
        for position, key in enumerate(keys):
            if key is not None:
                assert key not in table, f"attribute key {key} is listed twice"
                table[key] = (slot, position * 10, None)
    for key, answer in _METADATA_OBJECTS.items():
        assert key not in table, f"attribute key {key} is listed twice"
        table[key] = answer
    return table


_EXACT: Final = _exact_table()
_UNMAPPED_ANSWER: Final[Classified] = (UNMAPPED, 0, None)
CACHE: dict[str, Classified] = dict(_EXACT)
# Flattened keys carry user-chosen names; bound the cache so a stream of distinct keys
# cannot grow it without end.
CACHE_LIMIT: Final = 100_000


def _classify_uncached(key: str) -> Classified:
    for suffix, slot, priority in _SUFFIXES:
        if key.endswith(suffix):
            return (slot, priority, None)
    for prefix, slot, priority, indexed in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            sub = key[len(prefix) :]
            if indexed and not sub[0].isdigit():
                return _UNMAPPED_ANSWER
            return (slot, priority, sub)
    return _UNMAPPED_ANSWER


def classify(key: str) -> Classified:
    """(slot, priority, sub-key) for an attribute key; slot UNMAPPED when no row names it."""
    found = CACHE.get(key)
    if found is None:
        found = _classify_uncached(key)
        if len(CACHE) >= CACHE_LIMIT:
            CACHE.clear()
            CACHE.update(_EXACT)
        CACHE[key] = found
    return found
