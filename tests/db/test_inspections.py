"""一企双查 inspections: the agency offered from stored contracts, the checks beside the records, failed checks as the
town's findings in the same transaction, notes, 1.x referrals; every refusal writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from core.errors import InputError
from core.inspection_file import INSPECTION_FILE_COLUMNS
from db.accounts.roles import AccessDenied
from db.store.models import AuditEntry, Finding, Inspection, InspectionCheck, Referral
from db.supervision.effectiveness import PUBLIC_EFFECT_COLUMNS, effectiveness, public_effectiveness
from db.supervision.inspections import (
    CheckInput,
    InspectionError,
    InspectionInput,
    import_inspections,
    inspection_checks,
    inspection_list,
    record_inspection,
    records_beside,
    serving_agencies,
)
from db.supervision.referrals import ReferralError, ReferralInput
from tests.builders import (
    ACCOUNT_TOWN,
    OPERATOR,
    OTHER_ACCOUNT_TOWN,
    credit_code,
    csv_bytes,
    make_staff,
    make_user,
    with_wrong_check_digit,
)
from tests.db.supervision_records import (
    AGENCY,
    CONTRACT,
    DAY,
    ENTERPRISE,
    ENTERPRISE_NAME,
    OTHER_AGENCY,
    TODAY,
    store_supervision_records,
)

pytestmark = pytest.mark.usefixtures("fast_argon2")


@pytest.fixture
def staff(engine):
    store_supervision_records(engine)
    users = make_staff(engine)
    users["other_town"] = make_user(engine, "town2", "town_staff", OTHER_ACCOUNT_TOWN)
    return users


def _inspection(**kw) -> InspectionInput:
    base = dict(date=DAY, enterprise_code=ENTERPRISE, enterprise_name=ENTERPRISE_NAME, hazards=3, major_hazards=1,
                agency_source="contract", agency_code=AGENCY, contract_no=CONTRACT)
    return InspectionInput(**{**base, **kw})


TWO_FINDINGS = {
    "contract": CheckInput("pass"),
    "visits": CheckInput("fail", "finding", "五月前应服务两次以上，实际三次但间隔不均"),
    "advice": CheckInput("fail", "finding", "隐患未出具书面整改建议"),
    "on_site": CheckInput("fail", "note", "执业人员签名与现场不符，待核实"),
    "rules_fit": CheckInput("fail", "referral", "代替企业编制不符合实际的操作规程", referral_clause="1.3"),
}


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_the_serving_agency_is_offered_from_the_contracts_covering_the_day(engine, staff):
    offered = serving_agencies(engine=engine, enterprise_code=ENTERPRISE, day=DAY)
    assert offered[["credit_code", "contract_no"]].values.tolist() == [[AGENCY, CONTRACT]]
    assert serving_agencies(engine=engine, enterprise_code=credit_code(999), day=DAY).empty


def test_the_records_beside_the_visits_check_are_the_watchs_count(engine, staff):
    beside = records_beside(engine=engine, agency_code=AGENCY, client_code=ENTERPRISE, day=DAY)
    inspection = _inspection()
    assert beside.shown("visits", inspection) == f"合同{CONTRACT}：截至该日已记录服务3次，本年应服务6次"
    assert beside.visits == 2 and beside.hazards == 0  # 15 February is over 90 days before 20 May and beside.practitioners == ["王工"]
    assert "重大隐患1处" in beside.shown("major_missed", inspection)


def test_two_failed_checks_become_two_town_findings_with_the_inspection(engine, staff):
    stored = record_inspection(engine=engine, user=staff["town"], inspection=_inspection(checks=TWO_FINDINGS),
                               today=TODAY)
    assert len(stored["findings"]) == 2 and len(stored["referrals"]) == 1
    with Session(engine) as session:
        findings = session.exec(select(Finding).order_by(Finding.id)).all()
        checks = {c.check_key: c for c in session.exec(select(InspectionCheck)).all()}
        referral = session.exec(select(Referral)).one()
        actions = [a.action for a in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert [(f.clause, f.assessor, f.period, f.year) for f in findings] == [
        ("3.6", ACCOUNT_TOWN, "Q2", 2025), ("3.7", ACCOUNT_TOWN, "Q2", 2025)]
    assert checks["visits"].finding_id == findings[0].id and checks["visits"].outcome == "finding"
    assert "已记录服务3次" in checks["visits"].shown
    assert checks["on_site"].outcome == "note" and checks["on_site"].finding_id is None
    assert checks["simplified"].result == "unchecked" and checks["simplified"].shown == ""
    assert (referral.clause, referral.state, referral.inspection_id, referral.town) == (
        "1.3", "referred", stored["id"], ACCOUNT_TOWN)
    assert actions.count("finding") == 2 and "inspection" in actions and "referral" in actions


def test_an_extra_1x_matter_seen_at_the_inspection_is_referred_with_it(engine, staff):
    extra = ReferralInput(credit_code=AGENCY, clause="1.6", date=DAY, facts="以应急管理局名义招揽业务")
    stored = record_inspection(engine=engine, user=staff["town"], today=TODAY,
                               inspection=_inspection(referrals=[extra]))
    assert len(stored["referrals"]) == 1 and stored["findings"] == []


def test_an_inspection_without_an_agency_checks_nothing(engine, staff):
    stored = record_inspection(engine=engine, user=staff["town"], today=TODAY,
                               inspection=_inspection(agency_source="none", agency_code="", contract_no=""))
    assert stored["agency_code"] == "" and all(c["result"] == "unchecked" for c in stored["checks"])
    with pytest.raises(InspectionError):
        record_inspection(engine=engine, user=staff["town"], today=TODAY, inspection=_inspection(
            agency_source="none", agency_code="", contract_no="", checks={"contract": CheckInput("fail", "note")}))


def test_another_agency_is_named_by_its_code(engine, staff):
    stored = record_inspection(engine=engine, user=staff["town"], today=TODAY, inspection=_inspection(
        agency_source="other", agency_code=OTHER_AGENCY, contract_no="",
        checks={"contract": CheckInput("fail", "finding")}))
    with Session(engine) as session:
        finding = session.exec(select(Finding)).one()
    assert stored["agency_code"] == OTHER_AGENCY and finding.clause == "3.3"


@pytest.mark.parametrize("change, error", [
    ({"agency_code": OTHER_AGENCY}, InspectionError),  # no stored contract of that agency covers the day
    ({"enterprise_code": with_wrong_check_digit(ENTERPRISE)}, InspectionError),
    ({"agency_code": with_wrong_check_digit(AGENCY)}, InspectionError),
    ({"enterprise_name": "  "}, InspectionError),
    ({"date": TODAY.replace(day=22)}, InspectionError),
    ({"hazards": 1, "major_hazards": 2}, InspectionError),
    ({"hazards": -1}, InspectionError),
    ({"agency_source": "maybe"}, InspectionError),
    ({"checks": {"visits": CheckInput("fail")}}, InspectionError),  # a failure needs an outcome
    ({"checks": {"visits": CheckInput("pass", "finding")}}, InspectionError),
    ({"checks": {"visits": CheckInput("fail", "referral", referral_clause="2.1")}}, InspectionError),
    ({"checks": {"bribes": CheckInput("fail", "note")}}, InspectionError),
    ({"referrals": [ReferralInput(AGENCY, "3.6", DAY, "not blacklist-grade")]}, ReferralError),
])
def test_a_refused_inspection_writes_nothing(engine, staff, change, error):
    with pytest.raises(error):
        record_inspection(engine=engine, user=staff["town"], today=TODAY,
                          inspection=_inspection(**{"checks": TWO_FINDINGS, **change}))
    assert [_count(engine, m) for m in (Inspection, InspectionCheck, Finding, Referral)] == [0, 0, 0, 0]


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_only_a_town_records_inspections(engine, staff, who):
    with pytest.raises(AccessDenied):
        record_inspection(engine=engine, user=staff[who], today=TODAY, inspection=_inspection())
    assert _count(engine, Inspection) == 0


def test_a_town_may_not_inspect_an_enterprise_the_contracts_place_in_another_town(engine, staff):
    with pytest.raises(AccessDenied):
        record_inspection(engine=engine, user=staff["other_town"], today=TODAY,
                          inspection=_inspection(checks=TWO_FINDINGS))
    assert [_count(engine, m) for m in (Inspection, Finding, Referral)] == [0, 0, 0]


def test_each_town_sees_its_own_inspections_and_the_bureau_every_towns(engine, staff):
    stored = record_inspection(engine=engine, user=staff["town"], today=TODAY,
                               inspection=_inspection(checks=TWO_FINDINGS))
    mine = inspection_list(engine=engine, user=staff["town"], year=2025)
    assert mine["id"].tolist() == [stored["id"]] and mine.iloc[0]["failed"] == "3.6、3.7、2.5、2.2"
    assert (mine.iloc[0]["findings"], mine.iloc[0]["notes"], mine.iloc[0]["referrals"]) == (2, 1, 1)
    assert inspection_list(engine=engine, user=staff["other_town"], year=2025).empty
    assert inspection_list(engine=engine, user=staff["staff"], year=2025)["id"].tolist() == [stored["id"]]
    assert inspection_checks(engine=engine, user=staff["town"], inspection_id=stored["id"])["check"].size == 7
    with pytest.raises(AccessDenied):
        inspection_checks(engine=engine, user=staff["other_town"], inspection_id=stored["id"])


def test_effectiveness_counts_checks_by_clause_and_hazards_the_records_did_not_show(engine, staff):
    record_inspection(engine=engine, user=staff["town"], today=TODAY, inspection=_inspection(checks=TWO_FINDINGS))
    record_inspection(engine=engine, user=staff["town"], today=TODAY, inspection=_inspection(
        hazards=0, major_hazards=0, checks={"contract": CheckInput("pass"), "visits": CheckInput("fail", "note")}))
    per = effectiveness(engine=engine, user=staff["staff"], year=2025).set_index("credit_code").loc[AGENCY]
    assert (per["inspections"], per["checks_passed"], per["checks_failed"]) == (2, 2, 5)
    assert per["failed_clauses"] == "2.2×1、2.5×1、3.6×2、3.7×1"
    # The agency's visits of the 90 days before recorded no hazard; the town found three at the first inspection.
    assert (per["hazards_found"], per["hazards_unseen"]) == (3, 1)
    assert effectiveness(engine=engine, user=staff["other_town"], year=2025, town=ACCOUNT_TOWN).empty
    public = public_effectiveness(engine=engine, year=2025)
    assert list(public.columns) == list(PUBLIC_EFFECT_COLUMNS)
    assert public.iloc[0][["inspections", "hazards_unseen"]].tolist() == [2, 1]
    assert str(public.iloc[0]["as_of"]) == DAY.isoformat()


def test_a_hazard_the_agency_recorded_is_not_counted_unseen(engine):
    store_supervision_records(engine, hazards="2")
    town = make_staff(engine)["town"]
    record_inspection(engine=engine, user=town, today=TODAY, inspection=_inspection())
    assert public_effectiveness(engine=engine, year=2025).iloc[0]["hazards_unseen"] == 0


def test_a_town_account_may_not_record_for_another_town(engine, staff):
    with pytest.raises(AccessDenied):
        record_inspection(engine=engine, user=staff["town"], today=TODAY, town=OTHER_ACCOUNT_TOWN,
                          inspection=_inspection(checks=TWO_FINDINGS))
    stored = record_inspection(engine=engine, user=staff["town"], today=TODAY, town=ACCOUNT_TOWN,
                               inspection=_inspection())
    assert stored["town"] == ACCOUNT_TOWN
    assert [_count(engine, m) for m in (Inspection, Finding, Referral)] == [1, 0, 0]


def test_the_command_line_records_for_the_town_it_names(engine, staff):
    with pytest.raises(AccessDenied):
        record_inspection(engine=engine, user=OPERATOR, today=TODAY, inspection=_inspection())
    stored = record_inspection(engine=engine, user=OPERATOR, today=TODAY, town=ACCOUNT_TOWN,
                               inspection=_inspection(checks=TWO_FINDINGS))
    with Session(engine) as session:
        assert {(f.assessor, f.recorded_by) for f in session.exec(select(Finding)).all()} == {(ACCOUNT_TOWN, "test")}
    assert stored["recorded_by"] == "test" and len(stored["referrals"]) == 1


def _file(rows: list[list[str]]) -> bytes:
    headers = [c.label_zh for c in INSPECTION_FILE_COLUMNS]
    return csv_bytes([headers, *[row + [""] * (len(headers) - len(row)) for row in rows]])


# date, enterprise code, name, hazards, major, agency, contract, then the checks (contract, visits, advice, …)
GOOD_ROWS = [
    [DAY.isoformat(), ENTERPRISE, ENTERPRISE_NAME, "2", "0", AGENCY, CONTRACT, "合格", "不合格（扣分）", "不合格（备注）"],
    [DAY.isoformat(), credit_code(802), "江阴市另一被检查企业有限公司", "0", "", "", "", "", "", ""],
]


def test_an_inspections_file_is_imported_whole(engine, staff):
    stored = import_inspections(engine=engine, user=staff["town"], content=_file(GOOD_ROWS), file_name="检查.csv",
                                today=TODAY)
    assert [s["agency_source"] for s in stored] == ["contract", "none"] and len(stored[0]["findings"]) == 1
    with Session(engine) as session:
        assert session.exec(select(Finding)).one().clause == "3.6"


def test_a_wrong_inspections_file_names_every_problem_and_writes_nothing(engine, staff):
    rows = [GOOD_ROWS[0],
            [DAY.isoformat(), with_wrong_check_digit(ENTERPRISE), "某企业", "1", "2", "", "", "合格"],
            ["2025-13-01", credit_code(803), "", "x", "", "", "", "", "也许"]]
    with pytest.raises(InputError) as info:
        import_inspections(engine=engine, user=staff["town"], content=_file(rows), file_name="检查.csv", today=TODAY)
    found = {(p.row, p.column) for p in info.value.problems}
    assert {(3, "企业统一社会信用代码"), (3, "重大隐患数"), (3, "签订服务合同（3.3）"), (4, "检查日期"), (4, "企业名称"),
            (4, "发现隐患数"), (4, "按合同频次开展现场服务（3.6）")} <= found
    assert [_count(engine, m) for m in (Inspection, Finding)] == [0, 0]


def test_a_row_the_services_refuse_refuses_the_file(engine, staff):
    rows = [GOOD_ROWS[0], [TODAY.replace(day=22).isoformat(), credit_code(804), "企业", "0"]]
    with pytest.raises(InputError) as info:
        import_inspections(engine=engine, user=staff["town"], content=_file(rows), file_name="检查.csv", today=TODAY)
    assert [p.row for p in info.value.problems] == [3]
    assert [_count(engine, m) for m in (Inspection, Finding)] == [0, 0]
    with pytest.raises(AccessDenied):
        import_inspections(engine=engine, user=staff["staff"], content=_file(GOOD_ROWS), file_name="检查.csv",
                           today=TODAY)
