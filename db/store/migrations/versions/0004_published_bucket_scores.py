"""Published scores keyed by the rulebook's buckets (publishedscore) instead of fixed town/bureau columns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "publishedscore"
# Until now every publication had exactly these buckets, in this order (publish refused any other rulebook):
# they become rows with the same order, so every export — and so every digest — reads back byte for byte.
OLD_BUCKETS = ("town", "bureau")
GUARD_FUNCTION = "refuse_published_change"  # made by 0001 on PostgreSQL
MESSAGE = "published rows are immutable; publish a new version instead (已发布的评定结果不可修改或删除，更正请发布新版本)"


def _create_guard() -> None:
    """The same publication guard as the other Published* tables (0001 on PostgreSQL, 0002 on SQLite)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE OR DELETE ON {TABLE} "
                   f"FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}()")
        op.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {GUARD_FUNCTION}()")
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
                   f"BEGIN SELECT RAISE(ABORT, '{operation} on {TABLE}: {MESSAGE}'); END")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("bucket_order", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["publication_id", "credit_code"],
                                ["publishedrating.publication_id", "publishedrating.credit_code"],
                                name=op.f("fk_publishedscore_publication_id_publishedrating")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publishedscore")),
        sa.UniqueConstraint("publication_id", "credit_code", "bucket",
                            name=op.f("uq_publishedscore_publication_id_credit_code_bucket")),
    )
    # Only INSERTs into the new table: the published rows themselves are never updated (their triggers stay).
    for order, bucket in enumerate(OLD_BUCKETS):
        op.execute(f"INSERT INTO {TABLE} (publication_id, credit_code, bucket, bucket_order, score) "
                   f"SELECT publication_id, credit_code, '{bucket}', {order}, {bucket}_score FROM publishedrating "
                   "ORDER BY id")
    _create_guard()
    # Dropping a column rewrites no row through UPDATE, so the guard triggers do not fire. On SQLite the native
    # DROP COLUMN (3.35+) keeps the table and its triggers, where batch mode would copy and recreate it.
    for bucket in OLD_BUCKETS:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE publishedrating DROP COLUMN {bucket}_score")
        else:
            op.drop_column("publishedrating", f"{bucket}_score")


def downgrade() -> None:
    # Putting scores back into publishedrating would UPDATE published rows, which are never edited.
    if op.get_bind().execute(sa.text("SELECT count(*) FROM publishedrating")).scalar():
        raise RuntimeError("published ratings exist: a downgrade below 0004 would have to edit them "
                           "(已发布的评定结果不可修改，不能降级)")
    for bucket in OLD_BUCKETS:
        # SQLite adds a NOT NULL column only with a default; the table is empty, so it never applies.
        op.add_column("publishedrating", sa.Column(f"{bucket}_score", sa.Integer(), nullable=False,
                                                   server_default="0"))
    op.drop_table(TABLE)  # DROP fires no row trigger, and takes the table's triggers with it
