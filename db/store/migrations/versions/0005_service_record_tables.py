"""One table per service-record kind (registry, practitioners, changes, contracts, visits, reports).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08

Columns as core/service_records.py types them; every row keeps the upload it came from and its Excel row.
A practitioner's ID number is never stored in clear: only its keyed hash (HMAC-SHA256 under the database's own
"id_number" site key, made here once and never changed, apart from the sign-in key so that rotating one never breaks
the other) and its last 4 characters.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=False)


def _day(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=nullable)


def _int(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


# table → its own columns (after id, upload_id, row, credit_code, which every table has)
TABLES: dict[str, tuple[sa.Column, ...]] = {
    "registryrecord": (_text("agency_name", 200), _text("address", 500), _text("office_address", 500),
                       _text("legal_rep", 64), _text("phone", 64), _day("filed_on"), _day("commitment_on", True)),
    "practitionerrecord": (_text("name", 64), _text("id_hash", 64), _text("id_last4", 4), _text("specialty", 8),
                           _text("certificate", 64), _day("joined_on"), _day("left_on", True)),
    "changerecord": (_text("item", 500), _text("practitioner", 64), _day("changed_on"), _day("reported_on", True)),
    "contractrecord": (_text("client_code", 18), _text("client_name", 200), _text("town", 64),
                       _text("contract_no", 64), _day("signed_on"), _day("start"), _day("end"),
                       _int("visits_per_year")),
    "visitrecord": (_day("month"), _day("submitted_on"), _text("client_code", 18), _text("client_name", 200),
                    _text("town", 64), _text("contract_no", 64), _day("visit_date"), _text("practitioner", 64),
                    _int("hazards"), sa.Column("written_advice", sa.Boolean(), nullable=False)),
    "reportrecord": (_day("month"), _day("submitted_on")),
}


def upgrade() -> None:
    for table, columns in TABLES.items():
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            _int("upload_id"),
            _int("row"),
            _text("credit_code", 18),
            *columns,
            sa.ForeignKeyConstraint(["upload_id"], ["upload.id"], name=op.f(f"fk_{table}_upload_id_upload")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        for column in ("upload_id", "credit_code"):
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column])
    op.create_index(op.f("ix_practitionerrecord_id_hash"), "practitionerrecord", ["id_hash"])
    # A key of its own: the ID-number hashes must match across imports for ever, whatever happens to other keys.
    sitekey = sa.table("sitekey", sa.column("name", sa.String), sa.column("value", sa.String))
    op.bulk_insert(sitekey, [{"name": "id_number", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM sitekey WHERE name = 'id_number'"))
    for table in reversed(TABLES):
        op.drop_table(table)  # its indexes go with it
    # Uploads of these kinds lose their rows: drop them too, so importing the file again after an upgrade works.
    op.execute(sa.text("DELETE FROM upload WHERE kind IN "
                       "('registry', 'practitioners', 'changes', 'contracts', 'visits', 'reports')"))
