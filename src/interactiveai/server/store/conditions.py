"""WHERE-clause pieces that the traces, observations, sessions and scores lists share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from interactiveai.server.store.schema import traces


def equal_to(pairs: Iterable[tuple[object, ColumnElement[Any]]]) -> list[ColumnElement[bool]]:
    """`column == value` for each (value, column) pair whose value was given (not None)."""
    return [column == value for value, column in pairs if value is not None]


def of_user_traces(column: ColumnElement[Any], project_id: str, user_id: str) -> Select[Any]:
    """`column` (trace id or session id) of the project's traces by one user, for an IN (...)."""
    return select(column).where(traces.c.project_id == project_id, traces.c.user_id == user_id)
