"""Staff writes one at a time: a finding (扣分记录) or an interview (约谈), checked against the signed-in role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.errors import CreditBoardError
from core.placement import PlacementError, period_by_date, place
from core.rulebook import Rulebook, load_rulebook
from core.text import fold
from core.towns import assessor_name_zh, own_assessor
from core.values import is_valid_credit_code, normalize_credit_code
from db.accounts import audit
from db.accounts.actor import Actor, acting_user, require_actor
from db.accounts.roles import AccessDenied, own_town
from db.findings.live import is_live
from db.reference.towns import towns_in
from db.store.engine import transaction
from db.store.models import Agency, Finding, Interview, User
from db.store.text import checked_text, column_length

FINDING_LIST_COLUMNS = ("id", "date", "year", "period", "credit_code", "agency_name", "clause", "assessor",
                        "practitioner", "document_no", "description", "recorded_by")


class RecordError(CreditBoardError):
    """A finding or interview refused for its content; bilingual and safe to show."""


def period_for(
    *, assessor: str, date: dt.date, year: int | None = None, period: str | None = None,
    rulebook: Rulebook | None = None,
) -> tuple[str, int]:
    """(period key, rating year) of a finding by core.placement's rule; the period is derived from the date when
    not given (the first period of the assessor's bucket whose window holds it: a town's date in May → Q2).

    RecordError when a given period does not belong to the assessor's bucket or the date falls outside its window.
    """
    rulebook = rulebook or load_rulebook()
    key = rulebook.period_aliases().get(fold(period), period) if period else period_by_date(rulebook, assessor, date, year)
    if key is None:
        raise RecordError(f"日期{date}不在{year or date.year}年度的任何考核期内",
                          f"the date {date} is in no period of {year or date.year}")
    try:
        placed = place(rulebook, assessor=assessor, day=date, year=year, period=key)
    except PlacementError as exc:
        raise RecordError(exc.message_zh, exc.message_en) from None
    return placed.period, placed.year


def suggest_interview_clause(*, engine: Engine, credit_code: str, year: int,
                             rulebook: Rulebook | None = None) -> str | None:
    """The clause for a repeated violation after the agency's interviews in `year` (the rulebook's ladder), or None."""
    count = interview_count(engine=engine, credit_code=credit_code, year=year)
    return (rulebook or load_rulebook()).interview_clause(count)


def _agency(session: Session, credit_code: str, agency_name: str | None) -> Agency:
    code = normalize_credit_code(credit_code or "")
    if not is_valid_credit_code(code):
        raise RecordError(f"统一社会信用代码无效（{credit_code}）", f"invalid unified social credit code ({credit_code})")
    row = session.exec(select(Agency).where(Agency.credit_code == code)).first()
    if row is not None:
        return row
    name = (agency_name or "").strip()
    if not name:
        raise RecordError("该机构尚未登记，请填写机构名称", "this agency is not on file yet: give its name")
    row = Agency(credit_code=code, name=name[:200])
    session.add(row)
    session.flush()
    return row


def record_finding(
    *, engine: Engine, user: Actor, credit_code: str, clause: str, date: dt.date,
    agency_name: str | None = None, assessor: str | None = None, period: str | None = None,
    year: int | None = None, practitioner: str = "", description: str = "", document_no: str = "",
    rulebook: Rulebook | None = None,
) -> dict[str, Any]:
    """Store one finding in one transaction with its audit entry; returns it as a dict.

    town_staff record for their own town only (the assessor defaults to it; another town is refused);
    bureau roles record for the bureau. The period comes from the date when not given.
    """
    require_actor(user, "record_finding")
    with transaction(engine) as session:
        row_user = acting_user(session, user, "record_finding")
        return add_finding(
            session, row_user, credit_code=credit_code, clause=clause, date=date, agency_name=agency_name,
            assessor=assessor, period=period, year=year, practitioner=practitioner, description=description,
            document_no=document_no, rulebook=rulebook,
        )


def own_unit(session: Session, row_user: User, assessor: str | None) -> str:
    """The assessor `row_user` acts for (its town, or the bureau); AccessDenied when `assessor` names another."""
    own = own_assessor(own_town(row_user))
    wanted = towns_in(session).resolve(assessor) if assessor else own
    if wanted is None:
        raise RecordError(f"未知评定单位（{assessor}）", f"unknown assessor ({assessor})")
    if wanted != own:
        raise AccessDenied(f"只能以本单位（{assessor_name_zh(own)}）名义录入",
                           f"you may record findings only for {own}")
    return own


def add_finding(
    session: Session, row_user: User, *, credit_code: str, clause: str, date: dt.date,
    agency_name: str | None = None, assessor: str | None = None, period: str | None = None,
    year: int | None = None, practitioner: str = "", description: str = "", document_no: str = "",
    rulebook: Rulebook | None = None,
) -> dict[str, Any]:
    """Add one finding by `row_user` (an account row acting_user checked) and its audit entry to the caller's
    transaction: the checks and placement of every staff-made finding (the form, a confirmed suggestion)."""
    rulebook = rulebook or load_rulebook()
    if clause not in rulebook.clause_map:
        raise RecordError(f"未知条款（{clause}）", f"unknown clause ({clause})")
    if not isinstance(date, dt.date):
        raise RecordError("请填写日期", "a date is needed")
    own = own_unit(session, row_user, assessor)
    period_key, rating_year = period_for(assessor=own, date=date, year=year, period=period, rulebook=rulebook)
    agency = _agency(session, credit_code, agency_name)
    finding = Finding(
        agency_id=agency.id, year=rating_year, clause=clause, assessor=own, period=period_key, date=date,
        practitioner=checked_text(practitioner, field=("执业人员", "practitioner"), required=False,
                                  limit=column_length(Finding.practitioner), error=RecordError),
        description=checked_text(description, field=("情况说明", "description"), required=False, error=RecordError),
        document_no=checked_text(document_no, field=("文书编号", "document number"), required=False,
                                 limit=column_length(Finding.document_no), error=RecordError),
        recorded_by=row_user.username,
    )
    session.add(finding)
    session.flush()
    stored = {
        "id": finding.id, "credit_code": agency.credit_code, "agency_name": agency.name, "year": rating_year,
        "clause": clause, "assessor": own, "period": period_key, "date": date.isoformat(),
        "practitioner": finding.practitioner, "document_no": finding.document_no,
        "description": finding.description, "recorded_by": row_user.username,
    }
    audit.record(session, actor=row_user.username, action="finding", entity="finding", entity_id=finding.id,
                 after=stored)
    return stored


def record_interview(
    *, engine: Engine, user: Actor, credit_code: str, date: dt.date, notes: str = "",
    agency_name: str | None = None,
) -> dict[str, Any]:
    """Store one interview (约谈) the bureau held (bureau roles only); returns it with the year's count."""
    require_actor(user, "record_interview")
    if not isinstance(date, dt.date):
        raise RecordError("请填写日期", "a date is needed")
    with transaction(engine) as session:
        row_user = acting_user(session, user, "record_interview")
        agency = _agency(session, credit_code, agency_name)
        interview = Interview(agency_id=agency.id, date=date, year=date.year,
                              notes=checked_text(notes, field=("备注", "notes"), required=False, error=RecordError), recorded_by=row_user.username)
        session.add(interview)
        session.flush()
        count = session.exec(select(func.count()).select_from(Interview)
                             .where(Interview.agency_id == agency.id, Interview.year == date.year)).one()
        stored = {"id": interview.id, "credit_code": agency.credit_code, "agency_name": agency.name,
                  "date": date.isoformat(), "year": date.year, "notes": interview.notes,
                  "recorded_by": row_user.username, "count_in_year": count}
        audit.record(session, actor=row_user.username, action="interview", entity="interview",
                     entity_id=interview.id, after=stored)
        return stored


