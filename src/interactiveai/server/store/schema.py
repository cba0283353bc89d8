"""The tables, as SQLAlchemy Core. Migrations under `migrations/` must produce exactly this.

Rollup columns (on `traces` and `sessions`) are kept current by the writer so that listing a
page of sessions reads a page of rows; see `interactiveai.server.store.rollups`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from interactiveai.server.store.types import JSONDoc, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _project_id() -> Column[str]:
    return Column(
        "project_id", String(64), ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )


def _aggregates() -> list[Column[object]]:
    """Cost and token sums shared by traces and sessions (USD, tokens)."""
    cols: list[Column[object]] = []
    for name in ("input_cost", "output_cost", "total_cost"):
        cols.append(Column(name, Float, nullable=False, server_default="0"))
    for name in ("input_tokens", "output_tokens", "total_tokens"):
        cols.append(Column(name, Integer, nullable=False, server_default="0"))
    return cols


projects = Table(
    "projects",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "project_id",
        String(64),
        ForeignKey("projects.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("public_key", String(128), nullable=False, unique=True),
    Column("secret_hash", String(128), nullable=False),
    Column("display_secret", String(32), nullable=False),
    Column("note", String(255)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
)

traces = Table(
    "traces",
    metadata,
    _project_id(),
    Column("id", String(64), primary_key=True),
    Column("timestamp", UtcDateTime, nullable=False),
    Column("timestamp_explicit", Boolean, nullable=False, server_default=false()),
    Column("name", String(1024)),
    Column("name_explicit", Boolean, nullable=False, server_default=false()),
    Column("user_id", String(200)),
    Column("session_id", String(200)),
    Column("release", String(255)),
    Column("version", String(255)),
    Column("environment", String(255), nullable=False, server_default="default"),
    Column("public", Boolean, nullable=False, server_default=false()),
    Column("bookmarked", Boolean, nullable=False, server_default=false()),
    Column("input", JSONDoc),
    Column("input_explicit", Boolean, nullable=False, server_default=false()),
    Column("output", JSONDoc),
    Column("output_explicit", Boolean, nullable=False, server_default=false()),
    Column("metadata", JSONDoc),
    Column("tags", JSONDoc),
    # Rollups over the trace's observations.
    Column("start_time", UtcDateTime),
    Column("end_time", UtcDateTime),
    Column("observation_count", Integer, nullable=False, server_default="0"),
    Column("error_count", Integer, nullable=False, server_default="0"),
    *_aggregates(),
    Column("usage_by_model", JSONDoc),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "project_id", "session_id", "timestamp"),
    Index(None, "project_id", "timestamp"),
    Index(None, "project_id", "user_id", "timestamp"),
)

trace_tags = Table(
    "trace_tags",
    metadata,
    Column("project_id", String(64), primary_key=True),
    Column("trace_id", String(64), primary_key=True),
    Column("tag", String(255), primary_key=True),
    Column("session_id", String(200)),
    Index(None, "project_id", "tag", "session_id"),
)

# The union of a session's trace tags, one row per tag: the tag filter of the sessions list
# reads it (a tag on thousands of traces is still one row per session here).
session_tags = Table(
    "session_tags",
    metadata,
    Column("project_id", String(64), primary_key=True),
    Column("tag", String(255), primary_key=True),
    Column("session_id", String(200), primary_key=True),
)

observations = Table(
    "observations",
    metadata,
    _project_id(),
    Column("id", String(64), primary_key=True),
    Column("trace_id", String(64), nullable=False),
    Column("parent_observation_id", String(64)),
    Column("type", String(32), nullable=False),
    Column("name", String(1024)),
    Column("start_time", UtcDateTime, nullable=False),
    Column("end_time", UtcDateTime),
    Column("completion_start_time", UtcDateTime),
    Column("model", String(255)),
    Column("model_parameters", JSONDoc),
    Column("input", JSONDoc),
    Column("output", JSONDoc),
    Column("metadata", JSONDoc),
    Column("level", String(16), nullable=False, server_default="DEFAULT"),
    Column("status_message", Text),
    Column("version", String(255)),
    Column("environment", String(255), nullable=False, server_default="default"),
    Column("usage_details", JSONDoc),
    Column("cost_details", JSONDoc),
    Column("cost_computed", Boolean, nullable=False, server_default=false()),
    *_aggregates(),
    Column("prompt_name", String(255)),
    Column("prompt_version", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "project_id", "trace_id", "start_time"),
    Index(None, "project_id", "start_time"),
)

SESSION_SORT_COLUMNS = (
    "created_at",
    "last_activity_at",
    "duration_seconds",
    "count_traces",
    "error_count",
    "input_cost",
    "output_cost",
    "total_cost",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "sort_user_id",
    "sort_tag",
    "sort_model",
)

sessions = Table(
    "sessions",
    metadata,
    _project_id(),
    Column("id", String(200), primary_key=True),
    # Earliest timestamp of its traces.
    Column("created_at", UtcDateTime, nullable=False),
    Column("environment", String(255), nullable=False, server_default="default"),
    Column("start_time", UtcDateTime),
    Column("end_time", UtcDateTime),
    Column("duration_seconds", Float, nullable=False, server_default="0"),
    Column("count_traces", Integer, nullable=False, server_default="0"),
    Column("count_observations", Integer, nullable=False, server_default="0"),
    Column("error_count", Integer, nullable=False, server_default="0"),
    Column("user_ids", JSONDoc),
    Column("tags", JSONDoc),
    *_aggregates(),
    Column("usage_by_model", JSONDoc),
    # Sort keys for the list columns that hold several values: the first user id and the first
    # tag (alphabetically) and the model with the most tokens; "" when there is none, so that
    # both dialects order them alike (their NULLs sort at opposite ends).
    Column("sort_user_id", String(200), nullable=False, server_default=""),
    Column("sort_tag", String(255), nullable=False, server_default=""),
    Column("sort_model", String(255), nullable=False, server_default=""),
    Column("bookmarked", Boolean, nullable=False, server_default=false()),
    # Bookkeeping: when data last arrived (session-level evaluation waits for idleness).
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("last_activity_at", UtcDateTime, nullable=False),
    # One index per sortable aggregate, ending in the id that breaks ties, so that a page in
    # any order is an index range read (see store/queries.py SESSION_SORTS).
    *(Index(None, "project_id", column, "id") for column in SESSION_SORT_COLUMNS),
    Index(None, "project_id", "environment", "created_at"),
)

scores = Table(
    "scores",
    metadata,
    _project_id(),
    Column("id", String(64), primary_key=True),
    Column("trace_id", String(64)),
    Column("observation_id", String(64)),
    Column("session_id", String(200)),
    Column("name", String(255), nullable=False),
    Column("value", Float),
    Column("string_value", Text),
    Column("data_type", String(16), nullable=False),
    Column("source", String(16), nullable=False, server_default="API"),
    Column("comment", Text),
    Column("metadata", JSONDoc),
    Column("config_id", String(64)),
    Column("environment", String(255), nullable=False, server_default="default"),
    Column("author_user_id", String(64)),
    Column("timestamp", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "project_id", "session_id"),
    Index(None, "project_id", "trace_id"),
    Index(None, "project_id", "timestamp"),
)

score_configs = Table(
    "score_configs",
    metadata,
    _project_id(),
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("data_type", String(16), nullable=False),
    Column("categories", JSONDoc),
    Column("min_value", Float),
    Column("max_value", Float),
    Column("description", Text),
    Column("is_archived", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

comments = Table(
    "comments",
    metadata,
    _project_id(),
    Column("id", String(64), primary_key=True),
    Column("object_type", String(16), nullable=False),
    Column("object_id", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("author_user_id", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "project_id", "object_type", "object_id"),
)

# Per-project custom model prices; they win over genai-prices.
models = Table(
    "models",
    metadata,
    _project_id(),
    Column("id", String(64), primary_key=True),
    Column("model_name", String(255), nullable=False),
    Column("match_pattern", String(1024), nullable=False),
    Column("start_date", UtcDateTime),
    Column("unit", String(32), nullable=False, server_default="TOKENS"),
    # Price per unit, by usage key (e.g. {"input": 1e-6, "output": 2e-6}).
    Column("prices", JSONDoc, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(255)),
    Column("password_hash", String(255)),
    Column("created_at", UtcDateTime, nullable=False),
)

project_members = Table(
    "project_members",
    metadata,
    Column(
        "project_id", String(64), ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("user_id", String(64), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False, server_default="OWNER"),
)

# Login links (one-time) and browser sessions; only hashes of the tokens are kept.
auth_tokens = Table(
    "auth_tokens",
    metadata,
    Column("token_hash", String(128), primary_key=True),
    Column("kind", String(16), nullable=False),  # "login_link" | "browser"
    Column("user_id", String(64), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
)

translations = Table(
    "translations",
    metadata,
    Column("text_hash", String(64), primary_key=True),
    Column("source_lang", String(16), primary_key=True),
    Column("target_lang", String(16), primary_key=True),
    Column("engine", String(64), primary_key=True),
    Column("translated_text", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
