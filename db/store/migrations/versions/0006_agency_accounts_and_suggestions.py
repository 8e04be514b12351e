"""Agency accounts (user.credit_code), decided suggestions of the compliance watch, and agencies' filed scans.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("credit_code", sa.String(length=18), nullable=True))
        batch.create_index(batch.f("ix_user_credit_code"), ["credit_code"])
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("agency_name", sa.String(length=200), nullable=False),
        sa.Column("clause", sa.String(length=8), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        _when("decided_at"),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], name=op.f("fk_suggestion_finding_id_finding")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
    )
    op.create_index(op.f("ix_suggestion_key"), "suggestion", ["key"], unique=True)
    for column in ("year", "credit_code", "assessor", "status"):
        op.create_index(op.f(f"ix_suggestion_{column}"), "suggestion", [column])
    op.create_table(
        "agencydocument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        _when("uploaded_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencydocument")),
    )
    op.create_index(op.f("ix_agencydocument_credit_code"), "agencydocument", ["credit_code"])


def downgrade() -> None:
    op.drop_table("agencydocument")
    op.drop_table("suggestion")
    with op.batch_alter_table("user") as batch:
        batch.drop_index(batch.f("ix_user_credit_code"))
        batch.drop_column("credit_code")
