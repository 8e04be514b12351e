"""Hazard-refusal reports (拒不整改报告): an agency reports an enterprise that refused to fix a hazard; the town or
the bureau acknowledges and closes each one (db/supervision/hazard_reports.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=False)


def _day(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "hazardreport",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("credit_code", 18),
        _text("enterprise_code", 18),
        _text("enterprise_name", 200),
        _text("town", 64),
        _text("hazard", 2000),
        _day("found_on"),
        sa.Column("major", sa.Boolean(), nullable=False),
        _day("advice_on"),
        _text("advice_no", 64),
        _day("rectify_by"),
        _text("response", 2000),
        _text("addressee", 64),
        _text("bureau_reason", 2000),
        _text("channel", 8),
        _day("received_on"),
        _text("filed_by", 64),
        _when("filed_at"),
        _day("acknowledge_due"),
        _day("close_due"),
        _text("status", 12),
        _day("acknowledged_on", nullable=True),
        _text("acknowledged_by", 64),
        _when("acknowledged_at", nullable=True),
        _text("outcome", 12),
        _text("case_no", 64),
        _text("outcome_reason", 2000),
        _day("closed_on", nullable=True),
        _text("closed_by", 64),
        _when("closed_at", nullable=True),
        _text("scan_name", 255),
        _text("scan_type", 64),
        _text("scan_sha256", 64),
        sa.Column("scan", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazardreport")),
    )
    for column in ("credit_code", "town", "addressee", "received_on", "status"):
        op.create_index(op.f(f"ix_hazardreport_{column}"), "hazardreport", [column])


def downgrade() -> None:
    op.drop_table("hazardreport")
