"""Comments on traces, observations and sessions.

Unlike scores, a comment is written by a person looking at the object, so the object must
exist in the project (a comment on an unknown id is a 404, never a dangling row).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select

from interactiveai.server.errors import BadRequestError, NotFoundError
from interactiveai.server.store.schema import comments, observations, sessions, traces

OBJECT_TYPES = {"TRACE": traces, "OBSERVATION": observations, "SESSION": sessions}
MAX_CONTENT = 5_000


def object_type_of(value: object) -> str:
    """The canonical (upper case) object type; raises BadRequestError naming objectType."""
    if not isinstance(value, str) or value.upper() not in OBJECT_TYPES:
        raise BadRequestError(
            f"objectType: must be one of {', '.join(OBJECT_TYPES)}, got {value!r}"
        )
    return value.upper()


def object_exists(conn: Connection, project_id: str, object_type: str, object_id: str) -> bool:
    """True when the commented object exists in the project."""
    table = OBJECT_TYPES[object_type_of(object_type)]
    found = conn.execute(
        select(table.c.id).where(table.c.project_id == project_id, table.c.id == object_id)
    ).first()
    return found is not None


def prepare_comment(
    conn: Connection,
    project_id: str,
    object_type: object,
    object_id: object,
    content: object,
    author_user_id: object = None,
) -> dict[str, Any]:
    """Validate a comment and return its row (not written)."""
    otype = object_type_of(object_type)
    if not isinstance(object_id, str) or not object_id:
        raise BadRequestError("objectId: must be a non-empty string")
    if len(object_id) > 200:
        raise BadRequestError("objectId: is longer than 200 characters")
    if not isinstance(content, str) or not content.strip():
        raise BadRequestError("content: must be a non-empty string")
    if "\x00" in content or "\x00" in object_id:
        raise BadRequestError("content: must not contain NUL characters")
    if len(content) > MAX_CONTENT:
        raise BadRequestError(
            f"content: is {len(content)} characters long; the limit is {MAX_CONTENT}"
        )
    if author_user_id is not None and (
        not isinstance(author_user_id, str) or len(author_user_id) > 64
    ):
        raise BadRequestError("authorUserId: must be a string of at most 64 characters")
    if not object_exists(conn, project_id, otype, object_id):
        raise NotFoundError(f"{otype.capitalize()} not found")
    now = datetime.now(UTC)
    return {
        "project_id": project_id,
        "id": str(uuid.uuid4()),
        "object_type": otype,
        "object_id": object_id,
        "content": content,
        "author_user_id": author_user_id,
        "created_at": now,
        "updated_at": now,
    }


def write_comment(conn: Connection, row: dict[str, Any]) -> None:
    """Insert a prepared comment."""
    conn.execute(insert(comments).values(row))


def create_comment(
    conn: Connection,
    project_id: str,
    object_type: str,
    object_id: str,
    content: str,
    author_user_id: str | None = None,
) -> str:
    """Validate and insert a comment; returns its id. Raises BadRequestError/NotFoundError."""
    row = prepare_comment(conn, project_id, object_type, object_id, content, author_user_id)
    write_comment(conn, row)
    return str(row["id"])


def list_comments(
    conn: Connection, project_id: str, object_type: str, object_id: str
) -> list[dict[str, Any]]:
    """The comments of one object, oldest first."""
    c = comments.c
    rows = conn.execute(
        select(comments)
        .where(
            c.project_id == project_id,
            c.object_type == object_type_of(object_type),
            c.object_id == object_id,
        )
        .order_by(c.created_at, c.id)
    )
    return [dict(r._mapping) for r in rows]


def page_comments(
    conn: Connection,
    project_id: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    author_user_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """A page of comments, newest first, and the total count."""
    c = comments.c
    cond = [c.project_id == project_id]
    if object_type is not None:
        cond.append(c.object_type == object_type_of(object_type))
    if object_id is not None:
        cond.append(c.object_id == object_id)
    if author_user_id is not None:
        cond.append(c.author_user_id == author_user_id)
    where = and_(*cond)
    rows = conn.execute(
        select(comments)
        .where(where)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = conn.execute(select(func.count()).select_from(comments).where(where)).scalar_one()
    return [dict(r._mapping) for r in rows], int(total)


def get_comment(conn: Connection, project_id: str, comment_id: str) -> dict[str, Any] | None:
    """One comment, or None."""
    row = conn.execute(
        select(comments).where(comments.c.project_id == project_id, comments.c.id == comment_id)
    ).first()
    return dict(row._mapping) if row else None


def delete_comment(conn: Connection, project_id: str, comment_id: str) -> bool:
    """Delete one comment; False when it does not exist."""
    c = comments.c
    result = conn.execute(delete(comments).where(c.project_id == project_id, c.id == comment_id))
    return bool(result.rowcount)
