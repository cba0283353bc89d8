"""Projects and their API keys. Secret keys are stored as SHA-256 hashes only.

A fast hash is enough here: secrets are 32 random bytes (not passwords a person chose), so
there is nothing to brute-force, and every API request checks one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from interactiveai.server.store.schema import api_keys, projects


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as shown to operators (never the secret itself)."""

    id: str
    project_id: str
    public_key: str
    display_secret: str
    note: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class Project:
    """A project: the unit of data isolation."""

    id: str
    name: str
    created_at: datetime


def hash_secret(secret: str) -> str:
    """The stored form of a secret key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key_pair() -> tuple[str, str]:
    """A fresh (public, secret) pair."""
    return f"pk-{uuid.uuid4()}", f"sk-{secrets.token_urlsafe(32)}"


def create_project(conn: Connection, name: str, project_id: str | None = None) -> Project:
    """Create a project."""
    project = Project(project_id or f"proj-{uuid.uuid4().hex[:12]}", name, datetime.now(UTC))
    conn.execute(
        insert(projects).values(id=project.id, name=project.name, created_at=project.created_at)
    )
    return project


def list_projects(conn: Connection) -> list[Project]:
    """All projects, oldest first."""
    rows = conn.execute(select(projects).order_by(projects.c.created_at))
    return [Project(r.id, r.name, r.created_at) for r in rows]


def get_project(conn: Connection, project_id: str) -> Project | None:
    """One project by id."""
    r = conn.execute(select(projects).where(projects.c.id == project_id)).first()
    return Project(r.id, r.name, r.created_at) if r else None


def create_api_key(
    conn: Connection,
    project_id: str,
    *,
    public_key: str | None = None,
    secret_key: str | None = None,
    note: str | None = None,
) -> tuple[str, str]:
    """Create a key pair for a project; returns (public, secret). The secret is not kept."""
    pk, sk = new_key_pair()
    pk, sk = public_key or pk, secret_key or sk
    if not pk.startswith("pk-") or not sk.startswith("sk-"):
        raise ValueError("public keys start with 'pk-' and secret keys with 'sk-'")
    conn.execute(
        insert(api_keys).values(
            id=uuid.uuid4().hex,
            project_id=project_id,
            public_key=pk,
            secret_hash=hash_secret(sk),
            display_secret=f"{sk[:6]}...{sk[-4:]}",
            note=note,
            created_at=datetime.now(UTC),
        )
    )
    return pk, sk


def list_api_keys(conn: Connection, project_id: str | None = None) -> list[ApiKey]:
    """Keys, newest first, optionally of one project."""
    stmt = select(api_keys).order_by(api_keys.c.created_at.desc())
    if project_id is not None:
        stmt = stmt.where(api_keys.c.project_id == project_id)
    return [
        ApiKey(
            r.id,
            r.project_id,
            r.public_key,
            r.display_secret,
            r.note,
            r.created_at,
            r.last_used_at,
            r.revoked_at,
        )
        for r in conn.execute(stmt)
    ]


def revoke_api_key(conn: Connection, public_key: str) -> bool:
    """Revoke a key by its public part; False when there is no such active key."""
    result = conn.execute(
        update(api_keys)
        .where(api_keys.c.public_key == public_key, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return result.rowcount > 0


def verify_api_key(conn: Connection, public_key: str, secret_key: str) -> str | None:
    """The project id of a valid, unrevoked key pair, else None."""
    r = conn.execute(
        select(api_keys.c.project_id, api_keys.c.secret_hash).where(
            api_keys.c.public_key == public_key, api_keys.c.revoked_at.is_(None)
        )
    ).first()
    if r is None or not hmac.compare_digest(r.secret_hash, hash_secret(secret_key)):
        return None
    return str(r.project_id)
