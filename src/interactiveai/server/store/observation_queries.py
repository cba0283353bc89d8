"""Read queries for observations: the observations list and one observation by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from interactiveai.server.store.conditions import equal_to, of_user_traces
from interactiveai.server.store.queries import Page
from interactiveai.server.store.schema import observations, traces


@dataclass(slots=True)
class ObservationFilter:
    """Filters of the observations list."""

    name: str | None = None
    user_id: str | None = None
    type: str | None = None
    trace_id: str | None = None
    parent_observation_id: str | None = None
    from_start_time: datetime | None = None
    to_start_time: datetime | None = None
    environments: Sequence[str] = ()


def list_observations(
    conn: Connection, project_id: str, f: ObservationFilter, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A page of observations, newest start first, and the total count."""
    o = observations.c
    cond: list[ColumnElement[bool]] = [o.project_id == project_id]
    cond += equal_to(
        (
            (f.name, o.name),
            (f.type, o.type),
            (f.trace_id, o.trace_id),
            (f.parent_observation_id, o.parent_observation_id),
        )
    )
    if f.user_id is not None:
        cond.append(o.trace_id.in_(of_user_traces(traces.c.id, project_id, f.user_id)))
    if f.from_start_time is not None:
        cond.append(o.start_time >= f.from_start_time)
    if f.to_start_time is not None:
        cond.append(o.start_time < f.to_start_time)
    if f.environments:
        cond.append(or_(*(o.environment == e for e in f.environments)))
    stmt = select(observations).where(and_(*cond))
    rows = [
        dict(r._mapping)
        for r in conn.execute(
            stmt.order_by(o.start_time.desc(), o.id.desc()).limit(page.limit).offset(page.offset)
        )
    ]
    total = conn.execute(
        select(func.count()).select_from(observations).where(and_(*cond))
    ).scalar_one()
    return rows, int(total)


def get_observation(
    conn: Connection, project_id: str, observation_id: str
) -> dict[str, Any] | None:
    """One observation, or None."""
    r = conn.execute(
        select(observations).where(
            observations.c.project_id == project_id, observations.c.id == observation_id
        )
    ).first()
    return dict(r._mapping) if r else None
