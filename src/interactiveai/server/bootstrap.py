"""First start: migrate the schema and make sure a project and a key pair exist."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from interactiveai.server.settings import Settings
from interactiveai.server.store import accounts, migrate
from interactiveai.server.store.projects import (
    create_api_key,
    create_project,
    list_api_keys,
    list_projects,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FirstStart:
    """What was created on an empty database; the secret is shown once, then only its hash is kept."""

    project_id: str
    public_key: str
    secret_key: str


def prepare_database(engine: Engine, settings: Settings) -> FirstStart | None:
    """Run migrations; on an empty database create the default project and key pair."""
    migrate.upgrade(engine)
    with engine.begin() as conn:
        if list_projects(conn):
            # A fixed init key pair (headless deployments, tests) is added if it is missing.
            if settings.init_public_key and settings.init_secret_key:
                known = {k.public_key for k in list_api_keys(conn)}
                if settings.init_public_key not in known:
                    create_api_key(
                        conn,
                        list_projects(conn)[0].id,
                        public_key=settings.init_public_key,
                        secret_key=settings.init_secret_key,
                        note="INTERACTIVEAI_INIT_* keys",
                    )
            return None
        project = create_project(conn, settings.init_project_name)
        pk, sk = create_api_key(
            conn,
            project.id,
            public_key=settings.init_public_key,
            secret_key=settings.init_secret_key,
            note="created on first start",
        )
    log.info("created project %s with key %s", project.id, pk)
    return FirstStart(project.id, pk, sk)


def login_link_url(settings: Settings, token: str) -> str:
    """The URL of a one-time login link."""
    return f"{settings.base_url}/login/link/{token}"


def ensure_owner(engine: Engine, settings: Settings) -> str | None:
    """Make sure someone can log in to the UI; returns a one-time login link when needed.

    On a database without users the owner is created (member of every project). While no
    user has a password yet, every start prints a fresh link, so an owner who missed the
    first one restarts the server (or runs `interactiveai users login-link`).
    """
    with engine.begin() as conn:
        existing = accounts.list_users(conn)
        if not existing:
            owner = accounts.create_user(
                conn,
                settings.init_user_email,
                password=settings.init_user_password,
                role="OWNER",
            )
            log.info("created owner user %s", owner.email)
            existing = [owner]
        if accounts.count_users_with_password(conn):
            return None
        token = accounts.create_login_link_token(
            conn, existing[0].id, timedelta(hours=settings.login_link_hours)
        )
    return login_link_url(settings, token)
