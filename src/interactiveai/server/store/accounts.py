"""People who use the web UI: users, passwords, project membership, login links, browser sessions.

Passwords are hashed with Argon2id (argon2-cffi). Login links and browser sessions are random
tokens handed to the browser once; only their SHA-256 hash is stored (`auth_tokens`), so a
copy of the database logs nobody in. A fast hash is right for those tokens: they are 256
random bits, not something a person chose.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, or_, select, update

from interactiveai.server.store.projects import Project, list_projects
from interactiveai.server.store.schema import auth_tokens, project_members, projects, users

LOGIN_LINK = "login_link"
BROWSER = "browser"
ROLES = ("OWNER", "ADMIN", "MEMBER", "VIEWER")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()
# Verified when the email is unknown so that a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user-facing problem with account data (weak password, duplicate email...)."""


@dataclass(frozen=True, slots=True)
class User:
    """A person who may log in to the UI."""

    id: str
    email: str
    name: str | None
    has_password: bool
    created_at: datetime

    @property
    def display_name(self) -> str:
        """What the UI shows for this user."""
        return self.name or self.email


def user_from_row(row: object) -> User:
    """A User from a row of the users table."""
    r = row._mapping  # type: ignore[attr-defined]
    return User(r["id"], r["email"], r["name"], bool(r["password_hash"]), r["created_at"])


def token_hash(token: str) -> str:
    """The stored form of a login-link or browser-session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_strength(password: str) -> None:
    """Raise AccountError when the password is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password (checked for strength first)."""
    check_password_strength(password)
    return _hasher.hash(password)


def _normalize_email(email: str) -> str:
    email = email.strip()
    if not email or len(email) > 320:
        raise AccountError("the email (or user name) must have 1 to 320 characters")
    return email.lower()


# -- users ---------------------------------------------------------------------------------


def create_user(
    conn: Connection,
    email: str,
    *,
    name: str | None = None,
    password: str | None = None,
    project_ids: list[str] | None = None,
    role: str = "MEMBER",
) -> User:
    """Create a user, member of `project_ids` (all projects when None)."""
    email = _normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if get_user_by_email(conn, email) is not None:
        raise AccountError(f"a user with email {email!r} already exists")
    user_id = f"user-{uuid.uuid4().hex[:16]}"
    now = datetime.now(UTC)
    conn.execute(
        insert(users).values(
            id=user_id,
            email=email,
            name=name,
            password_hash=hash_password(password) if password else None,
            created_at=now,
        )
    )
    if project_ids is None:
        project_ids = [p.id for p in list_projects(conn)]
    for pid in project_ids:
        add_member(conn, pid, user_id, role)
    return User(user_id, email, name, bool(password), now)


def get_user(conn: Connection, user_id: str) -> User | None:
    """One user by id."""
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return user_from_row(row) if row else None


def get_user_by_email(conn: Connection, email: str) -> User | None:
    """One user by email (case-insensitive)."""
    row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    return user_from_row(row) if row else None


def list_users(conn: Connection) -> list[User]:
    """All users, oldest first."""
    return [
        user_from_row(r)
        for r in conn.execute(select(users).order_by(users.c.created_at, users.c.id))
    ]


def count_users_with_password(conn: Connection) -> int:
    """How many users can log in with a password."""
    stmt = select(func.count()).select_from(users).where(users.c.password_hash.is_not(None))
    return int(conn.execute(stmt).scalar_one())


def set_password(conn: Connection, user_id: str, password: str) -> None:
    """Replace a user's password."""
    conn.execute(
        update(users).where(users.c.id == user_id).values(password_hash=hash_password(password))
    )


def set_email(conn: Connection, user_id: str, email: str) -> None:
    """Change a user's email (the login name)."""
    email = _normalize_email(email)
    other = get_user_by_email(conn, email)
    if other is not None and other.id != user_id:
        raise AccountError(f"a user with email {email!r} already exists")
    conn.execute(update(users).where(users.c.id == user_id).values(email=email))


def authenticate(conn: Connection, email: str, password: str) -> User | None:
    """The user whose email and password match, else None (same cost either way)."""
    row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    stored = row._mapping["password_hash"] if row is not None else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        conn.execute(
            update(users)
            .where(users.c.id == row._mapping["id"])
            .values(password_hash=_hasher.hash(password))
        )
    return user_from_row(row)


# -- membership ----------------------------------------------------------------------------


