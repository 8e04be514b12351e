"""The audit log: one function that records who did what, with before/after as JSON."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from db.store.models import AuditEntry


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


AUDIT_TEXT_MAX = 10000  # auditentry.before / after (db/store/models.py)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str | int = "",
    before: Any = None,
    after: Any = None,
    detail: str = "",
) -> AuditEntry:
    """Add an audit entry to the caller's transaction (written only if that transaction commits).

    Never pass passwords, hashes or session tokens: the log is read by admins and downloadable.
    """
    entry = AuditEntry(
        actor=actor, action=action, entity=entity, entity_id=str(entity_id),
        before=_json(before), after=_json(after), detail=detail,
    )
    # PostgreSQL refuses a longer text and SQLite would keep it: fail alike on both, so tests on SQLite catch it.
    for name in ("before", "after"):
        if len(getattr(entry, name)) > AUDIT_TEXT_MAX:
            raise ValueError(f"audit {action}: {name} is over {AUDIT_TEXT_MAX} characters; summarise it")
    session.add(entry)
    return entry
