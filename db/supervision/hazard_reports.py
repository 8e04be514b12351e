"""拒不整改报告 (hazard-refusal reports, 第十三条、第十四条): an agency reports an enterprise that refused to fix a hazard
it pointed out in writing; the enterprise's town (or the bureau, when the agency says why) acknowledges (受理) and
closes (办结) it with an outcome, each within a number of working days.

Who may do what, checked here on the server against the account as it is now:
- an agency files its own reports on the portal (the credit code comes from its account, never from the page);
- staff enter a paper report on an agency's behalf; a town only one addressed to it;
- a town sees and works the reports addressed to it; the bureau sees and works every report.
Every step is one transaction with its audit entry. The public sees counts per town and year only (public_counts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Integer, case, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import china_time
from core.errors import CreditBoardError
from core.towns import BUREAU, is_bureau
from core.values import credit_code_problem, normalize_credit_code
from core.workdays import CalendarMissing, WorkCalendar
from db.accounts import audit
from db.accounts.actor import Actor, acting_account
from db.accounts.agency_access import acting_agency
from db.accounts.roles import AccessDenied, is_agency_role, own_town
from db.reference.towns import towns_in
from db.store.engine import transaction
from db.store.models import Agency, HazardReport, utcnow
from db.store.settings import get_settings
from db.store.text import checked_text, column_length

ACTION = "work_hazard_reports"
RECEIVED, ACKNOWLEDGED, CLOSED = "received", "acknowledged", "closed"
STATES = (RECEIVED, ACKNOWLEDGED, CLOSED)
RECTIFIED, CASE, UNFOUNDED = "rectified", "case", "unfounded"
OUTCOMES = (RECTIFIED, CASE, UNFOUNDED)
# What staff see in the queue (never the scan's bytes).
STAFF_COLUMNS = ("id", "credit_code", "agency_name", "enterprise_code", "enterprise_name", "town", "addressee",
                 "bureau_reason", "hazard", "found_on", "major", "advice_on", "advice_no", "rectify_by", "response",
                 "channel", "received_on", "filed_by", "acknowledge_due", "close_due", "status", "acknowledged_on",
                 "acknowledged_by", "outcome", "case_no", "outcome_reason", "closed_on", "closed_by", "scan_name",
                 "overdue")
# What the agency sees of its own reports: status and outcome, no staff account.
AGENCY_COLUMNS = ("id", "received_on", "enterprise_name", "town", "addressee", "hazard", "major", "status",
                  "acknowledged_on", "outcome", "case_no", "outcome_reason", "closed_on", "close_due")
# The public table: per town (the enterprise's) and year received; counts only.
PUBLIC_COLUMNS = ("year", "town", "received", "acknowledged_in_time", "closed_in_time", "rectified", "case",
                  "unfounded", "open")


class HazardReportError(CreditBoardError):
    """A hazard-refusal report, or a step of it, refused for its content or state; bilingual and safe to show."""


@dataclass(frozen=True)
class ReportScan:
    """An optional scan of the paper report, already checked as an agency's filed scans are (db/agency/refusals.py:
    type by its bytes in the capped reader, size, a safe name)."""

    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ReportForm:
    """What the agency writes in a report. `addressee` is the enterprise's town (its name) or the bureau ("bureau",
    or any name of it), with `bureau_reason` then required."""

    enterprise_code: str
    enterprise_name: str
    town: str
    hazard: str
    found_on: dt.date
    major: bool
    advice_on: dt.date
    advice_no: str
    rectify_by: dt.date
    response: str
    addressee: str
    bureau_reason: str = ""


def _text(value: str, zh: str, en: str, column: Any = None, required: bool = True) -> str:
    limit = column_length(column) if column is not None else column_length(HazardReport.hazard)
    return checked_text(value, field=(zh, en), required=required, limit=limit, error=HazardReportError)


def _day(value: object, zh: str, en: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise HazardReportError(f"请填写{zh}", f"the {en} is required")
    return value


def _checked(session: Session, form: ReportForm, today: dt.date) -> dict[str, Any]:
    """The report's columns from `form`, every field checked; HazardReportError names the first problem."""
    problem = credit_code_problem(form.enterprise_code)
    if problem:
        raise HazardReportError(f"企业统一社会信用代码：{problem[0]}", f"the enterprise's credit code: {problem[1]}")
    towns = towns_in(session)
    town = towns.resolve(form.town or "")
    if town is None or is_bureau(town):
        raise HazardReportError(f"未知镇街园（{form.town}）", f"unknown town ({form.town})")
    found_on = _day(form.found_on, "发现隐患日期", "day the hazard was found")
    advice_on = _day(form.advice_on, "书面整改意见日期", "day of the written advice")
    rectify_by = _day(form.rectify_by, "整改期限", "deadline given")
    if found_on > today or advice_on > today:
        raise HazardReportError("日期不能晚于今天", "a date cannot be after today")
    if advice_on < found_on:
        raise HazardReportError("书面整改意见不能早于发现隐患的日期", "the written advice cannot be before the hazard "
                                "was found")
    if rectify_by < advice_on:
        raise HazardReportError("整改期限不能早于书面整改意见的日期", "the deadline given cannot be before the written "
                                "advice")
    wanted = towns.resolve(form.addressee or "")
    if wanted is None:
        raise HazardReportError(f"未知报送单位（{form.addressee}）", f"unknown addressee ({form.addressee})")
    addressee = BUREAU if is_bureau(wanted) else wanted
    if addressee != BUREAU and addressee != town:
        # 第十三条: a report goes to the enterprise's own town; another town has no say over it.
        raise HazardReportError(f"企业属于{town}，报告应报送{town}（或说明理由后直接报送市应急管理局），不能报送{addressee}",
                                f"the enterprise is in {town}: report to {town} (or to the bureau, saying why), "
                                f"not to {addressee}")
    reason = _text(form.bureau_reason, "直接报送市应急管理局的理由", "reason for reporting to the bureau",
                   HazardReport.bureau_reason, required=addressee == BUREAU)
    return {
        "enterprise_code": normalize_credit_code(form.enterprise_code),
        "enterprise_name": _text(form.enterprise_name, "企业名称", "enterprise's name", HazardReport.enterprise_name),
        "town": town, "hazard": _text(form.hazard, "隐患描述", "hazard description", HazardReport.hazard),
        "found_on": found_on, "major": bool(form.major), "advice_on": advice_on,
        "advice_no": _text(form.advice_no, "书面整改意见编号", "written advice's number", HazardReport.advice_no),
        "rectify_by": rectify_by,
        "response": _text(form.response, "企业整改情况", "what the enterprise did", HazardReport.response),
        "addressee": addressee, "bureau_reason": reason if addressee == BUREAU else "",
    }


