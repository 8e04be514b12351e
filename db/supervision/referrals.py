"""Referrals (上报, 第十五条): a town refers blacklist-grade conduct (a 1.x clause) of an agency to the bureau, which
confirms it — a 1.x finding of the bureau through the one finding path — or dismisses it with a reason, within
REFERRAL_WORKING_DAYS working days. A town never decides 1.x conduct itself; it sees the outcome."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import china_time
from core.errors import CreditBoardError
from core.rulebook import Rulebook, load_rulebook
from core.towns import BUREAU
from core.values import credit_code_problem, normalize_credit_code
from core.workdays import CalendarMissing, WorkCalendar
from db.accounts import audit
from db.accounts.actor import Actor, acting_account, acting_user, require_actor
from db.accounts.roles import BUREAU_STAFF, TOWN_STAFF, AccessDenied, own_town
from db.findings.recording import add_finding
from db.reference.towns import towns_in
from db.store.engine import transaction, write_lock
from db.store.models import Agency, Referral, User, utcnow
from db.store.settings import get_settings
from db.store.text import checked_text

STATES = ("referred", "confirmed", "dismissed")
REFERRAL_COLUMNS = ("id", "town", "inspection_id", "credit_code", "agency_name", "clause", "date", "facts",
                    "evidence", "state", "referred_on", "referred_by", "due", "overdue", "reason", "finding_id",
                    "decided_by", "decided_at")
ALREADY_DECIDED = ("该上报事项已处理，不能再次处理", "this referral was decided already")


class ReferralError(CreditBoardError):
    """A referral refused for its content or its state; bilingual and safe to show."""


@dataclass(frozen=True)
class ReferralInput:
    """What a town refers: the agency, the 1.x clause, the day of the conduct, facts and evidence."""

    credit_code: str
    clause: str
    date: dt.date
    facts: str
    evidence: str = ""
    agency_name: str = ""


def is_blacklist_clause(clause: str, rulebook: Rulebook | None = None) -> bool:
    """True for a clause that blacklists at once (Annex 3 第一类, 1.x): conduct only the bureau decides."""
    return clause in (rulebook or load_rulebook()).blacklist_codes


def due_day(referred_on: dt.date, *, days: int | None = None, calendar: WorkCalendar | None = None) -> dt.date | None:
    """The last day the bureau has for a referral received on `referred_on` (working days after it); None when the
    statutory calendar of a year needed is not known yet (never guessed)."""
    days = get_settings().referral_working_days if days is None else days
    try:
        return (calendar or WorkCalendar.default()).after(referred_on, days)
    except CalendarMissing:
        return None


def early_check(actor: Actor | None, action: str) -> None:
    """The cheap refusal before any work: an account's claimed role; the command line's operator passes (it names
    the town it acts for, see acting_row)."""
    if not (isinstance(actor, Actor) and actor.is_operator):
        require_actor(actor, action)


def acting_row(session: Session, actor: Actor | None, action: str, *, town: str | None = None) -> User:
    """The account row acting (acting_user: re-read, role checked) — refused (AccessDenied) when it names a `town`
    other than its own. The command line's operator (the demo seed, `python -m db`) has no account: it acts for the
    `town` it names (for a town's action) or for the bureau, as an unsaved row the finding path reads."""
    wanted = towns_in(session).resolve(town) if town else None
    if town and wanted in (None, BUREAU):
        raise AccessDenied(f"未知镇街园（{town}）", f"unknown town ({town})")
    operator = isinstance(actor, Actor) and actor.is_operator
    if operator and action == "inspect" and not wanted:
        raise AccessDenied("命令行须指明镇街园", "the command line must name the town it acts for")
    inspects = action == "inspect"
    row = acting_account(session, actor, action, operator_role=TOWN_STAFF if inspects else BUREAU_STAFF,
                         operator_town=wanted if inspects else None)
    if not operator and wanted and own_town(row) != wanted:
        raise AccessDenied(f"只能以本镇街园（{own_town(row)}）名义录入", f"you may act only for {own_town(row)}")
    return row


def add_referral(session: Session, row_user: User, item: ReferralInput, *, inspection_id: int | None = None,
                 today: dt.date | None = None, rulebook: Rulebook | None = None) -> Referral:
    """Add one referral by a town account `row_user` (acting_user checked it) and its audit entry to the caller's
    transaction. Refused: not a 1.x clause, an invalid credit code, no facts, a day after today."""
    town = own_town(row_user)
    if not town:
        raise AccessDenied("只有镇街园可以上报", "only a town refers conduct to the bureau")
    if not is_blacklist_clause(item.clause, rulebook):
        raise ReferralError(f"上报只用于直接列入黑名单的行为（第一类条款），{item.clause}不是",
                            f"a referral is for blacklist-grade conduct (a 1.x clause); {item.clause} is not")
    code = normalize_credit_code(item.credit_code)
    problem = credit_code_problem(code)
    if problem:
        raise ReferralError(f"机构统一社会信用代码{problem[0]}", f"the agency's credit code: {problem[1]}")
    today = today or china_time.today()
    if not isinstance(item.date, dt.date) or item.date > today:
        raise ReferralError("请填写不晚于今天的行为日期", "the day of the conduct is needed, not after today")
    facts = checked_text(item.facts, field=("事实", "facts"), error=ReferralError)
    evidence = checked_text(item.evidence, field=("证据", "evidence"), required=False, error=ReferralError)
    agency = session.exec(select(Agency).where(Agency.credit_code == code)).first()
    name = agency.name if agency is not None else (item.agency_name or "").strip()[:200]
    if not name:
        raise ReferralError("该机构尚未登记，请填写机构名称", "this agency is not on file yet: give its name")
    row = Referral(town=town, inspection_id=inspection_id, credit_code=code, agency_name=name, clause=item.clause,
                   date=item.date, facts=facts, evidence=evidence, state="referred", referred_on=today,
                   referred_by=row_user.username)
    session.add(row)
    session.flush()
    audit.record(session, actor=row_user.username, action="referral", entity="referral", entity_id=row.id,
                 after=_stored(row))
    return row


def refer(*, engine: Engine, user: Actor, item: ReferralInput, today: dt.date | None = None,
          rulebook: Rulebook | None = None, town: str | None = None) -> dict[str, Any]:
    """A town refers a 1.x matter it saw (not from an inspection) to the bureau; one transaction, audited. `town`:
    the town acted for (an account may name only its own; the command line's operator must name one)."""
    early_check(user, "inspect")
    with transaction(engine) as session:
        row_user = acting_row(session, user, "inspect", town=town)
        return _stored(add_referral(session, row_user, item, today=today, rulebook=rulebook))


def _open_row(session: Session, referral_id: int) -> Referral:
    """The referral, locked for this transaction; ReferralError when missing or decided already."""
    row = session.exec(select(Referral).where(Referral.id == referral_id).with_for_update()).first()
    if row is None:
        raise ReferralError("没有该上报事项", "no such referral")
    if row.state != "referred":
        raise ReferralError(*ALREADY_DECIDED)
    return row


def confirm_referral(*, engine: Engine, user: Actor, referral_id: int,
                     rulebook: Rulebook | None = None) -> dict[str, Any]:
    """The bureau confirms a referral: its 1.x finding (assessor the bureau, dated the conduct's day, placed, audited)
    through db.findings.recording.add_finding, in one transaction with the referral's new state. Bureau roles only;
    refused when decided already (a second click or a second clerk: the row is locked, then re-read)."""
    early_check(user, "decide_referrals")
    with transaction(engine) as session:
        write_lock(session)
        row_user = acting_row(session, user, "decide_referrals")
        row = _open_row(session, referral_id)
        before = _stored(row)
        finding = add_finding(session, row_user, credit_code=row.credit_code, agency_name=row.agency_name,
                              clause=row.clause, date=row.date, rulebook=rulebook,
                              description=f"镇街园上报（{row.town}，第{row.id}号）：{row.facts}"[:2000])
        row.state, row.finding_id = "confirmed", finding["id"]
        row.decided_by, row.decided_at = row_user.username, utcnow()
        session.add(row)
        session.flush()
        audit.record(session, actor=row_user.username, action="referral_confirmed", entity="referral",
                     entity_id=row.id, before=before, after=_stored(row))
        return _stored(row)


def dismiss_referral(*, engine: Engine, user: Actor, referral_id: int, reason: str) -> dict[str, Any]:
    """The bureau dismisses a referral with a required reason, audited; the town sees it. Bureau roles only."""
    early_check(user, "decide_referrals")
    reason = checked_text(reason, field=("不予认定理由", "reason for the dismissal"), error=ReferralError)
    with transaction(engine) as session:
        write_lock(session)
        row_user = acting_row(session, user, "decide_referrals")
        row = _open_row(session, referral_id)
        before = _stored(row)
        row.state, row.reason = "dismissed", reason
        row.decided_by, row.decided_at = row_user.username, utcnow()
        session.add(row)
        session.flush()
        audit.record(session, actor=row_user.username, action="referral_dismissed", entity="referral",
                     entity_id=row.id, before=before, after=_stored(row))
        return _stored(row)


def referral_list(*, engine: Engine, user: Actor, state: str | None = None, today: dt.date | None = None,
                  calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Referrals this account may see (REFERRAL_COLUMNS, newest first): a town its own, the bureau every town's;
    `due` the last day of the bureau's deadline, `overdue` true for an undecided one past it."""
    require_actor(user, "read_supervision")
    today = today or china_time.today()
    with Session(engine) as session:
        town = own_town(acting_user(session, user, "read_supervision"))
        query = select(Referral).order_by(Referral.referred_on.desc(), Referral.id.desc())
        if town:
            query = query.where(Referral.town == town)
        if state:
            query = query.where(Referral.state == state)
        rows = session.exec(query).all()
    calendar = calendar or WorkCalendar.default()
    days = get_settings().referral_working_days
    out = []
    for row in rows:
        due = due_day(row.referred_on, days=days, calendar=calendar)
        out.append({**_stored(row), "due": due,
                    "overdue": row.state == "referred" and due is not None and today > due})
    return pd.DataFrame(out, columns=list(REFERRAL_COLUMNS))


def overdue_referrals(*, engine: Engine, user: Actor, today: dt.date | None = None) -> pd.DataFrame:
    """Undecided referrals past their deadline, for the bureau's home page (REFERRAL_COLUMNS)."""
    found = referral_list(engine=engine, user=user, state="referred", today=today)
    return found[found["overdue"].astype(bool)].reset_index(drop=True)


def _stored(row: Referral) -> dict[str, Any]:
    return {"id": row.id, "town": row.town, "inspection_id": row.inspection_id, "credit_code": row.credit_code,
            "agency_name": row.agency_name, "clause": row.clause, "date": row.date, "facts": row.facts,
            "evidence": row.evidence, "state": row.state, "referred_on": row.referred_on,
            "referred_by": row.referred_by, "reason": row.reason, "finding_id": row.finding_id,
            "decided_by": row.decided_by, "decided_at": row.decided_at}
