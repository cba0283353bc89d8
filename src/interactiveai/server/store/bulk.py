"""Bulk INSERT/UPDATE through the DB-API's executemany, for the ingestion hot path.

SQLAlchemy's per-parameter processing costs more than SQLite's own work at tens of thousands
of rows a second, so the writer's big statements convert values here, once per value, in the
same formats SQLAlchemy's column types produce (so reads and comparisons see no difference),
and hand them to the driver directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, Table

from interactiveai.server.store.types import UtcDateTime

Converter = Callable[[Any], Any]


def _json_text(value: Any) -> Any:
    if value is None:
        return None
    return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    # The exact text SQLAlchemy's SQLite DateTime writes, so text comparisons stay right.
    if value.tzinfo is UTC:
        return value.isoformat(" ", "microseconds")[:26]  # drop the "+00:00"
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _pg_time(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _sqlite_bool(value: Any) -> Any:
    return None if value is None else int(bool(value))


def _identity(value: Any) -> Any:
    return value


def _converter(table: Table, column: str, dialect: str) -> Converter:
    col_type = table.c[column].type
    if isinstance(col_type, UtcDateTime):
        return _sqlite_time if dialect == "sqlite" else _pg_time
    if isinstance(col_type, JSON) or isinstance(getattr(col_type, "impl", None), JSON):
        return _json_text
    if isinstance(col_type, Boolean) and dialect == "sqlite":
        return _sqlite_bool
    return _identity


@lru_cache(maxsize=256)
def _plan(
    table: Table, columns: tuple[str, ...], keys: tuple[str, ...], dialect: str
) -> tuple[str, tuple[Converter, ...]]:
    mark = "?" if dialect == "sqlite" else "%s"
    json_cast = "" if dialect == "sqlite" else "::jsonb"

    def placeholder(name: str) -> str:
        col_type = table.c[name].type
        is_json = isinstance(col_type, JSON) or isinstance(getattr(col_type, "impl", None), JSON)
        return mark + (json_cast if is_json else "")

    if keys:
        sets = ", ".join(f'"{c}" = {placeholder(c)}' for c in columns)
        where = " AND ".join(f'"{k}" = {mark}' for k in keys)
        sql = f'UPDATE "{table.name}" SET {sets} WHERE {where}'
        order = columns + keys
    else:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(placeholder(c) for c in columns)
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        order = columns
    return sql, tuple(_converter(table, c, dialect) for c in order)


def _run(
    conn: Connection,
    sql: str,
    convs: Sequence[Converter],
    order: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    getter = itemgetter(*order)
    converted = [(i, conv) for i, conv in enumerate(convs) if conv is not _identity]
    params = []
    for row in rows:
        values = list(getter(row)) if len(order) > 1 else [getter(row)]
        for i, conv in converted:
            values[i] = conv(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT rows (all with the same keys) in one executemany."""
    if not rows:
        return
    columns = tuple(rows[0])
    sql, convs = _plan(table, columns, (), conn.dialect.name)
    _run(conn, sql, convs, columns, rows)


def bulk_update(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: tuple[str, ...] = ("project_id", "id"),
) -> None:
    """UPDATE rows by their key columns, setting every other key of the row dicts."""
    if not rows:
        return
    columns = tuple(c for c in rows[0] if c not in keys)
    sql, convs = _plan(table, columns, keys, conn.dialect.name)
    _run(conn, sql, convs, columns + keys, rows)