def _state(r: HazardReport) -> dict[str, Any]:
    """What the audit log keeps of a report: its state, never the enterprise's words or the scan."""
    return {"id": r.id, "credit_code": r.credit_code, "enterprise_code": r.enterprise_code, "town": r.town,
            "addressee": r.addressee, "channel": r.channel, "received_on": r.received_on,
            "acknowledge_due": r.acknowledge_due, "close_due": r.close_due, "status": r.status,
            "acknowledged_on": r.acknowledged_on, "outcome": r.outcome, "case_no": r.case_no,
            "closed_on": r.closed_on, "scan_sha256": r.scan_sha256}


def _working_days_after(calendar: WorkCalendar, day: dt.date, workdays: int) -> dt.date:
    """calendar.after, except that a day of a year the calendar does not cover yet counts as a working day when it is
    Monday–Friday: a report received in December must be taken in before the State Council publishes next year's
    holidays (a deadline is never refused for it); docs/supervision.md says so."""
    current, left = day, workdays
    while left:
        current += dt.timedelta(days=1)
        try:
            left -= calendar.is_workday(current)
        except CalendarMissing:
            left -= current.weekday() < 5
    return current


def deadlines(received_on: dt.date, calendar: WorkCalendar | None = None) -> tuple[dt.date, dt.date]:
    """(last day to acknowledge, last day to close) of a report received on `received_on`, in working days."""
    settings, calendar = get_settings(), calendar or WorkCalendar.default()
    return (_working_days_after(calendar, received_on, settings.report_acknowledge_working_days),
            _working_days_after(calendar, received_on, settings.report_close_working_days))


