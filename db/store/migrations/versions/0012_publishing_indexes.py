"""Indexes for publishing a province-size year: one (publication_id, credit_code) index on the published charges in
place of one index each, none of its own for a rating's publication_id (its unique (publication_id, credit_code)
index serves), and (year, recorded_at) on findings for the publish gate's count of late findings.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_publishedcharge_publication_id_credit_code", "publishedcharge",
                    ["publication_id", "credit_code"])
    op.drop_index("ix_publishedcharge_publication_id", table_name="publishedcharge")
    op.drop_index("ix_publishedcharge_credit_code", table_name="publishedcharge")
    op.drop_index("ix_publishedrating_publication_id", table_name="publishedrating")
    op.create_index("ix_finding_year_recorded_at", "finding", ["year", "recorded_at"])


def downgrade() -> None:
    op.create_index("ix_publishedrating_publication_id", "publishedrating", ["publication_id"])
    op.drop_index("ix_finding_year_recorded_at", table_name="finding")
    op.create_index("ix_publishedcharge_credit_code", "publishedcharge", ["credit_code"])
    op.create_index("ix_publishedcharge_publication_id", "publishedcharge", ["publication_id"])
    op.drop_index("ix_publishedcharge_publication_id_credit_code", table_name="publishedcharge")
