"""异议 (objections) to findings during a year's 公示: filed by an agency or from its letter, resolved by bureau staff.

An agency objects only to its own findings of a year under notice, while the notice runs; staff record a letter
received within the notice until the year is published. Upholding withdraws the finding (db/findings/withdraw.py)
in the same transaction; rejecting needs a reason. The agency sees every objection's status and reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import china_time
from db.accounts import audit
from db.accounts.actor import Actor, acting_user
from db.accounts.agency_access import acting_agency
from db.accounts.roles import AccessDenied
from db.findings.live import is_live, live_findings
from db.findings.recording import RecordError
from db.findings.withdraw import withdraw_in
from db.publishing.notice import notice_of_objection_window
from db.store.engine import transaction
from db.store.models import Agency, Finding, Notice, Objection, utcnow
from db.store.text import checked_text

STAFF_COLUMNS = ("id", "year", "credit_code", "agency_name", "finding_id", "clause", "date", "assessor", "channel",
                 "filed_by", "filed_on", "text", "status", "reason", "finding_action", "resolved_by", "resolved_at")
# What the agency sees of its own objections: no staff account.
AGENCY_COLUMNS = ("id", "year", "finding_id", "clause", "date", "filed_on", "text", "status", "reason",
                  "finding_action")
FINDING_COLUMNS = ("id", "year", "credit_code", "agency_name", "date", "clause", "assessor", "period", "description")


def _state(o: Objection) -> dict[str, Any]:
    return {"id": o.id, "notice_id": o.notice_id, "finding_id": o.finding_id, "credit_code": o.credit_code,
            "channel": o.channel, "filed_by": o.filed_by, "filed_on": str(o.filed_on), "status": o.status,
            "reason": o.reason, "finding_action": o.finding_action, "resolved_by": o.resolved_by}


def _live_finding(session: Session, finding_id: int) -> tuple[Finding, Agency]:
    row = session.exec(live_findings(Finding, Agency).join(Agency, Agency.id == Finding.agency_id)
                       .where(Finding.id == finding_id)).first()
    if row is None:
        raise RecordError(f"没有该扣分记录（编号{finding_id}）", f"no such finding (no. {finding_id})")
    return row


def _file(session: Session, *, finding: Finding, agency: Agency, channel: str, by: str, day: dt.date,
          text: str) -> Objection:
    text = checked_text(text, field=("异议内容", "objection"), error=RecordError)
    notice = notice_of_objection_window(session, finding.year, day)
    pending = session.exec(select(Objection.id).where(Objection.finding_id == finding.id,
                                                      Objection.status == "open")).first()
    if pending is not None:
        raise RecordError(f"该扣分记录已有未处理的异议（编号{pending}）",
                          f"this finding already has an open objection (no. {pending})")
    objection = Objection(notice_id=notice.id, finding_id=finding.id, credit_code=agency.credit_code,
                          channel=channel, filed_by=by, filed_on=day, text=text)
    session.add(objection)
    session.flush()
    audit.record(session, actor=by, action="objection", entity="objection", entity_id=objection.id,
                 after=_state(objection))
    return objection


def file_objection(*, engine: Engine, user: Actor, finding_id: int, text: str,
                   today: dt.date | None = None) -> Objection:
    """An agency objects to one of its own findings while the year's notice runs (one transaction, audited).

    `today` (default: today in China) is for tests only.
    """
    day = today or china_time.today()
    with transaction(engine) as session:
        own = acting_agency(session, user)
        finding, agency = _live_finding(session, finding_id)
        if agency.id != own.agency_id:  # the same words as a missing one: no hint that another agency's exists
            raise AccessDenied(f"没有该扣分记录（编号{finding_id}）", f"no such finding (no. {finding_id})")
        return _file(session, finding=finding, agency=agency, channel="account", by=own.username, day=day, text=text)


def record_letter(*, engine: Engine, user: Actor, finding_id: int, text: str, received_on: dt.date,
                  today: dt.date | None = None) -> Objection:
    """Bureau staff record an agency's objection letter received on `received_on` (within the notice, not in the
    future); until the year is published. One transaction, audited."""
    today = today or china_time.today()
    if not isinstance(received_on, dt.date) or received_on > today:
        raise RecordError("收信日期不能晚于今天", "the letter's received date cannot be after today")
    with transaction(engine) as session:
        actor = acting_user(session, user, "resolve_objections").username
        finding, agency = _live_finding(session, finding_id)
        return _file(session, finding=finding, agency=agency, channel="letter", by=actor, day=received_on, text=text)


def resolve_objection(*, engine: Engine, user: Actor, objection_id: int, uphold: bool, reason: str) -> Objection:
    """Uphold (the finding is withdrawn in this transaction) or reject an open objection, with the reason the
    agency reads (bureau staff; audited)."""
    with transaction(engine) as session:
        actor = acting_user(session, user, "resolve_objections").username
        objection = session.get(Objection, objection_id)
        if objection is None or objection.status != "open":
            raise RecordError(f"没有待处理的异议（编号{objection_id}）", f"no open objection (no. {objection_id})")
        reason = checked_text(reason, field=("处理理由", "reason"), error=RecordError)
        before = _state(objection)
        if uphold:
            withdraw_in(session, actor=actor, finding_id=objection.finding_id, reason=reason,
                        detail=f"objection {objection.id}")
            objection.finding_action = "withdrawn"
        objection.status = "upheld" if uphold else "rejected"
        objection.reason, objection.resolved_by, objection.resolved_at = reason, actor, utcnow()
        session.add(objection)
        audit.record(session, actor=actor, action="objection_resolve", entity="objection", entity_id=objection.id,
                     before=before, after=_state(objection))
        return objection


def _query():
    return (select(Objection, Finding, Agency, Notice.year)
            .join(Finding, Finding.id == Objection.finding_id)
            .join(Agency, Agency.id == Finding.agency_id)
            .join(Notice, Notice.id == Objection.notice_id)
            .order_by((Objection.status == "open").desc(), Objection.filed_at.desc(), Objection.id.desc()))


def objections(*, engine: Engine, user: Actor, status: str | None = None) -> pd.DataFrame:
    """Every objection (open first, newest first) for bureau staff (STAFF_COLUMNS), or those of one `status`."""
    query = _query()
    if status:
        query = query.where(Objection.status == status)
    with Session(engine) as session:
        acting_user(session, user, "resolve_objections")
        rows = session.exec(query).all()
    return pd.DataFrame([(o.id, y, a.credit_code, a.name, f.id, f.clause, f.date, f.assessor, o.channel, o.filed_by,
                          o.filed_on, o.text, o.status, o.reason, o.finding_action, o.resolved_by, o.resolved_at)
                         for o, f, a, y in rows], columns=list(STAFF_COLUMNS))


def own_objections(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """The signed-in agency's objections (AGENCY_COLUMNS) with their status and the reason staff gave."""
    with Session(engine) as session:
        own = acting_agency(session, user)
        rows = session.exec(_query().where(Objection.credit_code == own.credit_code)).all()
    return pd.DataFrame([(o.id, y, f.id, f.clause, f.date, o.filed_on, o.text, o.status, o.reason, o.finding_action)
                         for o, f, _, y in rows], columns=list(AGENCY_COLUMNS))


