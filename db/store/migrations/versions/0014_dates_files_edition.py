"""A publication records the edition of its readers' files (CSV, XLSX, keys.csv): every version published before this
is of edition 1, so the files the site offers for it keep the bytes SHA256SUMS named when they were first downloaded.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A column with a constant default: no row is updated (published rows refuse UPDATE), the old rows read 1.
    op.add_column("publication", sa.Column("files_edition", sa.Integer(), nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    op.drop_column("publication", "files_edition")  # SQLite 3.35+ drops a column in place, triggers kept
