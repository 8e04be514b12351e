"""Bulk inserts through Core (one executemany per table), shared by imports and seeding.

Core on the session's own connection, not ORM objects: same transaction, none of the per-object bookkeeping.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def bulk_insert(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Insert `rows` (dicts with the same keys) into `model`'s table in one executemany; returns len(rows)."""
    if rows:
        session.connection().execute(insert(model.__table__), list(rows))
    return len(rows)


def insert_ignoring_duplicates(session: Session, model: Any, rows: Sequence[dict[str, Any]],
                               unique_columns: list[str]) -> int:
    """Insert `rows`, skipping any whose `unique_columns` already exist; returns how many were inserted."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(model.__table__).on_conflict_do_nothing(index_elements=unique_columns)
    elif dialect == "sqlite":
        stmt = sqlite.insert(model.__table__).on_conflict_do_nothing(index_elements=unique_columns)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    result = session.connection().execute(stmt, list(rows))
    return max(result.rowcount, 0)
