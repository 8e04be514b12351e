"""Withdrawing a finding (撤销扣分记录): kept for the record, no longer rated; audited, bureau staff only.

Findings are draft data: a withdrawal changes the next rating and never a published version, whose rows are a
snapshot (a correction is a new version, published through its own notice).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.accounts import audit
from db.accounts.actor import Actor, acting_user
from db.findings.recording import RecordError
from db.store.engine import transaction
from db.store.models import Finding, utcnow
from db.store.text import checked_text


def _state(finding: Finding) -> dict[str, Any]:
    return {"id": finding.id, "year": finding.year, "clause": finding.clause, "assessor": finding.assessor,
            "date": str(finding.date), "withdrawn_at": None if finding.withdrawn_at is None else
            finding.withdrawn_at.isoformat(), "withdrawn_by": finding.withdrawn_by,
            "withdrawal_reason": finding.withdrawal_reason}


def withdraw_in(session: Session, *, actor: str, finding_id: int, reason: str, detail: str = "") -> Finding:
    """Withdraw one finding in the caller's transaction, with its audit entry; RecordError when there is no
    such finding, it is withdrawn already, or the reason is missing or too long (db.store.text)."""
    reason = checked_text(reason, field=("撤销原因", "withdrawal reason"), error=RecordError)
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise RecordError(f"没有该扣分记录（编号{finding_id}）", f"no such finding (no. {finding_id})")
    if finding.withdrawn_at is not None:
        raise RecordError(f"扣分记录{finding_id}已于{finding.withdrawn_at:%Y-%m-%d}撤销",
                          f"finding {finding_id} was withdrawn already")
    before = _state(finding)
    finding.withdrawn_at, finding.withdrawn_by, finding.withdrawal_reason = utcnow(), actor, reason
    session.add(finding)
    session.flush()
    audit.record(session, actor=actor, action="finding_withdraw", entity="finding", entity_id=finding.id,
                 before=before, after=_state(finding), detail=detail)
    return finding


def withdraw_finding(*, engine: Engine, user: Actor, finding_id: int, reason: str) -> dt.datetime:
    """Withdraw a finding (bureau staff) in one audited transaction; returns when it was withdrawn."""
    with transaction(engine) as session:
        actor = acting_user(session, user, "withdraw_finding").username
        return withdraw_in(session, actor=actor, finding_id=finding_id, reason=reason).withdrawn_at
