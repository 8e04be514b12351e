"""公示 (notice) of a year's draft and objections (异议) to its findings; a finding can be withdrawn.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

Years published before this revision have no notice: their next version (a correction) needs a notice of its own,
like any version from now on (db/publishing/notice.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade() -> None:
    op.add_column("finding", _when("withdrawn_at", nullable=True))
    op.add_column("finding", _text("withdrawn_by", 64, nullable=True))
    op.add_column("finding", _text("withdrawal_reason", 2000, nullable=True))
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        _text("opened_by", 64),
        _when("opened_at"),
        _text("status", 12),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        _text("closed_by", 64),
        _when("closed_at", nullable=True),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"],
                                name=op.f("fk_notice_publication_id_publication")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    for column in ("year", "status"):
        op.create_index(op.f(f"ix_notice_{column}"), "notice", [column])
    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        _text("credit_code", 18),
        _text("channel", 8),
        _text("filed_by", 64),
        sa.Column("filed_on", sa.Date(), nullable=False),
        _when("filed_at"),
        _text("text", 2000),
        _text("status", 12),
        _text("reason", 2000),
        _text("finding_action", 12),
        _text("resolved_by", 64),
        _when("resolved_at", nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_objection_notice_id_notice")),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], name=op.f("fk_objection_finding_id_finding")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    for column in ("notice_id", "finding_id", "credit_code", "status"):
        op.create_index(op.f(f"ix_objection_{column}"), "objection", [column])


def downgrade() -> None:
    op.drop_table("objection")
    op.drop_table("notice")
    with op.batch_alter_table("finding") as batch:
        for column in ("withdrawal_reason", "withdrawn_by", "withdrawn_at"):
            batch.drop_column(column)
