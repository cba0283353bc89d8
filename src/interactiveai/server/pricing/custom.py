"""Per-project custom prices, cached so that pricing an observation costs no query.

The cache holds each project's price list for a few seconds: a price created through the
API of this process is seen at once (the route calls `invalidate`), one created through
another server process within `ttl` seconds.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection

from interactiveai.server.store.prices import load_models


@dataclass(frozen=True, slots=True)
class CustomPrice:
    """One compiled custom price."""

    id: str
    pattern: re.Pattern[str]
    start_date: datetime | None
    created_at: datetime
    prices: Mapping[str, float]

    def cost(self, usage: Mapping[str, int]) -> dict[str, float] | None:
        """Cost details by usage key (plus `total`), or None when no priced key is in `usage`."""
        if "total" in self.prices:
            total = usage.get("total")
            if total is None:
                total = sum(v for k, v in usage.items() if "input" in k or "output" in k)
            return {"total": total * self.prices["total"]}
        out = {k: usage[k] * p for k, p in self.prices.items() if k in usage}
        if not out:
            return None
        out["total"] = sum(out.values())
        return out


class CustomPrices:
    """Cache of every project's custom prices."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._by_project: dict[str, tuple[float, list[CustomPrice]]] = {}
        self._lock = threading.Lock()

    def invalidate(self, project_id: str | None = None) -> None:
        """Forget the cached prices of one project (or all)."""
        with self._lock:
            if project_id is None:
                self._by_project.clear()
            else:
                self._by_project.pop(project_id, None)

    def prices(self, conn: Connection, project_id: str) -> list[CustomPrice]:
        """The project's prices, newest start date first (loaded at most every `ttl` s)."""
        now = time.monotonic()
        with self._lock:
            hit = self._by_project.get(project_id)
        if hit is not None and hit[0] > now:
            return hit[1]
        compiled: list[CustomPrice] = []
        for row in load_models(conn, project_id):
            try:
                pattern = re.compile(row["match_pattern"])
            except re.error:
                continue  # validated on create; a hand-edited row must not break ingestion
            compiled.append(
                CustomPrice(
                    row["id"], pattern, row["start_date"], row["created_at"], row["prices"] or {}
                )
            )
        oldest = datetime.min.replace(tzinfo=UTC)
        compiled.sort(key=lambda p: (p.start_date or oldest, p.created_at), reverse=True)
        with self._lock:
            self._by_project[project_id] = (now + self.ttl, compiled)
        return compiled

    def match(
        self, conn: Connection, project_id: str, model: str, start_time: datetime | None
    ) -> CustomPrice | None:
        """The price in force for `model` at `start_time`: the latest start date not after it."""
        for price in self.prices(conn, project_id):
            if (
                price.start_date is not None
                and start_time is not None
                and (price.start_date > start_time)
            ):
                continue
            if price.pattern.search(model):
                return price
        return None