def _findings_under_notice(session: Session, day: dt.date, agency_id: int | None) -> pd.DataFrame:
    """Live findings of years whose notice is pending and, for an agency, running on `day`; none already objected."""
    objected = select(Objection.finding_id).where(Objection.status == "open")
    query = (select(Finding, Agency).join(Agency, Agency.id == Finding.agency_id)
             .join(Notice, (Notice.year == Finding.year) & (Notice.status == "open"))
             .where(is_live(), Finding.id.not_in(objected))
             .order_by(Finding.year.desc(), Agency.credit_code, Finding.date, Finding.id))
    if agency_id is not None:
        query = query.where(Finding.agency_id == agency_id, Notice.opened_on <= day, Notice.ends_on >= day)
    rows = session.exec(query).all()
    return pd.DataFrame([(f.id, f.year, a.credit_code, a.name, f.date, f.clause, f.assessor, f.period, f.description)
                         for f, a in rows], columns=list(FINDING_COLUMNS))


def objectable_findings(*, engine: Engine, user: Actor, today: dt.date | None = None) -> pd.DataFrame:
    """The agency's own findings it may object to today (FINDING_COLUMNS): of a year whose notice runs."""
    with Session(engine) as session:
        own = acting_agency(session, user)
        return _findings_under_notice(session, today or china_time.today(), own.agency_id)


def findings_under_notice(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """Findings a letter may object to (bureau staff; FINDING_COLUMNS): of every year with a pending notice."""
    with Session(engine) as session:
        acting_user(session, user, "resolve_objections")
        return _findings_under_notice(session, china_time.today(), None)


__all__ = [
    "AGENCY_COLUMNS", "FINDING_COLUMNS", "STAFF_COLUMNS", "file_objection", "findings_under_notice",
    "objectable_findings", "objections", "own_objections", "record_letter", "resolve_objection",
]
