"""Demo 一企双查 inspections and 上报 referrals, in every state (referred, overdue, confirmed, dismissed), made through
the real services as the command line's operator acting for each contract's town: a few dozen rows, no file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.accounts.actor import Actor
from db.store.models import ContractRecord
from db.supervision.inspections import CheckInput, InspectionInput, record_inspection
from db.supervision.referrals import ReferralInput, confirm_referral, dismiss_referral, refer

PASS, NOTE = CheckInput("pass"), CheckInput("fail", "note", "现场台账与服务记录不一致，已要求机构说明（演示数据）")


def _finding(note: str) -> CheckInput:
    return CheckInput("fail", "finding", f"{note}（演示数据）")


def _referral(clause: str, facts: str) -> CheckInput:
    return CheckInput("fail", "referral", facts, referral_clause=clause)


def _weekday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def seed_supervision(*, engine: Engine, by: Actor, today: dt.date) -> dict[str, int]:
    """Inspections of six served enterprises over the last six weeks, with findings, notes and referrals; one
    referral left waiting past its deadline, one fresh, one confirmed, one dismissed. Returns what was made."""
    first = _weekday(today - dt.timedelta(days=42))
    with Session(engine) as session:
        rows = session.execute(
            select(ContractRecord.credit_code, ContractRecord.client_code, ContractRecord.client_name,
                   ContractRecord.town, ContractRecord.contract_no)
            .where(ContractRecord.start <= first, ContractRecord.end >= today).order_by(ContractRecord.id)).all()
    served, seen = [], set()
    for row in rows:  # one contract per agency, so six agencies each show their own 服务成效
        if row.credit_code not in seen and row.contract_no:
            seen.add(row.credit_code)
            served.append(row)
    if len(served) < 6:
        return {}
    plans = [
        (first, 3, 0, {"contract": PASS, "visits": _finding("服务频次不足"), "advice": _finding("隐患未出具书面整改建议"),
                       "on_site": PASS,
                       "rules_fit": _referral("1.3", "代替企业编制的操作规程与企业实际工艺不符（演示数据）")}),
        (_weekday(first + dt.timedelta(days=7)), 1, 0, {"contract": PASS, "visits": PASS, "on_site": NOTE}),
        (_weekday(first + dt.timedelta(days=14)), 4, 1, {
            "contract": PASS, "major_missed": _referral("1.1", "机构近期服务记录未载明的重大隐患经查系机构协助隐瞒（演示数据）")}),
        (_weekday(first + dt.timedelta(days=21)), 2, 0, {"contract": PASS, "visits": PASS, "advice": PASS,
                                                         "on_site": PASS}),
        (_weekday(today - dt.timedelta(days=1)), 1, 0, {
            "contract": PASS, "simplified": _referral("1.3", "服务报告系套用模板，与企业实际不符（演示数据）")}),
    ]
    made = {"inspections": 0, "referrals": 0}
    referred = []
    for row, (day, hazards, major, checks) in zip(served, plans, strict=False):
        stored = record_inspection(
            engine=engine, user=by, town=row.town, today=day + dt.timedelta(days=1),
            inspection=InspectionInput(date=day, enterprise_code=row.client_code, enterprise_name=row.client_name,
                                       hazards=hazards, major_hazards=major, agency_source="contract",
                                       agency_code=row.credit_code, contract_no=row.contract_no, checks=checks))
        made["inspections"] += 1
        referred += stored["referrals"]
    # referred[0] stays waiting past its deadline, referred[2] is fresh; the bureau confirms referred[1].
    confirm_referral(engine=engine, user=by, referral_id=referred[1])
    extra = served[5]
    dismissed = refer(engine=engine, user=by, town=extra.town, today=first, item=ReferralInput(
        credit_code=extra.credit_code, clause="1.5", date=first,
        facts="企业反映该机构人员贬低其他服务机构（演示数据）", evidence="企业书面反映材料（演示数据）"))
    dismiss_referral(engine=engine, user=by, referral_id=dismissed["id"],
                     reason="经核查系正常业务介绍，未发现贬低诋毁行为（演示数据）")
    made["referrals"] = len(referred) + 1
    return made
