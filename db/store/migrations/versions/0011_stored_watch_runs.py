"""Stored runs of the compliance watch, keyed by the records fingerprint, so the queue page never runs the watch.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watchrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rulebook", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=400), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("error_zh", sa.String(length=2000), nullable=False),
        sa.Column("error_en", sa.String(length=2000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchrun")),
        sa.UniqueConstraint("year", "as_of", "rulebook", "fingerprint",
                            name=op.f("uq_watchrun_year_as_of_rulebook_fingerprint")),
    )
    op.create_index(op.f("ix_watchrun_year"), "watchrun", ["year"])


def downgrade() -> None:
    op.drop_index(op.f("ix_watchrun_year"), table_name="watchrun")
    op.drop_table("watchrun")