def add_member(conn: Connection, project_id: str, user_id: str, role: str = "MEMBER") -> None:
    """Make `user_id` a member of `project_id` (no-op when already a member)."""
    found = conn.execute(
        select(project_members.c.role).where(
            project_members.c.project_id == project_id, project_members.c.user_id == user_id
        )
    ).first()
    if found is None:
        conn.execute(
            insert(project_members).values(project_id=project_id, user_id=user_id, role=role)
        )


def user_projects(conn: Connection, user_id: str) -> list[Project]:
    """The projects a user may see, oldest first."""
    stmt = (
        select(projects)
        .join(project_members, project_members.c.project_id == projects.c.id)
        .where(project_members.c.user_id == user_id)
        .order_by(projects.c.created_at, projects.c.id)
    )
    return [Project(r.id, r.name, r.created_at) for r in conn.execute(stmt)]


def project_role(conn: Connection, user_id: str, project_id: str) -> str | None:
    """The user's role in the project (one of ROLES), or None when not a member."""
    return conn.execute(
        select(project_members.c.role).where(
            project_members.c.project_id == project_id, project_members.c.user_id == user_id
        )
    ).scalar_one_or_none()


# -- tokens: login links and browser sessions -----------------------------------------------


def _issue(conn: Connection, user_id: str, kind: str, ttl: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    conn.execute(
        insert(auth_tokens).values(
            token_hash=token_hash(token),
            kind=kind,
            user_id=user_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return token


def create_login_link_token(conn: Connection, user_id: str, ttl: timedelta) -> str:
    """A one-time login token for `user_id`; the caller builds the URL."""
    return _issue(conn, user_id, LOGIN_LINK, ttl)


def peek_login_link(conn: Connection, token: str) -> User | None:
    """The user a still-valid login token belongs to, without using it up."""
    t = auth_tokens.c
    row = conn.execute(
        select(t.user_id).where(
            t.token_hash == token_hash(token),
            t.kind == LOGIN_LINK,
            t.used_at.is_(None),
            t.expires_at > datetime.now(UTC),
        )
    ).first()
    return get_user(conn, row.user_id) if row else None


def consume_login_link(conn: Connection, token: str) -> User | None:
    """Use up a login token; the user, or None when unknown, used or expired.

    The conditional UPDATE makes it single-use even when two requests race.
    """
    user = peek_login_link(conn, token)
    if user is None:
        return None
    t = auth_tokens.c
    result = conn.execute(
        update(auth_tokens)
        .where(t.token_hash == token_hash(token), t.used_at.is_(None))
        .values(used_at=datetime.now(UTC))
    )
    return user if result.rowcount == 1 else None


def create_browser_session(conn: Connection, user_id: str, ttl: timedelta) -> str:
    """A browser-session token (the cookie value) for `user_id`."""
    return _issue(conn, user_id, BROWSER, ttl)


def user_for_browser_session(conn: Connection, token: str) -> User | None:
    """The user of a valid browser-session token, else None."""
    t = auth_tokens.c
    row = conn.execute(
        select(users)
        .join(auth_tokens, auth_tokens.c.user_id == users.c.id)
        .where(
            t.token_hash == token_hash(token),
            t.kind == BROWSER,
            t.used_at.is_(None),
            t.expires_at > datetime.now(UTC),
        )
    ).first()
    return user_from_row(row) if row else None


def end_browser_session(conn: Connection, token: str) -> None:
    """Log a browser out: its token stops working at once."""
    t = auth_tokens.c
    conn.execute(
        update(auth_tokens)
        .where(t.token_hash == token_hash(token), t.kind == BROWSER)
        .values(used_at=datetime.now(UTC))
    )


def end_all_browser_sessions(conn: Connection, user_id: str, *, except_token: str | None) -> None:
    """Log a user out everywhere (after a password change), except the current browser."""
    t = auth_tokens.c
    stmt = update(auth_tokens).where(t.user_id == user_id, t.kind == BROWSER, t.used_at.is_(None))
    if except_token is not None:
        stmt = stmt.where(t.token_hash != token_hash(except_token))
    conn.execute(stmt.values(used_at=datetime.now(UTC)))


def purge_tokens(conn: Connection) -> int:
    """Delete expired and used tokens; returns how many."""
    t = auth_tokens.c
    result = conn.execute(
        delete(auth_tokens).where(or_(t.expires_at <= datetime.now(UTC), t.used_at.is_not(None)))
    )
    return int(result.rowcount)
