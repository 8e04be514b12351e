"""The upload ledger: one Upload row per imported file (findings, roster, service records, agency filings), found by SHA-256."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.store.models import Upload


def insert_upload(session: Session, *, kind, digest, file_name, by, now, row_count) -> int:
    """Write the Upload row of a file in the caller's transaction; its id."""
    stmt = Upload.__table__.insert().returning(Upload.__table__.c.id)
    return session.connection().execute(stmt, {
        "file_name": file_name[-255:], "sha256": digest, "kind": kind, "uploaded_by": by,
        "uploaded_at": now, "row_count": row_count,
    }).scalar_one()


def existing_upload(engine: Engine, digest: str) -> int | None:
    """The id of the upload with this SHA-256, if the same bytes were imported before."""
    with engine.connect() as conn:
        return conn.execute(select(Upload.__table__.c.id).where(Upload.__table__.c.sha256 == digest)).scalar()
