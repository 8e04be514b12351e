"""On PostgreSQL, the published rows' links to their publication (and a score's to its rating) are checked once per
statement by a trigger instead of row by row by a foreign key (db/store/links.py says why), and the seal check (0007)
looks at each distinct publication of the inserted rows instead of each row. SQLite is unchanged.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLICATION_FUNCTION = "refuse_rows_without_publication"
RATING_FUNCTION = "refuse_scores_without_rating"
# table → (foreign key dropped, referred columns as the key was made, the function that checks it instead)
LINKS = {
    "publishedrating": ("fk_publishedrating_publication_id_publication", ["publication_id"], "publication", ["id"],
                        PUBLICATION_FUNCTION),
    "publishedcharge": ("fk_publishedcharge_publication_id_publication", ["publication_id"], "publication", ["id"],
                        PUBLICATION_FUNCTION),
    "publishedscore": ("fk_publishedscore_publication_id_publishedrating", ["publication_id", "credit_code"],
                       "publishedrating", ["publication_id", "credit_code"], RATING_FUNCTION),
}
SEAL_FUNCTION = "refuse_rows_for_sealed_publication"  # made by 0007
SEAL_MESSAGE = "this publication is sealed: its rows cannot grow; publish a new version instead (已发布版本已封存，不能再添加行，更正请发布新版本)"
NO_PUBLICATION = "published rows must belong to a publication (已发布数据行必须属于一个已发布版本)"
NO_RATING = "a published score must belong to a published rating (已发布分项得分必须属于一条已发布评定)"


def _seal_function(rows: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION {SEAL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM {rows} n JOIN publicationseal s ON s.publication_id = n.publication_id) THEN
                RAISE EXCEPTION '%', '{SEAL_MESSAGE}';
            END IF;
            RETURN NULL;
        END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Both checks look at each distinct publication of the inserted rows, not at each row (60,000 of them).
    op.execute(_seal_function("(SELECT DISTINCT publication_id FROM new_rows)"))
    op.execute(f"""
        CREATE FUNCTION {PUBLICATION_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM (SELECT DISTINCT publication_id FROM new_rows) n
                       WHERE NOT EXISTS (SELECT 1 FROM publication p WHERE p.id = n.publication_id)) THEN
                RAISE EXCEPTION '%', '{NO_PUBLICATION}';
            END IF;
            RETURN NULL;
        END $$""")
    op.execute(f"""
        CREATE FUNCTION {RATING_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM (SELECT DISTINCT publication_id, credit_code FROM new_rows) n
                       WHERE NOT EXISTS (SELECT 1 FROM publishedrating r WHERE r.publication_id = n.publication_id
                                                                          AND r.credit_code = n.credit_code)) THEN
                RAISE EXCEPTION '%', '{NO_RATING}';
            END IF;
            RETURN NULL;
        END $$""")
    for table, (key, _, _, _, function) in LINKS.items():
        op.drop_constraint(key, table, type_="foreignkey")
        op.execute(f"CREATE TRIGGER {table}_linked AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (key, columns, referred, referred_columns, _) in LINKS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_linked ON {table}")
        op.create_foreign_key(key, table, referred, columns, referred_columns)
    op.execute(f"DROP FUNCTION IF EXISTS {PUBLICATION_FUNCTION}()")
    op.execute(f"DROP FUNCTION IF EXISTS {RATING_FUNCTION}()")
    op.execute(_seal_function("new_rows"))