def _staff(session: Session, user: Actor) -> tuple[str, str | None]:
    """(who acts, the town it is bound to or None for the bureau); the command line's operator acts as the bureau."""
    row = acting_account(session, user, ACTION)  # the operator's stand-in is a bureau row: own_town None
    return row.username, own_town(row)


def _may_work(town: str | None, report: HazardReport) -> None:
    if town is not None and report.addressee != town:
        raise AccessDenied(f"该报告报送{'市应急管理局' if report.addressee == BUREAU else report.addressee}，"
                           f"{town}无权查看或办理", f"this report is addressed to {report.addressee}: {town} may not "
                           "see or work it")


def file_report(*, engine: Engine, user: Actor, form: ReportForm, scan: ReportScan | None = None,
                credit_code: str | None = None, received_on: dt.date | None = None, today: dt.date | None = None,
                calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """Store one report with its deadlines and audit entry; returns its state (as audited).

    An agency account files its own (channel portal, received today; `credit_code` is not read). Staff enter a paper
    report (channel paper) for the agency `credit_code`, received on `received_on` (not after today); a town only one
    addressed to it. `today` (default: today in China) is for tests.
    """
    today = today or china_time.today()
    with transaction(engine) as session:
        if user is not None and not user.is_operator and is_agency_role(user.role):
            own = acting_agency(session, user)
            by, code, channel, day, town = own.username, own.credit_code, "portal", today, None
        else:
            by, town = _staff(session, user)
            code = normalize_credit_code(credit_code or "")
            if session.exec(select(Agency.id).where(Agency.credit_code == code)).first() is None:
                raise HazardReportError(f"未登记的机构（{credit_code}）", f"no agency on file with code {credit_code}")
            day = _day(received_on, "收到日期", "day received")
            if day > today:
                raise HazardReportError("收到日期不能晚于今天", "the day received cannot be after today")
            channel = "paper"
        fields = _checked(session, form, today)
        if channel == "paper" and town is not None and fields["addressee"] != town:
            raise AccessDenied(f"{town}只能录入报送本镇街园的报告", f"{town} may enter only reports addressed to it")
        acknowledge_due, close_due = deadlines(day, calendar)
        report = HazardReport(credit_code=code, channel=channel, received_on=day, filed_by=by,
                              acknowledge_due=acknowledge_due, close_due=close_due, **fields)
        if scan is not None:
            report.scan_name, report.scan_type = scan.file_name, scan.content_type
            report.scan, report.scan_sha256 = scan.content, hashlib.sha256(scan.content).hexdigest()
        session.add(report)
        session.flush()
        stored = _state(report)
        audit.record(session, actor=by, action="hazard_report", entity="hazard_report", entity_id=report.id,
                     after=stored)
        return stored


def _open(session: Session, report_id: int) -> HazardReport:
    report = session.get(HazardReport, int(report_id))
    if report is None:
        raise HazardReportError(f"没有该报告（编号{report_id}）", f"no such report (no. {report_id})")
    return report


def acknowledge(*, engine: Engine, user: Actor, report_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """受理: the addressee (or the bureau) acknowledges a received report today; audited."""
    today = today or china_time.today()
    with transaction(engine) as session:
        by, town = _staff(session, user)
        report = _open(session, report_id)
        _may_work(town, report)
        if report.status != RECEIVED:
            raise HazardReportError(f"该报告已受理（编号{report_id}）", f"this report was acknowledged already "
                                    f"(no. {report_id})")
        before = _state(report)
        report.status, report.acknowledged_on = ACKNOWLEDGED, max(today, report.received_on)
        report.acknowledged_by, report.acknowledged_at = by, utcnow()
        session.add(report)
        after = _state(report)
        audit.record(session, actor=by, action="hazard_report_acknowledge", entity="hazard_report",
                     entity_id=report.id, before=before, after=after)
        return after


def close(*, engine: Engine, user: Actor, report_id: int, outcome: str, case_no: str = "", reason: str = "",
          today: dt.date | None = None) -> dict[str, Any]:
    """办结: close an acknowledged report with its outcome: rectified; case opened (its number required); unfounded
    (its reason required). Once only; audited."""
    today = today or china_time.today()
    with transaction(engine) as session:
        by, town = _staff(session, user)
        report = _open(session, report_id)
        _may_work(town, report)
        if report.status == CLOSED:
            raise HazardReportError(f"该报告已办结（编号{report_id}）", f"this report is closed already (no. {report_id})")
        if report.status != ACKNOWLEDGED:
            raise HazardReportError("请先受理该报告", "acknowledge the report first")
        if outcome not in OUTCOMES:
            raise HazardReportError(f"未知的办理结果（{outcome}）", f"unknown outcome ({outcome})")
        case_no = _text(case_no, "立案编号", "case number", HazardReport.case_no, required=outcome == CASE)
        reason = _text(reason, "不属实的理由", "reason it is unfounded", HazardReport.outcome_reason,
                       required=outcome == UNFOUNDED)
        before = _state(report)
        report.status, report.outcome = CLOSED, outcome
        report.case_no = case_no if outcome == CASE else ""
        report.outcome_reason, report.closed_on = reason, max(today, report.acknowledged_on or report.received_on)
        report.closed_by, report.closed_at = by, utcnow()
        session.add(report)
        after = _state(report)
        audit.record(session, actor=by, action="hazard_report_close", entity="hazard_report", entity_id=report.id,
                     before=before, after=after)
        return after


# --- reads --------------------------------------------------------------------------------------------------------


def is_overdue(status: str, acknowledge_due: dt.date, close_due: dt.date, today: dt.date) -> bool:
    """True when a report waits past its deadline: not acknowledged after its last day, or not closed after its."""
    return (status == RECEIVED and today > acknowledge_due) or (status != CLOSED and today > close_due)


def _overdue_clause(today: dt.date):
    return (((HazardReport.status == RECEIVED) & (HazardReport.acknowledge_due < today))
            | ((HazardReport.status != CLOSED) & (HazardReport.close_due < today)))


def queue(*, engine: Engine, user: Actor, addressee: str | None = None, overdue_only: bool = False,
          today: dt.date | None = None) -> pd.DataFrame:
    """The reports this staff account may work (STAFF_COLUMNS): a town's own, the bureau every one (or those of
    `addressee`); open ones first, overdue first among them, oldest first."""
    today = today or china_time.today()
    query = select(HazardReport, Agency.name).join(Agency, Agency.credit_code == HazardReport.credit_code,
                                                   isouter=True)
    with Session(engine) as session:
        _, town = _staff(session, user)
        if town is not None:
            query = query.where(HazardReport.addressee == town)
        elif addressee:
            query = query.where(HazardReport.addressee == addressee)
        if overdue_only:
            query = query.where(_overdue_clause(today))
        rows = session.exec(query.order_by(HazardReport.received_on, HazardReport.id)).all()
    frame = pd.DataFrame([{**{c: getattr(r, c) for c in STAFF_COLUMNS if hasattr(r, c)}, "agency_name": name or "",
                           "overdue": is_overdue(r.status, r.acknowledge_due, r.close_due, today)}
                          for r, name in rows], columns=list(STAFF_COLUMNS))
    if frame.empty:
        return frame
    order = frame.assign(_closed=frame["status"] == CLOSED, _late=~frame["overdue"].astype(bool))
    return order.sort_values(["_closed", "_late"], kind="stable").drop(columns=["_closed", "_late"]) \
        .reset_index(drop=True)


def overdue_count(*, engine: Engine, user: Actor, today: dt.date | None = None) -> int:
    """How many reports this staff account may work are past a deadline (the staff home page's count)."""
    today = today or china_time.today()
    with Session(engine) as session:
        _, town = _staff(session, user)
        query = select(func.count()).select_from(HazardReport).where(_overdue_clause(today))
        if town is not None:
            query = query.where(HazardReport.addressee == town)
        return int(session.exec(query).one())


def own_reports(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """The signed-in agency's reports, newest first (AGENCY_COLUMNS): status and outcome, no staff account."""
    with Session(engine) as session:
        own = acting_agency(session, user)
        rows = session.exec(select(HazardReport).where(HazardReport.credit_code == own.credit_code)
                            .order_by(HazardReport.received_on.desc(), HazardReport.id.desc())).all()
    return pd.DataFrame([{c: getattr(r, c) for c in AGENCY_COLUMNS} for r in rows], columns=list(AGENCY_COLUMNS))


@dataclass(frozen=True)
class StoredScan:
    """A report's scan for a staff download."""

    file_name: str
    content_type: str
    content: bytes


def scan_of(*, engine: Engine, user: Actor, report_id: int) -> StoredScan:
    """The scan filed with a report, for staff who may work it; refused when none or when it no longer matches its
    stored SHA-256."""
    with Session(engine) as session:
        _, town = _staff(session, user)
        report = _open(session, report_id)
        _may_work(town, report)
    if report.scan is None:
        raise HazardReportError("该报告没有扫描件", "this report has no scan")
    if hashlib.sha256(report.scan).hexdigest() != report.scan_sha256:
        raise HazardReportError("扫描件与保存时的SHA-256不符，请联系管理员", "the scan no longer matches its stored "
                                "SHA-256: tell an administrator")
    return StoredScan(report.scan_name, report.scan_type, bytes(report.scan))


def public_counts(*, engine: Engine) -> pd.DataFrame:
    """Per year received and the enterprise's town (PUBLIC_COLUMNS): reports received, acknowledged and closed within
    their deadlines, closed by outcome, still open. Counts only: no enterprise, hazard, agency or staff. One query."""
    year = func.extract("year", HazardReport.received_on).cast(Integer)

    def count(condition) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (select(year, HazardReport.town, func.count(),
                    count(HazardReport.acknowledged_on <= HazardReport.acknowledge_due),
                    count((HazardReport.status == CLOSED) & (HazardReport.closed_on <= HazardReport.close_due)),
                    count(HazardReport.outcome == RECTIFIED), count(HazardReport.outcome == CASE),
                    count(HazardReport.outcome == UNFOUNDED), count(HazardReport.status != CLOSED))
             .group_by(year, HazardReport.town).order_by(year.desc(), HazardReport.town))
    with Session(engine) as session:
        rows = session.exec(query).all()
    return pd.DataFrame([tuple(int(v) if i != 1 else v for i, v in enumerate(row)) for row in rows],
                        columns=list(PUBLIC_COLUMNS))


@dataclass(frozen=True)
class YearCounts:
    """One year received of the public counts: its towns' rows (PUBLIC_COLUMNS but the year) and their total."""

    year: int
    towns: pd.DataFrame
    total: dict[str, int]  # each count summed over the year's towns; no "town"


def public_counts_by_year(*, engine: Engine) -> list[YearCounts]:
    """public_counts a year received at a time, newest first, each with its total over the towns: the sums are
    made here, so the rules page only lays the tables out (pages hold no arithmetic)."""
    counts = public_counts(engine=engine)
    years = []
    for year, of_year in sorted(counts.groupby("year"), key=lambda item: item[0], reverse=True):
        towns = of_year.drop(columns=["year"]).reset_index(drop=True)
        total = {column: int(value) for column, value in towns.drop(columns=["town"]).sum().items()}
        years.append(YearCounts(year=int(year), towns=towns, total=total))
    return years
