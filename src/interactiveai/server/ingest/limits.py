"""Keep mapped values inside the columns that store them, so one oversized value cannot fail
the batch it is committed with (PostgreSQL refuses a 300-character VARCHAR(255)).

Over-long text is cut to the column size; a prompt version outside a 32-bit integer is
dropped. Either way the span is kept and a warning names the span, the field and the size.
The sizes are read from the table definitions, so they follow the schema.
"""

from __future__ import annotations

from sqlalchemy import Column

from interactiveai.server.ingest.records import ObservationRecord, TraceRecord
from interactiveai.server.store.schema import observations, trace_tags, traces

_INT32_MAX = 2**31 - 1


def _size(column: Column[str]) -> int:
    length = getattr(column.type, "length", None)
    assert isinstance(length, int), f"{column} has no length"
    return length


OBSERVATION_TEXT = {
    name: _size(observations.c[name])
    for name in ("name", "model", "version", "environment", "prompt_name")
}
# A span gives its trace the same version and environment it gives its observation.
_SHARED = ("version", "environment")
assert all(_size(traces.c[n]) == OBSERVATION_TEXT[n] for n in _SHARED)
TRACE_TEXT = {name: _size(traces.c[name]) for name in ("name", "release")}
TAG_SIZE = _size(trace_tags.c.tag)

# (field, value as given, what was done); the caller words the warning around the span.
Problem = tuple[str, str, str]


def _clip(value: str, size: int, field: str, problems: list[Problem]) -> str:
    problems.append((field, value, f"{field} is {len(value)} characters long; cut to {size}"))
    return value[:size]


def enforce_limits(obs: ObservationRecord, trace: TraceRecord) -> list[Problem]:
    """Cut over-long text fields of a span's two records (in place); what was changed, and why."""
    problems: list[Problem] = []
    for name, size in OBSERVATION_TEXT.items():
        value = getattr(obs, name)
        if value is not None and len(value) > size:
            setattr(obs, name, _clip(value, size, name.replace("_", " "), problems))
            if name in _SHARED:
                setattr(trace, name, getattr(obs, name))
    for name, size in TRACE_TEXT.items():
        value = getattr(trace, name)
        if value is not None and len(value) > size:
            setattr(trace, name, _clip(value, size, f"trace {name}", problems))
    if trace.root_name is not None and len(trace.root_name) > TRACE_TEXT["name"]:
        # The span name again, standing in for the trace name; warned about as the name above.
        trace.root_name = trace.root_name[: TRACE_TEXT["name"]]
    if trace.tags and any(len(tag) > TAG_SIZE for tag in trace.tags):
        tags = (
            t if len(t) <= TAG_SIZE else _clip(t, TAG_SIZE, "tag", problems) for t in trace.tags
        )
        trace.tags = list(dict.fromkeys(tags))
    version = obs.prompt_version
    if version is not None and not -_INT32_MAX <= version <= _INT32_MAX:
        problems.append(("prompt version", str(version), "prompt version is too large; dropped"))
        obs.prompt_version = None
    return problems
