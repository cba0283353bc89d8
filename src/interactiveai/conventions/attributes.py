"""Span attribute keys of our own vocabulary (`interactiveai.*`), written by the SDK.

The server also reads Langfuse's and the open conventions' keys; see spec/attributes.md.
"""

from __future__ import annotations

PREFIX = "interactiveai"

# Trace-level fields: they may ride on any span of the trace.
TRACE_NAME = "interactiveai.trace.name"
TRACE_INPUT = "interactiveai.trace.input"
TRACE_OUTPUT = "interactiveai.trace.output"
TRACE_METADATA = "interactiveai.trace.metadata"
TRACE_TAGS = "interactiveai.trace.tags"
TRACE_PUBLIC = "interactiveai.trace.public"
SESSION_ID = "interactiveai.session.id"
USER_ID = "interactiveai.user.id"
ENVIRONMENT = "interactiveai.environment"
RELEASE = "interactiveai.release"
VERSION = "interactiveai.version"
AS_ROOT = "interactiveai.internal.as_root"

# Observation-level fields.
OBSERVATION_TYPE = "interactiveai.observation.type"
OBSERVATION_INPUT = "interactiveai.observation.input"
OBSERVATION_OUTPUT = "interactiveai.observation.output"
OBSERVATION_METADATA = "interactiveai.observation.metadata"
OBSERVATION_LEVEL = "interactiveai.observation.level"
OBSERVATION_STATUS_MESSAGE = "interactiveai.observation.status_message"
OBSERVATION_MODEL = "interactiveai.observation.model.name"
OBSERVATION_MODEL_PARAMETERS = "interactiveai.observation.model.parameters"
OBSERVATION_USAGE_DETAILS = "interactiveai.observation.usage_details"
OBSERVATION_COST_DETAILS = "interactiveai.observation.cost_details"
OBSERVATION_COMPLETION_START_TIME = "interactiveai.observation.completion_start_time"
OBSERVATION_PROMPT_NAME = "interactiveai.observation.prompt.name"
OBSERVATION_PROMPT_VERSION = "interactiveai.observation.prompt.version"

# Baggage key used when propagate_attributes(as_baggage=True) crosses a process boundary.
BAGGAGE_SESSION_ID = "interactiveai_session_id"
BAGGAGE_USER_ID = "interactiveai_user_id"

LEVELS: tuple[str, ...] = ("DEBUG", "DEFAULT", "WARNING", "ERROR")

# More baggage keys for propagate_attributes(as_baggage=True) (added by the SDK, issue 4).
# Tags travel comma-separated; metadata as one entry per key, prefixed.
BAGGAGE_TAGS = "interactiveai_tags"
BAGGAGE_VERSION = "interactiveai_version"
BAGGAGE_TRACE_NAME = "interactiveai_trace_name"
BAGGAGE_ENVIRONMENT = "interactiveai_environment"
BAGGAGE_METADATA_PREFIX = "interactiveai_metadata_"
