"""Initial tables: every table of db/store/models.py; on PostgreSQL, triggers that refuse to change published rows.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A published version is never edited: corrections are new versions (docs/open-data.md).
# PostgreSQL refuses UPDATE, DELETE and TRUNCATE on these tables; SQLite relies on there being no such code path.
PUBLISHED_TABLES = ("publication", "publishedrating", "publishedcharge", "publishedpractitioner")
GUARD_FUNCTION = "refuse_published_change"


def _create_publication_guard() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE FUNCTION {GUARD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% on %: published rows are immutable; publish a new version instead (已发布的评定结果不可修改或删除，更正请发布新版本)',
                TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation',
                      HINT = 'python -m db publish --year YYYY --by NAME --reason TEXT';
        END;
        $$
    """)
    for table in PUBLISHED_TABLES:
        op.execute(f"""
            CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}()
        """)
        op.execute(f"""
            CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {GUARD_FUNCTION}()
        """)


def _drop_publication_guard() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in PUBLISHED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {GUARD_FUNCTION}()")


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency'))
    )
    op.create_index(op.f('ix_agency_credit_code'), 'agency', ['credit_code'], unique=True)

    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.String(length=10000), nullable=False),
    sa.Column('after', sa.String(length=10000), nullable=False),
    sa.Column('detail', sa.String(length=2000), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auditentry'))
    )
    op.create_index(op.f('ix_auditentry_action'), 'auditentry', ['action'], unique=False)
    op.create_index(op.f('ix_auditentry_actor'), 'auditentry', ['actor'], unique=False)
    op.create_index(op.f('ix_auditentry_at'), 'auditentry', ['at'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rulebook', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('previous_digest', sa.String(length=64), nullable=False),
    sa.Column('agency_count', sa.Integer(), nullable=False),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('year', 'version', name=op.f('uq_publication_year_version'))
    )
    op.create_index(op.f('ix_publication_year'), 'publication', ['year'], unique=False)

    op.create_table('town',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('aliases', sa.String(length=512), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_town'))
    )
    op.create_index(op.f('ix_town_name'), 'town', ['name'], unique=True)

    op.create_table('upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload'))
    )
    op.create_index(op.f('ix_upload_sha256'), 'upload', ['sha256'], unique=True)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('town', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user'))
    )
    op.create_index(op.f('ix_user_username'), 'user', ['username'], unique=True)

    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('clause', sa.String(length=8), nullable=False),
    sa.Column('assessor', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('practitioner', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('document_no', sa.String(length=64), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_finding_agency_id_agency')),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=op.f('fk_finding_upload_id_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding'))
    )
    op.create_index(op.f('ix_finding_upload_id'), 'finding', ['upload_id'], unique=False)
    op.create_index(op.f('ix_finding_year_agency'), 'finding', ['year', 'agency_id'], unique=False)

    op.create_table('interview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_interview_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview'))
    )
    op.create_index(op.f('ix_interview_agency_id'), 'interview', ['agency_id'], unique=False)
    op.create_index(op.f('ix_interview_year'), 'interview', ['year'], unique=False)

    op.create_table('practitioner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('specialty', sa.String(length=64), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_practitioner_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practitioner'))
    )
    op.create_index(op.f('ix_practitioner_agency_id'), 'practitioner', ['agency_id'], unique=False)
    op.create_index(op.f('ix_practitioner_id_number'), 'practitioner', ['id_number'], unique=False)

    op.create_table('publishedcharge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('clause', sa.String(length=8), nullable=False),
    sa.Column('assessor', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('points_nominal', sa.Integer(), nullable=False),
    sa.Column('points_charged', sa.Integer(), nullable=False),
    sa.Column('blacklist', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_publishedcharge_publication_id_publication')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publishedcharge'))
    )
    op.create_index(op.f('ix_publishedcharge_credit_code'), 'publishedcharge', ['credit_code'], unique=False)
    op.create_index(op.f('ix_publishedcharge_publication_id'), 'publishedcharge', ['publication_id'], unique=False)

    op.create_table('publishedpractitioner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('practitioner', sa.String(length=64), nullable=False),
    sa.Column('clause', sa.String(length=8), nullable=False),
    sa.Column('assessor', sa.String(length=64), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_publishedpractitioner_publication_id_publication')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publishedpractitioner'))
    )
    op.create_index(op.f('ix_publishedpractitioner_publication_id'), 'publishedpractitioner', ['publication_id'], unique=False)

    op.create_table('publishedrating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('town_score', sa.Integer(), nullable=False),
    sa.Column('bureau_score', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('blacklist_clauses', sa.String(length=128), nullable=False),
    sa.Column('towns', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_publishedrating_publication_id_publication')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publishedrating')),
    sa.UniqueConstraint('publication_id', 'credit_code', name=op.f('uq_publishedrating_publication_id_credit_code'))
    )
    op.create_index(op.f('ix_publishedrating_credit_code'), 'publishedrating', ['credit_code'], unique=False)
    op.create_index(op.f('ix_publishedrating_publication_id'), 'publishedrating', ['publication_id'], unique=False)

    op.create_table('rosterentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_rosterentry_agency_id_agency')),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=op.f('fk_rosterentry_upload_id_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rosterentry')),
    sa.UniqueConstraint('year', 'agency_id', name=op.f('uq_rosterentry_year_agency_id'))
    )
    op.create_index(op.f('ix_rosterentry_agency_id'), 'rosterentry', ['agency_id'], unique=False)
    op.create_index(op.f('ix_rosterentry_year'), 'rosterentry', ['year'], unique=False)
    _create_publication_guard()


def downgrade() -> None:
    _drop_publication_guard()
    op.drop_table('rosterentry')
    op.drop_table('publishedrating')
    op.drop_table('publishedpractitioner')
    op.drop_table('publishedcharge')
    op.drop_table('practitioner')
    op.drop_table('interview')
    op.drop_table('finding')
    op.drop_table('user')
    op.drop_table('upload')
    op.drop_table('town')
    op.drop_table('publication')
    op.drop_table('auditentry')
    op.drop_table('agency')
