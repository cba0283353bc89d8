"""Session-score conditions of the sessions list: filter by a session score, sort by its mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from interactiveai.server.errors import BadRequestError
from interactiveai.server.store.schema import scores, sessions


@dataclass(frozen=True, slots=True)
class ScoreCondition:
    """A session has a session score `name` whose value satisfies `op value`.

    `op` is one of <, <=, >, >=, =, != (numeric `value`), `=`/`!=` with a string `value`
    compare the string value (categorical labels), and op None means "has such a score".
    """

    name: str
    op: str | None = None
    value: float | str | None = None


SCORE_ORDER_PREFIX = "score:"


def session_score_match(project_id: str, sc: ScoreCondition) -> Select[Any]:
    """Ids of the sessions with a session score matching the condition."""
    c = scores.c
    where: list[ColumnElement[bool]] = [
        c.project_id == project_id,
        c.trace_id.is_(None),
        c.session_id.is_not(None),
        c.name == sc.name,
    ]
    if sc.op is not None:
        col: Any = c.string_value if isinstance(sc.value, str) else c.value
        ops: dict[str, Any] = {
            "<": col.__lt__,
            "<=": col.__le__,
            ">": col.__gt__,
            ">=": col.__ge__,
            "=": col.__eq__,
            "!=": col.__ne__,
        }
        if sc.op not in ops or (isinstance(sc.value, str) and sc.op not in ("=", "!=")):
            raise BadRequestError(f"score: unsupported comparison {sc.op!r} for {sc.name!r}")
        where.append(ops[sc.op](sc.value))
    return select(c.session_id).where(and_(*where))


def session_score_order(project_id: str, order_by: str) -> tuple[Any, bool]:
    """(sort key, descending) for `score:<name>.asc|desc`: the mean of that session score."""
    spec = order_by[len(SCORE_ORDER_PREFIX) :]
    name, desc = spec, True
    for suffix, is_desc in ((".desc", True), (".asc", False)):
        if spec.endswith(suffix):
            name, desc = spec[: -len(suffix)], is_desc
            break
    if not name:
        raise BadRequestError("orderBy: score:<name>.asc|desc needs a score name")
    c = scores.c
    mean = (
        select(func.avg(c.value))
        .where(
            c.project_id == project_id,
            c.session_id == sessions.c.id,
            c.trace_id.is_(None),
            c.name == name,
        )
        .scalar_subquery()
    )
    return mean, desc
