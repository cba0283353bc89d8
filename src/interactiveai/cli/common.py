"""What the commands share: settings from flags and env, and the engine."""

from __future__ import annotations

from sqlalchemy import Engine

from interactiveai.server.settings import Settings
from interactiveai.server.store.engine import default_database_url, make_engine


def engine_for(settings: Settings) -> Engine:
    """The engine of the configured database."""
    return make_engine(settings.database_url or default_database_url())
