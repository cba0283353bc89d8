"""Cost from usage: per-project custom prices first, then the `genai-prices` catalog.

`Pricer` is the `PriceFn` the writer calls for an observation that has usage and a model
but no cost given by the client (given cost always wins; the write path decides that).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection

from interactiveai.server.pricing.catalog import Catalog
from interactiveai.server.pricing.custom import CustomPrices

__all__ = ["Catalog", "CustomPrices", "Pricer"]


class Pricer:
    """Prices observations; one per server process (its caches are shared by threads)."""

    def __init__(self, *, custom_ttl: float = 5.0, use_catalog: bool = True) -> None:
        self.custom = CustomPrices(custom_ttl)
        self.catalog = Catalog() if use_catalog else None

    def __call__(
        self,
        conn: Connection,
        project_id: str,
        model: str,
        usage: Mapping[str, int],
        start_time: datetime,
    ) -> dict[str, float] | None:
        """Cost details in USD for the usage, or None when no price is known."""
        custom = self.custom.match(conn, project_id, model, start_time)
        if custom is not None:
            return custom.cost(usage)
        if self.catalog is not None:
            return self.catalog.cost(model, usage, start_time)
        return None

    def invalidate(self, project_id: str | None = None) -> None:
        """Custom prices changed: forget the cached ones."""
        self.custom.invalidate(project_id)
