"""Reading the audit log (bureau admins): filter by actor, action and date; download as CSV."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.china_time import day_start, to_china
from db.accounts.actor import Actor, acting_user
from db.documents.export import escape_cell
from db.store.models import AuditEntry

AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "detail", "before", "after")


def audit_entries(
    *, engine: Engine, user: Actor, actor: str | None = None, action: str | None = None,
    since: dt.date | None = None, until: dt.date | None = None, limit: int = 10_000,
) -> pd.DataFrame:
    """Entries newest first (AUDIT_COLUMNS; `at` in China time), filtered; only for bureau admins.

    `since` / `until` are inclusive calendar days in China time (the log is read in Jiangyin).
    """
    with Session(engine) as session:
        acting_user(session, user, "read_audit")
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        if actor:
            query = query.where(AuditEntry.actor == actor)
        if action:
            query = query.where(AuditEntry.action == action)
        if since:
            query = query.where(AuditEntry.at >= day_start(since))
        if until:
            query = query.where(AuditEntry.at < day_start(until + dt.timedelta(days=1)))
        rows = session.exec(query).all()
    return pd.DataFrame(
        [(to_china(e.at).replace(tzinfo=None), e.actor, e.action, e.entity, e.entity_id,
          e.detail, e.before, e.after) for e in rows],
        columns=list(AUDIT_COLUMNS),
    )


def audit_facets(*, engine: Engine, user: Actor) -> dict[str, list[str]]:
    """The actors and actions present in the log, for the filter pickers."""
    with Session(engine) as session:
        acting_user(session, user, "read_audit")
        actors = session.exec(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)).all()
        actions = session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return {"actor": list(actors), "action": list(actions)}


def audit_csv(entries: pd.DataFrame) -> bytes:
    """The entries as CSV for Excel (UTF-8 with BOM), formula cells defused like every export."""
    safe = entries.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(escape_cell)
    return safe.to_csv(index=False).encode("utf-8-sig")
