"""session_tags: one row per (session, tag) for the sessions list's tag filter

Revision ID: 0003
Revises: 0002
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_tags",
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=255), nullable=False),
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "tag", "session_id", name=op.f("pk_session_tags")),
    )
    # Existing sessions: their tags are already rolled up on the session row.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT project_id, id, tags FROM sessions")).all()
    values = []
    for project_id, session_id, tags in rows:
        if isinstance(tags, str):
            tags = json.loads(tags)
        values += [{"p": project_id, "t": t, "s": session_id} for t in tags or ()]
    if values:
        bind.execute(
            sa.text("INSERT INTO session_tags (project_id, tag, session_id) VALUES (:p, :t, :s)"),
            values,
        )


def downgrade() -> None:
    op.drop_table("session_tags")
