"""Server-side sign-in sessions: one row per signed-in browser, found by the SHA-256 hash of its cookie token.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30

The browser holds a random token in a cookie; only its hash is stored, so a copy of the database opens no session.
Any app process on the same database can continue a session (scale-out); sign-out, an administrator's
deactivation or password reset, and the idle limit end it by setting `ended_at` or passing `expires_at`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "websession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("last_active_at"),
        _when("expires_at"),
        _when("ended_at", nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=False),
        sa.Column("client_note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_websession_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_websession")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_websession_token_hash")),
    )
    op.create_index(op.f("ix_websession_user_id"), "websession", ["user_id"])
    op.create_index(op.f("ix_websession_expires_at"), "websession", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_websession_expires_at"), table_name="websession")
    op.drop_index(op.f("ix_websession_user_id"), table_name="websession")
    op.drop_table("websession")
