"""Live findings: the ones in force, i.e. not withdrawn. Every read of findings that counts, lists or rates them
starts here, so a withdrawn finding is withdrawn everywhere (kept in the table for the record and the audit)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlmodel import select

from db.store.models import Finding


def is_live() -> ColumnElement[bool]:
    """The condition a finding in force meets: it has not been withdrawn (db/findings/withdraw.py)."""
    return Finding.withdrawn_at.is_(None)


def live_findings(*columns: Any) -> Select:
    """SELECT these columns (default: the Finding) of every finding in force; add .where/.join/.order_by as needed."""
    return select(*(columns or (Finding,))).select_from(Finding).where(is_live())
