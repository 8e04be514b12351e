"""Blacklist listings: a listing per blacklisted agency or named practitioner, repair applications, their history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-13

Publications already stored get their listings here (db.publishing.listings.backfill): every version of every year
in order, as if each had just been published, so a database upgraded today reads the same as one that had
listings from the start (列入日期 = the date of the version that first listed the subject). The term is the
setting's at upgrade time (LISTING_TERM_MONTHS, default 12).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        _text("subject_kind", 12),
        _text("credit_code", 18),
        _text("agency_name", 200),
        _text("practitioner", 64),
        _text("basis_kind", 8),
        _text("basis_clauses", 128),
        sa.Column("basis_total", sa.Integer(), nullable=True),
        _text("basis_text", 2000),
        _text("department", 500),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("planned_removal_on", sa.Date(), nullable=False),
        _text("status", 24),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ended_by_publication_id", sa.Integer(), nullable=True),
        _when("updated_at"),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"], name=op.f("fk_listing_publication_id_publication")),
        sa.ForeignKeyConstraint(["ended_by_publication_id"], ["publication.id"],
                                name=op.f("fk_listing_ended_by_publication_id_publication")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing")),
    )
    for column in ("year", "credit_code", "publication_id", "status"):
        op.create_index(op.f(f"ix_listing_{column}"), "listing", [column])
    op.create_table(
        "repairapplication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        _text("summary", 2000),
        _text("status", 12),
        _text("recorded_by", 64),
        _when("recorded_at"),
        _text("decided_by", 64),
        sa.Column("decided_on", sa.Date(), nullable=True),
        _text("decision_reason", 2000),
        _text("revoked_by", 64),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        _text("revoke_reason", 2000),
        sa.ForeignKeyConstraint(["listing_id"], ["listing.id"], name=op.f("fk_repairapplication_listing_id_listing")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repairapplication")),
    )
    for column in ("listing_id", "status"):
        op.create_index(op.f(f"ix_repairapplication_{column}"), "repairapplication", [column])
    op.create_table(
        "listingevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        _text("action", 24),
        sa.Column("on", sa.Date(), nullable=False),
        _text("office", 64),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        _text("actor", 64),
        _text("reason", 2000),
        _when("at"),
        sa.ForeignKeyConstraint(["listing_id"], ["listing.id"], name=op.f("fk_listingevent_listing_id_listing")),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"],
                                name=op.f("fk_listingevent_publication_id_publication")),
        sa.ForeignKeyConstraint(["application_id"], ["repairapplication.id"],
                                name=op.f("fk_listingevent_application_id_repairapplication")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listingevent")),
    )
    op.create_index(op.f("ix_listingevent_listing_id"), "listingevent", ["listing_id"])

    from db.publishing.listings import backfill  # the same code publishing runs, so both agree

    backfill(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_table("listingevent")
    op.drop_table("repairapplication")
    op.drop_table("listing")
