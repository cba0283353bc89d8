"""The translation cache: one row per (sha256 of text, source, target, engine).

Rows are only ever inserted; a concurrent writer of the same key (another request, another
server process on the same PostgreSQL) is ignored by INSERT ... ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.exc import IntegrityError

log = logging.getLogger(__name__)

# Bound the IN (...) list and each multi-row insert: SQLite allows 32766 parameters.
_BATCH = 500


def text_hash(text: str) -> str:
    """The cache key of a text: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _batches(items: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), _BATCH):
        yield items[i : i + _BATCH]


class TranslationCache:
    """Cached translations in the database."""

    def __init__(self, engine: Engine, table: Table | None = None) -> None:
        """`table` defaults to the store's `translations` table; tests may pass their own."""
        if table is None:
            from interactiveai.server.store.schema import translations

            table = translations
        self.engine = engine
        self.table = table

    def get_many(
        self, texts: Iterable[str], source: str, target: str, engine_name: str
    ) -> dict[str, str]:
        """The cached translations of those `texts` that have one, by original text."""
        by_hash: dict[str, str] = {text_hash(t): t for t in texts}
        if not by_hash:
            return {}
        t = self.table
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for hashes in _batches(list(by_hash)):
                rows = conn.execute(
                    select(t.c.text_hash, t.c.translated_text).where(
                        t.c.text_hash.in_(hashes),
                        t.c.source_lang == source,
                        t.c.target_lang == target,
                        t.c.engine == engine_name,
                    )
                )
                for h, translated in rows:
                    found[by_hash[h]] = translated
        return found

    def put_many(
        self, translations: Mapping[str, str], source: str, target: str, engine_name: str
    ) -> None:
        """Store `original → translated` pairs; keys already present are left as they are."""
        if not translations:
            return
        now = datetime.now(UTC)
        rows = [
            {
                "text_hash": text_hash(original),
                "source_lang": source,
                "target_lang": target,
                "engine": engine_name,
                "translated_text": translated,
                "created_at": now,
            }
            for original, translated in translations.items()
        ]
        dialect = self.engine.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            # The store supports only these two; stay correct elsewhere, row by row.
            for row in rows:
                try:
                    with self.engine.begin() as conn:
                        conn.execute(insert(self.table), row)
                except IntegrityError:
                    pass
            return
        with self.engine.begin() as conn:
            for batch in _batches(rows):
                conn.execute(self._insert_ignoring_duplicates(dialect), batch)

    def _insert_ignoring_duplicates(self, dialect: str) -> Any:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(self.table).on_conflict_do_nothing()
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(self.table).on_conflict_do_nothing()
