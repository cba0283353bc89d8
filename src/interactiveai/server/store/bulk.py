"""Bulk INSERT/UPDATE through the DB-API's executemany, for the ingestion hot path.

SQLAlchemy's per-parameter processing costs more than SQLite's own work at tens of thousands
of rows a second, so the writer's big statements convert values here, once per value, in the
same formats SQLAlchemy's column types produce (so reads and comparisons see no difference),
and hand them to the driver directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, String, Table

from interactiveai.server.store.types import UtcDateTime, json_text

Converter = Callable[[Any], Any]


def _json_text(value: Any) -> Any:
    return None if value is None else json_text(value)


def _without_nul(value: Any) -> Any:
    """The value with NUL characters replaced in every string (keys too)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


def _pg_json_text(value: Any) -> Any:
    # PostgreSQL's text and jsonb refuse NUL (U+0000) that applications do send; one such
    # span must not fail the whole group commit, so NUL becomes U+FFFD there.
    text = _json_text(value)
    if text is not None and "\\u0000" in text:
        document = orjson.loads(value) if type(value) is bytes else value
        text = _json_text(_without_nul(document))
    return text


def _pg_text(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


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
        return _json_text if dialect == "sqlite" else _pg_json_text
    if isinstance(col_type, Boolean) and dialect == "sqlite":
        return _sqlite_bool
    if isinstance(col_type, String) and dialect == "postgresql":
        return _pg_text
    return _identity


@lru_cache(maxsize=256)
def _converters(table: Table, order: tuple[str, ...], dialect: str) -> tuple[Converter, ...]:
    return tuple(_converter(table, c, dialect) for c in order)


def _params(
    convs: Sequence[Converter], order: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> list[tuple[Any, ...]]:
    getter = itemgetter(*order)
    converted = [(i, conv) for i, conv in enumerate(convs) if conv is not _identity]
    # Timestamps repeat across rows (the write's "now", a trace's start): convert each once.
    times: dict[datetime, str | None] = {}
    params = []
    for row in rows:
        values = list(getter(row)) if len(order) > 1 else [getter(row)]
        for i, conv in converted:
            value = values[i]
            if conv is _sqlite_time and value is not None:
                text = times.get(value)
                if text is None:
                    text = times[value] = _sqlite_time(value)
                values[i] = text
            else:
                values[i] = conv(value)
        params.append(tuple(values))
    return params


@lru_cache(maxsize=256)
def _sqlite_sql(table: Table, columns: tuple[str, ...], keys: tuple[str, ...]) -> str:
    if keys:
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        where = " AND ".join(f'"{k}" = ?' for k in keys)
        return f'UPDATE "{table.name}" SET {sets} WHERE {where}'
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})'


def _sqlite_insert(
    conn: Connection, table: Table, columns: tuple[str, ...], params: list[tuple[Any, ...]]
) -> None:
    # Multi-row VALUES rather than executemany: one statement step per hundreds of rows
    # instead of one per row. The driver gives up the GIL at every step, and under load
    # another thread takes it each time while the writer waits (measured: 50 us per span).
    # Chunks of power-of-two sizes keep to a dozen statement texts, which stay in the
    # driver's statement cache (preparing one costs about 5x inserting its rows).
    dbapi: Any = conn.connection.dbapi_connection
    # 32766 parameters a statement since SQLite 3.32, 999 before.
    limit = dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = 1 << (max(1, limit // len(columns)).bit_length() - 1)
    cursor = dbapi.cursor()
    try:
        start = 0
        while start < len(params):
            while size > len(params) - start:
                size //= 2
            chunk = params[start : start + size]
            cursor.execute(_sqlite_multi_insert(table, columns, size), _flat(chunk))
            start += size
    finally:
        cursor.close()


def _flat(rows: list[tuple[Any, ...]]) -> list[Any]:
    return [value for row in rows for value in row]


@lru_cache(maxsize=256)
def _sqlite_multi_insert(table: Table, columns: tuple[str, ...], rows: int) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    one = f"({', '.join('?' for _ in columns)})"
    return f'INSERT INTO "{table.name}" ({names}) VALUES {", ".join([one] * rows)}'


def _pg_copy(
    conn: Connection,
    table: Table | str,
    columns: tuple[str, ...],
    params: list[tuple[Any, ...]],
) -> None:
    # COPY is PostgreSQL's bulk path: an order of magnitude faster than multi-row INSERTs
    # with tens of thousands of parameters, and inside the same transaction.
    name = table if isinstance(table, str) else table.name
    names = ", ".join(f'"{c}"' for c in columns)
    dbapi: Any = conn.connection.dbapi_connection  # a psycopg Connection
    with dbapi.cursor() as cur, cur.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
        for row in params:
            copy.write_row(row)


def _pg_copy_update(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    params: list[tuple[Any, ...]],
) -> None:
    # COPY the new values into a session-local staging table, then one joined UPDATE.
    staging = f"_staging_{table.name}"
    conn.exec_driver_sql(
        # CREATE AS keeps the column types but none of the constraints.
        f'CREATE TEMP TABLE IF NOT EXISTS "{staging}" ON COMMIT DELETE ROWS '
        f'AS SELECT * FROM "{table.name}" WITH NO DATA'
    )
    conn.exec_driver_sql(f'TRUNCATE "{staging}"')
    _pg_copy(conn, staging, columns + keys, params)
    sets = ", ".join(f'"{c}" = v."{c}"' for c in columns)
    where = " AND ".join(f't."{k}" = v."{k}"' for k in keys)
    conn.exec_driver_sql(
        f'UPDATE "{table.name}" AS t SET {sets} FROM "{staging}" AS v WHERE {where}'
    )


def _write(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    dialect = conn.dialect.name
    order = columns + keys
    params = _params(_converters(table, order, dialect), order, rows)
    if dialect == "postgresql" and not keys:
        _pg_copy(conn, table, columns, params)
    elif dialect == "postgresql":
        _pg_copy_update(conn, table, columns, keys, params)
    elif not keys:
        _sqlite_insert(conn, table, columns, params)
    else:
        conn.exec_driver_sql(_sqlite_sql(table, columns, keys), params)


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT rows (all with the same keys) in one executemany."""
    if not rows:
        return
    _write(conn, table, tuple(rows[0]), (), rows)


def bulk_update(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: tuple[str, ...] = ("project_id", "id"),
) -> None:
    """UPDATE rows by their key columns, setting every other key of the row dicts."""
    if not rows:
        return
    _write(conn, table, tuple(c for c in rows[0] if c not in keys), keys, rows)
