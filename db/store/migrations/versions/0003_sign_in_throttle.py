"""Sign-in throttling per (account, client) with keyed hashes; the per-account lock columns go.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signinthrottle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signinthrottle")),
        sa.UniqueConstraint("account", "client", name=op.f("uq_signinthrottle_account_client")),
    )
    sitekey = op.create_table(
        "sitekey",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sitekey")),
    )
    # Made here, once per database, so every app process hashes typed names with the same key.
    op.bulk_insert(sitekey, [{"name": "sign_in", "value": secrets.token_hex(32)}])
    # The lock moved to signinthrottle: a stranger could lock an account through these columns.
    with op.batch_alter_table("user") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_attempts")


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("sitekey")
    op.drop_table("signinthrottle")
