"""session sort indexes end in the id, one per sortable aggregate

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = (
    "created_at",
    "last_activity_at",
    "total_cost",
    "total_tokens",
    "duration_seconds",
    "count_traces",
)
_NEW = (
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
)


def upgrade() -> None:
    for column in _OLD:
        op.drop_index(f"ix_sessions_project_id_{column}", table_name="sessions")
    for column in _NEW:
        op.create_index(
            f"ix_sessions_project_id_{column}_id", "sessions", ["project_id", column, "id"]
        )


def downgrade() -> None:
    for column in _NEW:
        op.drop_index(f"ix_sessions_project_id_{column}_id", table_name="sessions")
    for column in _OLD:
        op.create_index(f"ix_sessions_project_id_{column}", "sessions", ["project_id", column])
