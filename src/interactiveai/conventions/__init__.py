"""Names and rules shared by the SDK and the server (stdlib only)."""

from interactiveai.conventions import attributes
from interactiveai.conventions.ids import (
    MAX_ID_LENGTH,
    OBSERVATION_TYPES,
    id_problem,
    is_valid_observation_id,
    is_valid_session_id,
    is_valid_trace_id,
)

__all__ = [
    "MAX_ID_LENGTH",
    "OBSERVATION_TYPES",
    "attributes",
    "id_problem",
    "is_valid_observation_id",
    "is_valid_session_id",
    "is_valid_trace_id",
]
