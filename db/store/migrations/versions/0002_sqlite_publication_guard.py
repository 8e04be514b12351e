"""On SQLite too, triggers that refuse to change published rows (PostgreSQL has had them since 0001).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite is the default database, so the guard must not depend on PostgreSQL: a published version is never edited.
PUBLISHED_TABLES = ("publication", "publishedrating", "publishedcharge", "publishedpractitioner")
MESSAGE = "published rows are immutable; publish a new version instead (已发布的评定结果不可修改或删除，更正请发布新版本)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in PUBLISHED_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{operation} on {table}: {MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in PUBLISHED_TABLES:
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
