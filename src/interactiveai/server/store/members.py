"""Who may see a project, and with which role: listing, inviting, changing, removing.

The rules a UI or CLI should not have to repeat live here: only an owner grants or takes the
owner role, and a project always keeps at least one owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, delete, func, select, update

from interactiveai.server.store import accounts
from interactiveai.server.store.schema import project_members, users

# Who may add, change and remove members.
MANAGER_ROLES = frozenset({"OWNER", "ADMIN"})


@dataclass(frozen=True, slots=True)
class Member:
    """A user with their role in one project."""

    user: accounts.User
    role: str


@dataclass(frozen=True, slots=True)
class Invitation:
    """The member added, and a one-time login link token when they are new here."""

    member: Member
    login_token: str | None


def list_members(conn: Connection, project_id: str) -> list[Member]:
    """The project's members, by email."""
    stmt = (
        select(users, project_members.c.role)
        .join(project_members, project_members.c.user_id == users.c.id)
        .where(project_members.c.project_id == project_id)
        .order_by(users.c.email)
    )
    return [Member(accounts.user_from_row(r), r.role) for r in conn.execute(stmt)]


def _owners(conn: Connection, project_id: str) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                project_members.c.project_id == project_id, project_members.c.role == "OWNER"
            )
        ).scalar_one()
    )


def _check_grant(acting_role: str, old: str | None, new: str | None) -> None:
    if acting_role not in MANAGER_ROLES:
        raise accounts.AccountError("only owners and admins manage members")
    if new is not None and new not in accounts.ROLES:
        raise accounts.AccountError(f"role must be one of {', '.join(accounts.ROLES)}")
    if "OWNER" in (old, new) and acting_role != "OWNER":
        raise accounts.AccountError("only an owner grants or takes the owner role")


def invite(
    conn: Connection,
    project_id: str,
    email: str,
    role: str,
    *,
    acting_role: str,
    link_ttl: timedelta,
) -> Invitation:
    """Add a person by email: a new user gets a one-time login link to set their password."""
    _check_grant(acting_role, None, role)
    user = accounts.get_user_by_email(conn, email)
    token = None
    if user is None:
        user = accounts.create_user(conn, email, project_ids=[project_id], role=role)
        token = accounts.create_login_link_token(conn, user.id, link_ttl)
    elif accounts.project_role(conn, user.id, project_id) is not None:
        raise accounts.AccountError(f"{user.email} is already a member")
    else:
        accounts.add_member(conn, project_id, user.id, role)
    return Invitation(Member(user, role), token)


def set_role(
    conn: Connection, project_id: str, user_id: str, role: str | None, *, acting_role: str
) -> None:
    """Change a member's role, or remove them from the project (`role=None`)."""
    old = accounts.project_role(conn, user_id, project_id)
    if old is None:
        raise accounts.AccountError("not a member of this project")
    _check_grant(acting_role, old, role)
    if old == "OWNER" and role != "OWNER" and _owners(conn, project_id) == 1:
        raise accounts.AccountError("a project keeps at least one owner")
    where = (project_members.c.project_id == project_id, project_members.c.user_id == user_id)
    if role is None:
        conn.execute(delete(project_members).where(*where))
    else:
        conn.execute(update(project_members).where(*where).values(role=role))
