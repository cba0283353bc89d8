"""First start: migrate the schema and make sure a project and a key pair exist."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from interactiveai.server.settings import Settings
from interactiveai.server.store import migrate
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
