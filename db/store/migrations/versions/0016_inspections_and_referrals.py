"""一企双查 inspections with their checks of the serving agency, and towns" referrals (上报) of 1.x conduct to the
bureau.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("inspection",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("town", sa.String(length=64), nullable=False),
    sa.Column("date", sa.Date(), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("enterprise_code", sa.String(length=18), nullable=False),
    sa.Column("enterprise_name", sa.String(length=200), nullable=False),
    sa.Column("hazards", sa.Integer(), nullable=False),
    sa.Column("major_hazards", sa.Integer(), nullable=False),
    sa.Column("agency_source", sa.String(length=12), nullable=False),
    sa.Column("agency_code", sa.String(length=18), nullable=False),
    sa.Column("agency_name", sa.String(length=200), nullable=False),
    sa.Column("contract_no", sa.String(length=64), nullable=False),
    sa.Column("note", sa.String(length=2000), nullable=False),
    sa.Column("recorded_by", sa.String(length=64), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection"))
    )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index("ix_inspection_agency_year", ["agency_code", "year"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_enterprise_code"), ["enterprise_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_town"), ["town"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_year"), ["year"], unique=False)

    op.create_table("inspectioncheck",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("inspection_id", sa.Integer(), nullable=False),
    sa.Column("check_key", sa.String(length=16), nullable=False),
    sa.Column("clause", sa.String(length=8), nullable=False),
    sa.Column("result", sa.String(length=12), nullable=False),
    sa.Column("outcome", sa.String(length=12), nullable=False),
    sa.Column("note", sa.String(length=2000), nullable=False),
    sa.Column("shown", sa.String(length=2000), nullable=False),
    sa.Column("finding_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], name=op.f("fk_inspectioncheck_finding_id_finding")),
    sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], name=op.f("fk_inspectioncheck_inspection_id_inspection")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_inspectioncheck")),
    sa.UniqueConstraint("inspection_id", "check_key", name=op.f("uq_inspectioncheck_inspection_id_check_key"))
    )
    with op.batch_alter_table("inspectioncheck", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspectioncheck_inspection_id"), ["inspection_id"], unique=False)

    op.create_table("referral",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("town", sa.String(length=64), nullable=False),
    sa.Column("inspection_id", sa.Integer(), nullable=True),
    sa.Column("credit_code", sa.String(length=18), nullable=False),
    sa.Column("agency_name", sa.String(length=200), nullable=False),
    sa.Column("clause", sa.String(length=8), nullable=False),
    sa.Column("date", sa.Date(), nullable=False),
    sa.Column("facts", sa.String(length=2000), nullable=False),
    sa.Column("evidence", sa.String(length=2000), nullable=False),
    sa.Column("state", sa.String(length=12), nullable=False),
    sa.Column("referred_on", sa.Date(), nullable=False),
    sa.Column("referred_by", sa.String(length=64), nullable=False),
    sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.String(length=2000), nullable=False),
    sa.Column("finding_id", sa.Integer(), nullable=True),
    sa.Column("decided_by", sa.String(length=64), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], name=op.f("fk_referral_finding_id_finding")),
    sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], name=op.f("fk_referral_inspection_id_inspection")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_referral"))
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_credit_code"), ["credit_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_town"), ["town"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_town"))
        batch_op.drop_index(batch_op.f("ix_referral_state"))
        batch_op.drop_index(batch_op.f("ix_referral_inspection_id"))
        batch_op.drop_index(batch_op.f("ix_referral_credit_code"))

    op.drop_table("referral")
    with op.batch_alter_table("inspectioncheck", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspectioncheck_inspection_id"))

    op.drop_table("inspectioncheck")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_year"))
        batch_op.drop_index(batch_op.f("ix_inspection_town"))
        batch_op.drop_index(batch_op.f("ix_inspection_enterprise_code"))
        batch_op.drop_index("ix_inspection_agency_year")

    op.drop_table("inspection")
