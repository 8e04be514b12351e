"""Signed and sealed publications: signature columns, the signing-key list, and seals that refuse late INSERTs.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12

Until now published rows refused UPDATE and DELETE but anyone with write access could INSERT a rating into a
published year. A publication is now sealed in the transaction that writes it (publicationseal); a trigger refuses
rows for a sealed publication on every published table. Existing publications are sealed here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROW_TABLES = ("publishedrating", "publishedscore", "publishedcharge", "publishedpractitioner")
KEPT_TABLES = ("publicationseal", "signingkey")  # never updated or deleted either
GUARD_FUNCTION = "refuse_published_change"  # made by 0001 on PostgreSQL
SEAL_FUNCTION = "refuse_rows_for_sealed_publication"
MESSAGE = "this publication is sealed: its rows cannot grow; publish a new version instead (已发布版本已封存，不能再添加行，更正请发布新版本)"
CHANGE_MESSAGE = "published records are immutable (已发布记录不可修改或删除)"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.add_column("publication", sa.Column("signature", sa.String(length=128), nullable=False, server_default=sa.text("''")))
    op.add_column("publication", sa.Column("key_id", sa.String(length=16), nullable=False, server_default=sa.text("''")))
    op.create_table(
        "publicationseal",
        sa.Column("publication_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"],
                                name=op.f("fk_publicationseal_publication_id_publication")),
        sa.PrimaryKeyConstraint("publication_id", name=op.f("pk_publicationseal")),
    )
    op.create_table(
        "signingkey",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=400), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signingkey")),
    )
    op.execute("INSERT INTO publicationseal (publication_id, sealed_at) SELECT id, published_at FROM publication")
    if _postgres():
        # One check per statement over the inserted rows (a transition table): COPY of 10,000 rows stays one lookup.
        op.execute(f"""
            CREATE FUNCTION {SEAL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM new_rows n JOIN publicationseal s ON s.publication_id = n.publication_id) THEN
                    RAISE EXCEPTION '%', '{MESSAGE}';
                END IF;
                RETURN NULL;
            END $$""")
        for table in ROW_TABLES:
            op.execute(f"CREATE TRIGGER {table}_sealed AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {SEAL_FUNCTION}()")
        for table in KEPT_TABLES:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {GUARD_FUNCTION}()")
        return
    for table in ROW_TABLES:
        op.execute(f"CREATE TRIGGER {table}_sealed BEFORE INSERT ON {table} WHEN EXISTS "
                   f"(SELECT 1 FROM publicationseal WHERE publication_id = NEW.publication_id) "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    for table in KEPT_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{operation} on {table}: {CHANGE_MESSAGE}'); END")


def downgrade() -> None:
    for table in ROW_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_sealed" + (f" ON {table}" if _postgres() else ""))
    if _postgres():
        op.execute(f"DROP FUNCTION IF EXISTS {SEAL_FUNCTION}()")
    op.drop_table("signingkey")  # its triggers go with it
    op.drop_table("publicationseal")
    with op.batch_alter_table("publication", recreate="never") as batch:
        batch.drop_column("key_id")
        batch.drop_column("signature")
