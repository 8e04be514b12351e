"""一企双查 (第十五条): a town inspects an enterprise and, at the same visit, checks the agency serving it.

The checks and the clause a failure proposes are CHECKS. Each check is shown beside the agency's own records of that
client (its contracts, the visits recorded so far against each — core.watch.contract_visits, the one count the watch
uses — and the last 90 days of visits). A failed check is, as the clerk decides: a finding of the town (the one
finding path, db.findings.recording.add_finding: placement, audit) in the same transaction as the inspection; a note;
or, for conduct of a blacklist clause (1.x), a referral to the bureau (db.supervision.referrals), never the town's
own finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import china_time
from core.errors import CreditBoardError, InputError, Problem
from core.inspection_file import CHECK_COLUMNS, read_inspections
from core.rulebook import Rulebook, load_rulebook
from core.service_records import ServiceRecords
from core.values import credit_code_problem, normalize_credit_code
from core.watch import contract_visits
from db.accounts import audit
from db.accounts.actor import Actor, acting_user, require_actor
from db.accounts.roles import AccessDenied, own_town
from db.findings.recording import add_finding
from db.records.reads import load_records
from db.reference.towns import towns_in
from db.store.engine import transaction, write_lock
from db.store.models import Agency, ContractRecord, Inspection, InspectionCheck, Referral, User
from db.store.text import checked_text
from db.supervision.referrals import ReferralInput, acting_row, add_referral, early_check, is_blacklist_clause


@dataclass(frozen=True)
class Check:
    """One check of the serving agency: its key, the clause a failure proposes, its name in stored text."""

    key: str
    clause: str
    name_zh: str


# The checks of 第十五条 in the order the page shows them, each with the Annex 3 clause a failure proposes.
CHECKS: tuple[Check, ...] = (
    Check("contract", "3.3", "签订服务合同"),
    Check("visits", "3.6", "按合同频次开展现场服务"),
    Check("advice", "3.7", "对隐患出具书面整改建议"),
    Check("on_site", "2.5", "执业人员到现场开展工作"),
    Check("major_missed", "2.1", "及时发现重大事故隐患"),
    Check("simplified", "3.5", "未更改、简化服务程序及内容"),
    Check("rules_fit", "2.2", "规章制度和操作规程符合企业实际"),
)
CHECK_BY_KEY = {c.key: c for c in CHECKS}
RESULTS = ("pass", "fail", "unchecked")
OUTCOMES = ("finding", "note", "referral")
AGENCY_SOURCES = ("contract", "other", "none")
LOOKBACK_DAYS = 90  # the agency's records of the client shown beside the checks, and 服务成效's window
INSPECTION_COLUMNS = ("id", "town", "date", "enterprise_code", "enterprise_name", "hazards", "major_hazards",
                      "agency_source", "agency_code", "agency_name", "contract_no", "failed", "findings", "notes",
                      "referrals", "recorded_by", "note")
SERVING_COLUMNS = ("credit_code", "agency_name", "contract_no", "town", "start", "end")


class InspectionError(CreditBoardError):
    """An inspection refused for its content; bilingual and safe to show, nothing written."""


@dataclass(frozen=True)
class CheckInput:
    """The clerk's result of one check; for a failure, what it becomes (a finding, a note, or a referral with its
    1.x clause and the facts, the note when no facts are given)."""

    result: str = "unchecked"
    outcome: str = ""
    note: str = ""
    referral_clause: str = ""
    facts: str = ""


@dataclass(frozen=True)
class InspectionInput:
    """What a town clerk records of one inspection."""

    date: dt.date
    enterprise_code: str
    enterprise_name: str
    hazards: int = 0
    major_hazards: int = 0
    agency_source: str = "none"
    agency_code: str = ""
    agency_name: str = ""
    contract_no: str = ""
    checks: Mapping[str, CheckInput] = field(default_factory=dict)
    referrals: Sequence[ReferralInput] = ()
    note: str = ""


@dataclass(frozen=True)
class Beside:
    """The agency's records of the client shown beside the checks: each contract running that day's year (number,
    term, visits owed in its part of the year, visits recorded by that day) and the last LOOKBACK_DAYS of visits."""

    contracts: list[dict[str, Any]]
    visits: int
    hazards: int
    no_advice: int
    practitioners: list[str]

    def shown(self, check: str, inspection: InspectionInput) -> str:
        """What the records say for `check`, as stored beside its result (Chinese, like the watch's evidence)."""
        window = f"近{LOOKBACK_DAYS}天服务记录"
        if check == "contract":
            if not self.contracts:
                return "没有覆盖该日的服务合同记录"
            return "；".join(f"合同{c['contract_no']}（{c['from']}至{c['to']}）" for c in self.contracts)
        if check == "visits":
            if not self.contracts:
                return "没有服务合同记录"
            return "；".join(f"合同{c['contract_no']}：截至该日已记录服务{c['delivered']}次，本年应服务{c['contracted']}次"
                            for c in self.contracts)
        if check == "advice":
            return f"{window}：发现隐患{self.hazards}处，{self.no_advice}次发现隐患未出具书面整改建议"
        if check == "on_site":
            names = "、".join(self.practitioners) or "无"
            return f"{window}：服务{self.visits}次，执业人员：{names}"
        if check == "major_missed":
            return f"本次检查发现重大隐患{inspection.major_hazards}处；{window}记录隐患{self.hazards}处"
        return ""


def _agency_records(engine: Engine, agency_code: str, client_code: str) -> ServiceRecords:
    """The agency's contracts and visits of one client, as the watch reads them (the other kinds empty)."""
    with engine.connect() as conn:
        tables = {kind: load_records(conn, kind, agency_code) for kind in ("contracts", "visits")}
    return ServiceRecords({kind: frame[frame["client_code"] == client_code].reset_index(drop=True)
                           for kind, frame in tables.items()})


def records_beside(*, engine: Engine, agency_code: str, client_code: str, day: dt.date) -> Beside:
    """The agency's records of the client as known on `day` (Beside)."""
    records = _agency_records(engine, normalize_credit_code(agency_code), normalize_credit_code(client_code))
    contracts = contract_visits(records, year=day.year, as_of=day)
    rows = [{"contract_no": r.contract_no, "from": r["from"].date().isoformat(), "to": r["to"].date().isoformat(),
             "contracted": int(r.contracted), "delivered": int(r.delivered)} for _, r in contracts.iterrows()]
    visits = records["visits"]
    day_ts = pd.Timestamp(day)
    recent = visits[(visits["visit_date"] < day_ts) & (visits["visit_date"] >= day_ts - pd.Timedelta(days=LOOKBACK_DAYS))
                    & (visits["submitted_on"] <= day_ts)]
    return Beside(contracts=rows, visits=int(recent["visit_date"].nunique()), hazards=int(recent["hazards"].sum()),
                  no_advice=int(((recent["hazards"] > 0) & ~recent["written_advice"]).sum()),
                  practitioners=sorted(set(recent["practitioner"])))


def serving_agencies(*, engine: Engine, enterprise_code: str, day: dt.date) -> pd.DataFrame:
    """The agencies whose stored contracts with the enterprise cover `day` (SERVING_COLUMNS): what the page offers."""
    with Session(engine) as session:
        return _serving(session, normalize_credit_code(enterprise_code), day)


def _serving(session: Session, enterprise_code: str, day: dt.date) -> pd.DataFrame:
    rows = session.exec(
        select(ContractRecord.credit_code, Agency.name, ContractRecord.contract_no, ContractRecord.town,
               ContractRecord.start, ContractRecord.end)
        .outerjoin(Agency, Agency.credit_code == ContractRecord.credit_code)
        .where(ContractRecord.client_code == enterprise_code, ContractRecord.start <= day, ContractRecord.end >= day)
        .order_by(ContractRecord.credit_code, ContractRecord.start, ContractRecord.contract_no)).all()
    frame = pd.DataFrame(rows, columns=list(SERVING_COLUMNS)).drop_duplicates(["credit_code", "contract_no"])
    frame["agency_name"] = frame["agency_name"].fillna(frame["credit_code"])
    return frame.reset_index(drop=True)


def _checked(inspection: InspectionInput, today: dt.date, rulebook: Rulebook) -> dict[str, CheckInput]:
    """Every check's input, refused (InspectionError) where a result, an outcome or a referral clause is wrong."""
    unknown = set(inspection.checks) - set(CHECK_BY_KEY)
    if unknown:
        raise InspectionError(f"未知检查项：{'、'.join(sorted(unknown))}", f"unknown checks: {', '.join(sorted(unknown))}")
    checks = {c.key: inspection.checks.get(c.key, CheckInput()) for c in CHECKS}
    for key, item in checks.items():
        if item.result not in RESULTS:
            raise InspectionError(f"检查结果无效（{item.result}）", f"invalid check result ({item.result})")
        if item.result != "fail" and item.outcome:
            raise InspectionError("只有不合格的检查项需要处理方式", "only a failed check takes an outcome")
        if item.result == "fail" and item.outcome not in OUTCOMES:
            raise InspectionError(f"请为不合格的检查项选择处理方式（{key}）", f"choose what the failed check {key} becomes")
        if item.outcome == "referral" and not is_blacklist_clause(item.referral_clause, rulebook):
            raise InspectionError("上报须选择直接列入黑名单的条款（第一类）",
                                  "a referral needs a blacklist clause (1.x)")
    if inspection.agency_source == "none" and any(c.result != "unchecked" for c in checks.values()):
        raise InspectionError("未选择服务机构，不能检查机构", "no agency was named, so no agency can be checked")
    return checks


def _validated(inspection: InspectionInput, today: dt.date, rulebook: Rulebook
               ) -> tuple[str, str, str, dict[str, CheckInput]]:
    """(enterprise code, name, note, every check's input) of a valid inspection; InspectionError otherwise."""
    if not isinstance(inspection.date, dt.date) or inspection.date > today:
        raise InspectionError("请填写不晚于今天的检查日期", "the inspection day is needed, not after today")
    code = normalize_credit_code(inspection.enterprise_code)
    problem = credit_code_problem(code)
    if problem:
        raise InspectionError(f"企业统一社会信用代码{problem[0]}", f"the enterprise's credit code: {problem[1]}")
    name = checked_text(inspection.enterprise_name, field=("企业名称", "enterprise name"), limit=200,
                        error=InspectionError)
    counts = (inspection.hazards, inspection.major_hazards)
    if not all(isinstance(n, int) and n >= 0 for n in counts) or counts[1] > counts[0]:
        raise InspectionError("隐患数应为非负整数，重大隐患不多于隐患总数",
                              "hazard counts are whole numbers ≥ 0, major ones no more than all")
    note = checked_text(inspection.note, field=("备注", "note"), required=False, error=InspectionError)
    return code, name, note, _checked(inspection, today, rulebook)


def _check_agency(session: Session, row_user: User, inspection: InspectionInput, code: str) -> tuple[str, str, str]:
    """(agency code, name, contract number) of the checked agency; refused when it is not what the page could offer."""
    source = inspection.agency_source
    if source not in AGENCY_SOURCES:
        raise InspectionError(f"服务机构来源无效（{source}）", f"invalid agency source ({source})")
    if source == "none":
        if inspection.agency_code.strip():
            raise InspectionError("选择“无服务机构”时不能填写机构", "no agency may be given with “none”")
        return "", "", ""
    agency = normalize_credit_code(inspection.agency_code)
    problem = credit_code_problem(agency)
    if problem:
        raise InspectionError(f"机构统一社会信用代码{problem[0]}", f"the agency's credit code: {problem[1]}")
    if source == "contract":
        serving = _serving(session, code, inspection.date)
        mine = serving[serving["credit_code"] == agency]
        if inspection.contract_no:
            mine = mine[mine["contract_no"] == inspection.contract_no]
        if mine.empty:
            raise InspectionError("该机构没有覆盖检查日的服务合同记录，请选择“其他机构”",
                                  "no stored contract of this agency covers the day: choose “another agency”")
        towns = towns_in(session)
        named = {towns.resolve(t) for t in mine["town"]} - {None}
        own = own_town(row_user)
        if named and own not in named:
            raise AccessDenied(f"合同记录显示该企业不在本镇街园（{own}）", f"the contracts place this enterprise outside {own}")
        return agency, str(mine.iloc[0]["agency_name"]), str(mine.iloc[0]["contract_no"])
    stored = session.exec(select(Agency).where(Agency.credit_code == agency)).first()
    name = stored.name if stored is not None else inspection.agency_name.strip()[:200]
    if not name:
        raise InspectionError("该机构尚未登记，请填写机构名称", "this agency is not on file yet: give its name")
    return agency, name, inspection.contract_no.strip()[:64]


def record_inspection(*, engine: Engine, user: Actor, inspection: InspectionInput, today: dt.date | None = None,
                      rulebook: Rulebook | None = None, town: str | None = None) -> dict[str, Any]:
    """Store one inspection of the actor's own town with its checks, the findings the clerk confirmed (the town's,
    through add_finding) and the referrals (1.x, to the bureau), all in one transaction with their audit entries.

    Town staff only; refused with nothing written on any bad field, a day after today, an agency the stored
    contracts do not offer (source "contract"), an enterprise the contracts place in another town, or a finding the
    placement rule refuses. `town`: the town acted for — an account may name only its own (else AccessDenied);
    the command line's operator (the demo seed) must name one."""
    early_check(user, "inspect")
    rulebook = rulebook or load_rulebook()
    today = today or china_time.today()
    code = _validated(inspection, today, rulebook)[0]  # refused before the records are read
    beside = (records_beside(engine=engine, agency_code=inspection.agency_code, client_code=code, day=inspection.date)
              if inspection.agency_source != "none" and not credit_code_problem(inspection.agency_code) else None)
    with transaction(engine) as session:
        write_lock(session)
        row_user = acting_row(session, user, "inspect", town=town)
        return add_inspection(session, row_user, inspection, beside=beside, today=today, rulebook=rulebook)


def add_inspection(session: Session, row_user: User, inspection: InspectionInput, *, beside: Beside | None,
                   today: dt.date, rulebook: Rulebook) -> dict[str, Any]:
    """Add one inspection by the town account `row_user` (acting_row checked it), its checks, findings, referrals
    and audit entries to the caller's transaction: record_inspection's write, and each row of an imported file."""
    code, name, note, checks = _validated(inspection, today, rulebook)
    hazards, major = inspection.hazards, inspection.major_hazards
    town = own_town(row_user)
    agency, agency_name, contract_no = _check_agency(session, row_user, inspection, code)
    row = Inspection(town=town, date=inspection.date, year=inspection.date.year, enterprise_code=code,
                     enterprise_name=name, hazards=hazards, major_hazards=major,
                     agency_source=inspection.agency_source, agency_code=agency, agency_name=agency_name,
                     contract_no=contract_no, note=note, recorded_by=row_user.username)
    session.add(row)
    session.flush()
    stored_checks, findings, referrals = [], [], []
    for check in CHECKS:
        item = checks[check.key]
        check_note = checked_text(item.note, field=("检查说明", "check note"), required=False,
                                  error=InspectionError)
        shown = beside.shown(check.key, inspection) if beside is not None and item.result != "unchecked" else ""
        finding_id = None
        if item.outcome == "finding":
            finding = add_finding(
                session, row_user, credit_code=agency, agency_name=agency_name, clause=check.clause,
                date=inspection.date, rulebook=rulebook,
                description=f"一企双查（第{row.id}号检查记录）：{check.name_zh}不合格。{check_note}"[:2000])
            finding_id = finding["id"]
            findings.append(finding_id)
        elif item.outcome == "referral":
            facts = item.facts.strip() or check_note or f"一企双查：{check.name_zh}不合格"
            referral = add_referral(session, row_user, ReferralInput(
                credit_code=agency, clause=item.referral_clause, date=inspection.date, facts=facts,
                evidence=shown, agency_name=agency_name), inspection_id=row.id, today=today, rulebook=rulebook)
            referrals.append(referral.id)
        session.add(InspectionCheck(inspection_id=row.id, check_key=check.key, clause=check.clause,
                                    result=item.result, outcome=item.outcome, note=check_note, shown=shown,
                                    finding_id=finding_id))
        stored_checks.append({"check": check.key, "clause": check.clause, "result": item.result,
                              "outcome": item.outcome, "finding_id": finding_id})
    for item in inspection.referrals:
        referrals.append(add_referral(session, row_user, item, inspection_id=row.id, today=today,
                                      rulebook=rulebook).id)
    session.flush()
    stored = {"id": row.id, "town": town, "date": inspection.date.isoformat(), "enterprise_code": code,
              "hazards": hazards, "major_hazards": major, "agency_source": inspection.agency_source,
              "agency_code": agency, "contract_no": contract_no, "checks": stored_checks,
              "findings": findings, "referrals": referrals, "recorded_by": row_user.username}
    # The enterprise's name stays out of the audit entry's summary fields only by not being needed there.
    audit.record(session, actor=row_user.username, action="inspection", entity="inspection", entity_id=row.id,
                 after=stored)
    return stored


def _town_of(session: Session, user: Actor) -> str | None:
    return own_town(acting_user(session, user, "read_supervision"))


def inspection_list(*, engine: Engine, user: Actor, year: int) -> pd.DataFrame:
    """The year's inspections this account may see (INSPECTION_COLUMNS, newest first): a town its own, the bureau
    every town's; `failed` the clauses of failed checks, `findings`/`notes`/`referrals` how each failure went."""
    require_actor(user, "read_supervision")
    with Session(engine) as session:
        town = _town_of(session, user)
        query = select(Inspection).where(Inspection.year == year).order_by(Inspection.date.desc(), Inspection.id.desc())
        if town:
            query = query.where(Inspection.town == town)
        rows = session.exec(query).all()
        ids = [r.id for r in rows]
        checks = session.exec(select(InspectionCheck).where(InspectionCheck.inspection_id.in_(ids))).all() if ids else []
    by_id: dict[int, list[InspectionCheck]] = {}
    for c in checks:
        by_id.setdefault(c.inspection_id, []).append(c)
    out = []
    for r in rows:
        mine = by_id.get(r.id, [])
        failed = [c for c in mine if c.result == "fail"]
        out.append({"id": r.id, "town": r.town, "date": r.date, "enterprise_code": r.enterprise_code,
                    "enterprise_name": r.enterprise_name, "hazards": r.hazards, "major_hazards": r.major_hazards,
                    "agency_source": r.agency_source, "agency_code": r.agency_code, "agency_name": r.agency_name,
                    "contract_no": r.contract_no, "failed": "、".join(c.clause for c in failed),
                    "findings": sum(c.outcome == "finding" for c in failed),
                    "notes": sum(c.outcome == "note" for c in failed),
                    "referrals": sum(c.outcome == "referral" for c in failed), "recorded_by": r.recorded_by,
                    "note": r.note})
    return pd.DataFrame(out, columns=list(INSPECTION_COLUMNS))


def inspection_checks(*, engine: Engine, user: Actor, inspection_id: int) -> pd.DataFrame:
    """One inspection's checks (check, clause, result, outcome, note, shown, finding_id, referrals made from it);
    a town may read only its own."""
    require_actor(user, "read_supervision")
    with Session(engine) as session:
        town = _town_of(session, user)
        row = session.get(Inspection, inspection_id)
        if row is None or (town and row.town != town):
            raise AccessDenied("只能查看本镇街园的检查记录", "you may see only your own town's inspections")
        checks = session.exec(select(InspectionCheck).where(InspectionCheck.inspection_id == inspection_id)
                              .order_by(InspectionCheck.id)).all()
        referred = session.exec(select(Referral.id).where(Referral.inspection_id == inspection_id)).all()
    frame = pd.DataFrame([{"check": c.check_key, "clause": c.clause, "result": c.result, "outcome": c.outcome,
                           "note": c.note, "shown": c.shown, "finding_id": c.finding_id} for c in checks],
                         columns=["check", "clause", "result", "outcome", "note", "shown", "finding_id"])
    frame.attrs["referrals"] = list(referred)
    return frame


def import_inspections(*, engine: Engine, user: Actor, content: bytes, file_name: str, today: dt.date | None = None,
                       rulebook: Rulebook | None = None, town: str | None = None) -> list[dict[str, Any]]:
    """Import an inspections file (core.inspection_file, read by the one reader) for a town that keeps Excel: every
    row as record_inspection would store it — the agency from the stored contracts covering its day when they name
    it (else "another agency"; none when blank), failed checks as findings or notes — all rows in ONE transaction.
    Refused whole (InputError, every problem by row and column, nothing written) when a cell or a row is wrong."""
    early_check(user, "inspect")
    rulebook = rulebook or load_rulebook()
    today = today or china_time.today()
    frame = read_inspections(content, name=file_name)
    items, besides = [], []
    with Session(engine) as session:
        for row in frame.itertuples():
            source = "none"
            if row.agency_code:
                serving = _serving(session, row.enterprise_code, row.date)
                source = "contract" if (serving["credit_code"] == row.agency_code).any() else "other"
            checks = {key: CheckInput(*getattr(row, key)) for key, _ in CHECK_COLUMNS}
            items.append((row.row, InspectionInput(
                date=row.date, enterprise_code=row.enterprise_code, enterprise_name=row.enterprise_name,
                hazards=int(row.hazards), major_hazards=int(row.major_hazards), agency_source=source,
                agency_code=row.agency_code, contract_no=row.contract_no if source == "contract" else "",
                agency_name="", checks=checks, note=row.note)))
    for _, item in items:
        besides.append(records_beside(engine=engine, agency_code=item.agency_code, client_code=item.enterprise_code,
                                      day=item.date) if item.agency_source != "none" else None)
    problems: list[Problem] = []
    stored: list[dict[str, Any]] = []
    with transaction(engine) as session:
        write_lock(session)
        row_user = acting_row(session, user, "inspect", town=town)
        for (row_number, item), beside in zip(items, besides, strict=True):
            try:
                with session.begin_nested():  # a refused row leaves the others' writes as they were
                    stored.append(add_inspection(session, row_user, item, beside=beside, today=today,
                                                 rulebook=rulebook))
            except CreditBoardError as exc:
                problems.append(Problem(int(row_number), None, exc.message_zh, exc.message_en))
        if problems:
            raise InputError(problems)  # the transaction rolls back: nothing of the file is kept
        audit.record(session, actor=row_user.username, action="inspection_import", entity="inspection",
                     detail=f"{file_name}: {len(stored)}")
    return stored