def agency_choices(*, engine: Engine) -> pd.DataFrame:
    """Agencies on file for the pickers: credit_code, name (sorted by name)."""
    with Session(engine) as session:
        rows = session.exec(select(Agency.credit_code, Agency.name).order_by(Agency.name)).all()
    return pd.DataFrame(rows, columns=["credit_code", "name"])


def recent_findings(*, engine: Engine, user: Actor, limit: int = 20) -> pd.DataFrame:
    """The latest findings this user may see (a town's own for town_staff): FINDING_LIST_COLUMNS. Staff only."""
    require_actor(user, "record_finding")
    with Session(engine) as session:
        row_user = acting_user(session, user, "record_finding")
        query = (select(Finding, Agency).join(Agency, Agency.id == Finding.agency_id)
                 .where(is_live())
                 .order_by(Finding.recorded_at.desc(), Finding.id.desc()).limit(limit))
        town = own_town(row_user)
        if town:
            query = query.where(Finding.assessor == town)
        rows = session.exec(query).all()
    return pd.DataFrame(
        [(f.id, f.date, f.year, f.period, a.credit_code, a.name, f.clause, f.assessor, f.practitioner,
          f.document_no, f.description, f.recorded_by) for f, a in rows],
        columns=list(FINDING_LIST_COLUMNS),
    )


def interview_count(*, engine: Engine, credit_code: str, year: int) -> int:
    """How many interviews the bureau held with the agency in `year`."""
    code = normalize_credit_code(credit_code)
    with Session(engine) as session:
        return session.exec(
            select(func.count()).select_from(Interview).join(Agency, Agency.id == Interview.agency_id)
            .where(Agency.credit_code == code, Interview.year == year)
        ).one()
