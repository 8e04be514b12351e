"""Spot-checks (监督抽查): the expert pool, announced plans (with their sealed secret), draws and check results.

An announced plan and its draw refuse UPDATE and DELETE on both databases, as published ratings do (0001, 0002): a
plan cannot be changed after its commitment is public, and a drawn list cannot be changed once made.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUARDED_TABLES = ("spotcheckplan", "spotcheckdraw")
GUARD_FUNCTION = "refuse_spot_check_change"
MESSAGE = "announced plans and draws are immutable (已公布的抽查计划和抽取结果不可修改或删除)"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("conflicts", sa.String(length=4000), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert")),
        sa.UniqueConstraint("code", name=op.f("uq_expert_code")),
    )
    op.create_table(
        "spotcheckplan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("population_rule", sa.String(length=500), nullable=False),
        sa.Column("draw_day", sa.Date(), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("show_expert_names", sa.Boolean(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("announced_by", sa.String(length=64), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotcheckplan")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_spotcheckplan_plan_id")),
    )
    op.create_index(op.f("ix_spotcheckplan_year"), "spotcheckplan", ["year"])
    op.create_table(
        "spotcheckdraw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("public_value", sa.String(length=1000), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("drawn_by", sa.String(length=64), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["spotcheckplan.id"], name=op.f("fk_spotcheckdraw_plan_id_spotcheckplan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotcheckdraw")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_spotcheckdraw_plan_id")),
    )
    op.create_table(
        "spotcheckresult",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=400), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("finding_ids", sa.String(length=400), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["draw_id"], ["spotcheckdraw.id"],
                                name=op.f("fk_spotcheckresult_draw_id_spotcheckdraw")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spotcheckresult")),
        sa.UniqueConstraint("draw_id", "credit_code", name=op.f("uq_spotcheckresult_draw_id_credit_code")),
    )
    op.create_index(op.f("ix_spotcheckresult_draw_id"), "spotcheckresult", ["draw_id"])
    _guard()


def _guard() -> None:
    if _postgres():
        op.execute(f"""
            CREATE FUNCTION {GUARD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% on %: {MESSAGE}', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
            END;
            $$
        """)
        for table in GUARDED_TABLES:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {GUARD_FUNCTION}()")
        return
    for table in GUARDED_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{operation} on {table}: {MESSAGE}'); END")


def downgrade() -> None:
    # Dropping a table drops its triggers (DROP fires no row trigger).
    op.drop_index(op.f("ix_spotcheckresult_draw_id"), table_name="spotcheckresult")
    op.drop_table("spotcheckresult")
    op.drop_table("spotcheckdraw")
    op.drop_index(op.f("ix_spotcheckplan_year"), table_name="spotcheckplan")
    op.drop_table("spotcheckplan")
    op.drop_table("expert")
    if _postgres():
        op.execute(f"DROP FUNCTION IF EXISTS {GUARD_FUNCTION}()")
