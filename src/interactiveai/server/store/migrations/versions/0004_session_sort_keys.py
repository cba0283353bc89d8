"""sort keys for the sessions list's user ids, tags and usage columns

Revision ID: 0004
Revises: 0003
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from interactiveai.server.store.rollups import session_sort_keys

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("sort_user_id", 200), ("sort_tag", 255), ("sort_model", 255))


def _doc(value: Any) -> Any:
    # SQLite hands JSON back as text, PostgreSQL's jsonb as Python values.
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    for name, length in _COLUMNS:
        op.add_column(
            "sessions",
            sa.Column(name, sa.String(length=length), nullable=False, server_default=""),
        )
    # Existing sessions: their user ids, tags and usage are already rolled up on the row.
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT project_id, id, user_ids, tags, usage_by_model FROM sessions")
    ).all()
    values = [
        {"p": project_id, "s": session_id}
        | session_sort_keys(_doc(users) or (), _doc(tags) or (), _doc(usage) or {})
        for project_id, session_id, users, tags, usage in rows
    ]
    if values:
        bind.execute(
            sa.text(
                "UPDATE sessions SET sort_user_id = :sort_user_id, sort_tag = :sort_tag,"
                " sort_model = :sort_model WHERE project_id = :p AND id = :s"
            ),
            values,
        )
    for name, _ in _COLUMNS:
        op.create_index(f"ix_sessions_project_id_{name}_id", "sessions", ["project_id", name, "id"])


def downgrade() -> None:
    for name, _ in _COLUMNS:
        op.drop_index(f"ix_sessions_project_id_{name}_id", table_name="sessions")
    with op.batch_alter_table("sessions") as batch:
        for name, _ in _COLUMNS:
            batch.drop_column(name)
