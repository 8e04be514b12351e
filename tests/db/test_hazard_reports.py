"""拒不整改报告: filing (portal and paper), 受理, 办结, who may see and work which report, deadlines and overdue reports,
the agency's view and the public counts; every step audited, every refusal on the server."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlmodel import Session, select

from core.errors import CreditBoardError
from db.accounts.roles import AccessDenied
from db.accounts.users import deactivate
from db.agency.documents import DocumentError, checked_report_scan
from db.store.engine import transaction
from db.store.models import AuditEntry, HazardReport, User
from db.supervision import hazard_reports as reports
from db.supervision.hazard_reports import HazardReportError, ReportForm
from tests.builders import (  # noqa: F401  (fixture)
    ACCOUNT_TOWN,
    MINE,
    OPERATOR,
    OTHER_ACCOUNT_TOWN,
    THEIRS,
    credit_code,
    fast_argon2,
    make_agencies,
    make_agency_user,
    make_staff,
    make_user,
    with_wrong_check_digit,
)
from tests.scan_files import pdf

pytestmark = pytest.mark.usefixtures("fast_argon2")
TODAY = dt.date(2026, 4, 10)  # a Friday: acknowledge by Monday 13 April, close by 12 May (the May Day holiday)
ENTERPRISE = credit_code(601)
FORM = ReportForm(enterprise_code=ENTERPRISE, enterprise_name="璜土精细化工有限公司", town="璜土", hazard="储罐区可燃气体报警器失效",
                  found_on=dt.date(2026, 3, 2), major=True, advice_on=dt.date(2026, 3, 3), advice_no="ZG-2026-007",
                  rectify_by=dt.date(2026, 3, 20), response="逾期未整改，拒绝签收复查意见", addressee=ACCOUNT_TOWN)


@pytest.fixture
def people(engine):
    """Staff of each role (the town account is 璜土镇's), a town account of 月城镇, two agencies with accounts."""
    make_agencies(engine)
    staff = make_staff(engine)
    return {**staff, "other_town": make_user(engine, "yuecheng", "town_staff", OTHER_ACCOUNT_TOWN),
            "mine": make_agency_user(engine, "jia", MINE), "theirs": make_agency_user(engine, "yi", THEIRS)}


def _file(engine, who, form: ReportForm = FORM, **kw) -> dict:
    return reports.file_report(engine=engine, user=who, form=form, today=TODAY, **kw)


def _audit(engine, action: str) -> list[AuditEntry]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def _refused(kind: type[CreditBoardError], zh_part: str, call, *args, **kw) -> CreditBoardError:
    with pytest.raises(kind) as refused:
        call(*args, **kw)
    assert zh_part in refused.value.message_zh, refused.value.message_zh
    return refused.value


# --- filing -------------------------------------------------------------------------------------------------------


def test_an_agency_files_its_own_report_on_the_portal_with_its_deadlines_and_an_audit_entry(engine, people):
    stored = _file(engine, people["mine"], credit_code=THEIRS)  # a page cannot file for another agency
    assert stored["credit_code"] == MINE and stored["channel"] == "portal" and stored["status"] == "received"
    assert stored["town"] == ACCOUNT_TOWN and stored["addressee"] == ACCOUNT_TOWN  # 璜土 resolved to 璜土镇
    assert (stored["received_on"], stored["acknowledge_due"], stored["close_due"]) == (
        TODAY, dt.date(2026, 4, 13), dt.date(2026, 5, 12))
    entry, = _audit(engine, "hazard_report")
    assert entry.actor == "jia" and entry.entity_id == str(stored["id"])
    assert "璜土精细化工" not in entry.after and "储罐区" not in entry.after  # the log keeps the state, not the words


def test_the_deadlines_are_settings_in_working_days(engine, people, monkeypatch):
    monkeypatch.setenv("REPORT_ACKNOWLEDGE_WORKING_DAYS", "3")
    monkeypatch.setenv("REPORT_CLOSE_WORKING_DAYS", "5")
    from db.store.settings import forget_settings
    forget_settings()
    stored = _file(engine, people["mine"])
    assert (stored["acknowledge_due"], stored["close_due"]) == (dt.date(2026, 4, 15), dt.date(2026, 4, 17))


def test_a_report_to_the_bureau_needs_the_agencys_reason(engine, people):
    to_bureau = replace(FORM, addressee="市应急管理局")
    _refused(HazardReportError, "请填写直接报送市应急管理局的理由", _file, engine, people["mine"], to_bureau)
    stored = _file(engine, people["mine"], replace(to_bureau, bureau_reason="企业负责人系镇干部亲属"))
    assert stored["addressee"] == "bureau"


def test_a_report_about_an_enterprise_of_another_town_than_the_addressee_is_refused(engine, people):
    refusal = _refused(HazardReportError, "企业属于璜土镇，报告应报送璜土镇", _file, engine, people["mine"],
                       replace(FORM, addressee=OTHER_ACCOUNT_TOWN))
    assert "not to 月城镇" in refusal.message_en
    assert _audit(engine, "hazard_report") == []


@pytest.mark.parametrize(("change", "zh"), [
    ({"enterprise_code": with_wrong_check_digit(ENTERPRISE)}, "企业统一社会信用代码：统一社会信用代码校验位错误"),
    ({"enterprise_code": "91320281"}, "应为18位"),
    ({"enterprise_name": "  "}, "请填写企业名称"),
    ({"town": "火星镇"}, "未知镇街园"),
    ({"town": "市应急管理局"}, "未知镇街园"),
    ({"hazard": ""}, "请填写隐患描述"),
    ({"advice_no": ""}, "请填写书面整改意见编号"),
    ({"response": ""}, "请填写企业整改情况"),
    ({"found_on": None}, "请填写发现隐患日期"),
    ({"found_on": TODAY + dt.timedelta(days=1), "advice_on": TODAY + dt.timedelta(days=1)}, "不能晚于今天"),
    ({"advice_on": dt.date(2026, 3, 1)}, "书面整改意见不能早于发现隐患"),
    ({"rectify_by": dt.date(2026, 3, 1)}, "整改期限不能早于书面整改意见"),
    ({"addressee": "某某局"}, "未知报送单位"),
])
def test_a_report_with_a_field_wrong_is_refused_whole(engine, people, change, zh):
    _refused(HazardReportError, zh, _file, engine, people["mine"], replace(FORM, **change))
    with Session(engine) as session:
        assert session.exec(select(HazardReport)).all() == []


def test_staff_enter_a_paper_report_for_an_agency_a_town_only_one_addressed_to_it(engine, people):
    paper = {"credit_code": THEIRS, "received_on": dt.date(2026, 4, 8)}
    stored = _file(engine, people["town"], **paper)
    assert (stored["credit_code"], stored["channel"], stored["received_on"]) == (THEIRS, "paper", dt.date(2026, 4, 8))
    assert _audit(engine, "hazard_report")[0].actor == "town"
    to_bureau = replace(FORM, addressee="bureau", bureau_reason="情况特殊")
    _refused(AccessDenied, "璜土镇只能录入报送本镇街园的报告", _file, engine, people["town"], to_bureau, **paper)
    _refused(HazardReportError, "企业属于璜土镇", _file, engine, people["other_town"],
             replace(FORM, addressee=OTHER_ACCOUNT_TOWN), **paper)
    assert _file(engine, people["staff"], to_bureau, **paper)["addressee"] == "bureau"  # the bureau: any addressee
    _refused(HazardReportError, "收到日期不能晚于今天", _file, engine, people["staff"], credit_code=THEIRS,
             received_on=TODAY + dt.timedelta(days=1))
    _refused(HazardReportError, "请填写收到日期", _file, engine, people["staff"], credit_code=THEIRS)
    _refused(HazardReportError, "未登记的机构", _file, engine, people["staff"], credit_code=credit_code(99),
             received_on=TODAY)
    assert len(_audit(engine, "hazard_report")) == 2


def test_a_deactivated_account_files_nothing(engine, people):
    deactivate(engine=engine, username="town", by=OPERATOR)
    _refused(AccessDenied, "账号已停用", _file, engine, people["town"], credit_code=MINE, received_on=TODAY)
    deactivate(engine=engine, username="jia", by=OPERATOR)
    _refused(AccessDenied, "账号已停用", _file, engine, people["mine"])


def test_a_scan_is_checked_like_every_filed_scan_and_staff_who_may_work_the_report_download_it(engine, people):
    scan = checked_report_scan(file_name="整改意见书\u202e.pdf", content=pdf())
    assert scan.content_type == "application/pdf" and "\u202e" not in scan.file_name
    stored = _file(engine, people["mine"], scan=scan)
    got = reports.scan_of(engine=engine, user=people["town"], report_id=stored["id"])
    assert got.content == pdf() and got.file_name == scan.file_name
    _refused(AccessDenied, "无权查看或办理", reports.scan_of, engine=engine, user=people["other_town"],
             report_id=stored["id"])
    for bad in (b"", b"<html><script>alert(1)</script></html>"):
        with pytest.raises(DocumentError):
            checked_report_scan(file_name="x.pdf", content=bad)
    plain = _file(engine, people["mine"])
    _refused(HazardReportError, "该报告没有扫描件", reports.scan_of, engine=engine, user=people["staff"],
             report_id=plain["id"])


# --- acknowledge and close ----------------------------------------------------------------------------------------


def _ack(engine, who, report_id, today=TODAY):
    return reports.acknowledge(engine=engine, user=who, report_id=report_id, today=today)


def _close(engine, who, report_id, outcome="rectified", **kw):
    return reports.close(engine=engine, user=who, report_id=report_id, outcome=outcome, today=TODAY, **kw)


def test_the_town_acknowledges_then_closes_a_report_each_step_audited_and_the_agency_sees_the_outcome(engine, people):
    rid = _file(engine, people["mine"])["id"]
    acked = _ack(engine, people["town"], rid)
    assert (acked["status"], acked["acknowledged_on"]) == ("acknowledged", TODAY)
    closed = _close(engine, people["town"], rid, "case", case_no="澄应急立〔2026〕12号")
    assert (closed["status"], closed["outcome"], closed["case_no"]) == ("closed", "case", "澄应急立〔2026〕12号")
    ack_entry, = _audit(engine, "hazard_report_acknowledge")
    close_entry, = _audit(engine, "hazard_report_close")
    assert ack_entry.actor == close_entry.actor == "town"
    assert '"status": "received"' in ack_entry.before and '"status": "acknowledged"' in ack_entry.after
    assert '"status": "closed"' in close_entry.after
    mine = reports.own_reports(engine=engine, user=people["mine"])
    assert mine[["status", "outcome", "case_no"]].values.tolist() == [["closed", "case", "澄应急立〔2026〕12号"]]
    assert "acknowledged_by" not in mine.columns and "closed_by" not in mine.columns  # no staff account
    assert reports.own_reports(engine=engine, user=people["theirs"]).empty


def test_each_outcome_needs_what_it_says(engine, people):
    rid = _file(engine, people["mine"])["id"]
    _ack(engine, people["town"], rid)
    _refused(HazardReportError, "请填写立案编号", _close, engine, people["town"], rid, "case")
    _refused(HazardReportError, "请填写不属实的理由", _close, engine, people["town"], rid, "unfounded", reason=" ")
    _refused(HazardReportError, "未知的办理结果", _close, engine, people["town"], rid, "forgotten")
    with Session(engine) as session:
        assert session.get(HazardReport, rid).status == "acknowledged"
    closed = _close(engine, people["town"], rid, "unfounded", reason="现场核查储罐区报警器已更换", case_no="X-1")
    assert (closed["outcome"], closed["case_no"]) == ("unfounded", "")  # a number only for a case
    assert reports.own_reports(engine=engine, user=people["mine"])["outcome_reason"].tolist() == ["现场核查储罐区报警器已更换"]


def test_acknowledging_twice_closing_before_acknowledging_and_closing_twice_are_refused(engine, people):
    rid = _file(engine, people["mine"])["id"]
    _refused(HazardReportError, "请先受理该报告", _close, engine, people["town"], rid)
    _ack(engine, people["town"], rid)
    _refused(HazardReportError, "该报告已受理", _ack, engine, people["town"], rid)
    _close(engine, people["town"], rid)
    _refused(HazardReportError, "该报告已办结", _close, engine, people["town"], rid, "case", case_no="2")
    _refused(HazardReportError, "该报告已受理", _ack, engine, people["staff"], rid)
    assert len(_audit(engine, "hazard_report_close")) == 1
    _refused(HazardReportError, "没有该报告", _ack, engine, people["town"], rid + 99)


def test_another_town_an_agency_and_no_account_may_not_work_a_report_the_bureau_works_every_one(engine, people):
    rid = _file(engine, people["mine"])["id"]
    refusal = _refused(AccessDenied, "该报告报送璜土镇，月城镇无权查看或办理", _ack, engine, people["other_town"], rid)
    assert "月城镇 may not" in refusal.message_en
    _refused(AccessDenied, "无权执行此操作", _ack, engine, people["mine"], rid)  # the agency itself
    _refused(AccessDenied, "请先登录", _ack, engine, None, rid)
    _ack(engine, people["staff"], rid)  # the bureau works a town's report too
    _refused(AccessDenied, "无权查看或办理", _close, engine, people["other_town"], rid)
    _refused(AccessDenied, "无权执行此操作", _close, engine, people["theirs"], rid)
    assert _close(engine, people["admin"], rid)["status"] == "closed"
    bureau_rid = _file(engine, people["mine"], replace(FORM, addressee="bureau", bureau_reason="情况特殊"))["id"]
    _refused(AccessDenied, "该报告报送市应急管理局，璜土镇无权查看或办理", _ack, engine, people["town"], bureau_rid)


def test_a_demoted_account_is_refused_at_once(engine, people):
    rid = _file(engine, people["mine"])["id"]
    with transaction(engine) as session:  # moved to another town while signed in
        session.exec(select(User).where(User.username == "town")).one().town = OTHER_ACCOUNT_TOWN
    _refused(AccessDenied, "无权查看或办理", _ack, engine, people["town"], rid)  # the page still says 璜土镇


# --- queues, overdue, public counts -------------------------------------------------------------------------------


def _three(engine, people) -> tuple[int, int, int]:
    """A report to 璜土镇 received on 8 April (overdue to acknowledge by 10 April), one to 月城镇, one to the bureau."""
    old = _file(engine, people["staff"], credit_code=MINE, received_on=dt.date(2026, 4, 8))["id"]
    yue = _file(engine, people["mine"], replace(FORM, town="月城", addressee="月城镇"))["id"]
    bureau = _file(engine, people["mine"], replace(FORM, addressee="bureau", bureau_reason="情况特殊"))["id"]
    return old, yue, bureau


def test_a_town_sees_its_own_queue_the_bureau_sees_every_one_and_overdue_ones_stand_out(engine, people):
    old, yue, bureau = _three(engine, people)
    town = reports.queue(engine=engine, user=people["town"], today=TODAY)
    assert town["id"].tolist() == [old] and town["overdue"].tolist() == [True]  # acknowledge by 9 April
    assert reports.queue(engine=engine, user=people["other_town"], today=TODAY)["id"].tolist() == [yue]
    everyone = reports.queue(engine=engine, user=people["staff"], today=TODAY)
    assert everyone["id"].tolist() == [old, yue, bureau]  # overdue first, then oldest first
    assert everyone["agency_name"].tolist()[0] == "甲安全技术服务有限公司"
    assert reports.queue(engine=engine, user=people["staff"], addressee="bureau", today=TODAY)["id"].tolist() == [bureau]
    assert reports.overdue_count(engine=engine, user=people["town"], today=TODAY) == 1
    assert reports.overdue_count(engine=engine, user=people["other_town"], today=TODAY) == 0
    assert reports.overdue_count(engine=engine, user=people["admin"], today=TODAY) == 1
    later = dt.date(2026, 4, 14)  # every acknowledgement is late by now
    assert reports.overdue_count(engine=engine, user=people["admin"], today=later) == 3
    assert reports.queue(engine=engine, user=people["admin"], overdue_only=True, today=TODAY)["id"].tolist() == [old]
    _ack(engine, people["town"], old)
    assert reports.overdue_count(engine=engine, user=people["town"], today=TODAY) == 0
    assert reports.overdue_count(engine=engine, user=people["town"], today=dt.date(2026, 5, 13)) == 1  # close late
    _refused(AccessDenied, "无权执行此操作", reports.queue, engine=engine, user=people["mine"])
    _refused(AccessDenied, "无权执行此操作", reports.overdue_count, engine=engine, user=people["theirs"])


def test_the_public_counts_per_town_and_year_say_what_was_in_time_and_name_no_one(engine, people):
    old, yue, bureau = _three(engine, people)
    _ack(engine, people["town"], old, today=dt.date(2026, 4, 10))  # due 9 April: late
    _ack(engine, people["other_town"], yue)  # in time
    _close(engine, people["other_town"], yue, "case", case_no="月应急立1号")
    _ack(engine, people["staff"], bureau)
    _close(engine, people["staff"], bureau, "unfounded", reason="不属实")
    counts = reports.public_counts(engine=engine)
    assert list(counts.columns) == list(reports.PUBLIC_COLUMNS)
    assert counts.to_dict("records") == [
        {"year": 2026, "town": "月城镇", "received": 1, "acknowledged_in_time": 1, "closed_in_time": 1, "rectified": 0,
         "case": 1, "unfounded": 0, "open": 0},
        {"year": 2026, "town": "璜土镇", "received": 2, "acknowledged_in_time": 1, "closed_in_time": 1, "rectified": 0,
         "case": 0, "unfounded": 1, "open": 1},
    ]
    shown = counts.to_csv()
    for private in ("璜土精细化工", "储罐区", ENTERPRISE, MINE, "jia", "月应急立1号", "不属实"):
        assert private not in shown


def test_the_public_counts_come_a_year_at_a_time_newest_first_with_each_years_total(engine, people):
    """The rules page's tables: the towns of a year received, then their total, summed here and not on the page."""
    old, yue, _ = _three(engine, people)
    _ack(engine, people["town"], old, today=dt.date(2026, 4, 10))  # late
    _ack(engine, people["other_town"], yue)
    _close(engine, people["other_town"], yue, "case", case_no="月应急立1号")
    with transaction(engine) as session:  # one report received a year earlier
        session.get(HazardReport, old).received_on = dt.date(2025, 12, 30)
    years = reports.public_counts_by_year(engine=engine)
    assert [y.year for y in years] == [2026, 2025]
    assert list(years[0].towns.columns) == list(reports.PUBLIC_COLUMNS[1:])
    assert years[0].towns["town"].tolist() == ["月城镇", "璜土镇"]
    assert years[0].total == {"received": 2, "acknowledged_in_time": 1, "closed_in_time": 1, "rectified": 0,
                              "case": 1, "unfounded": 0, "open": 1}
    assert years[1].towns["town"].tolist() == ["璜土镇"]
    assert years[1].total == {"received": 1, "acknowledged_in_time": 0, "closed_in_time": 0, "rectified": 0,
                              "case": 0, "unfounded": 0, "open": 1}


def test_a_year_the_holiday_calendar_does_not_cover_yet_counts_monday_to_friday(monkeypatch):
    import core.workdays as workdays
    monkeypatch.setattr(workdays, "_library_year", lambda year: None)  # only the 2026 given here is known
    calendar = workdays.WorkCalendar({2026: workdays.YearDays(frozenset({dt.date(2026, 12, 31)}), frozenset())})
    # Received on Wednesday 30 December 2026: 31 December is a holiday, then 2027 counts Monday–Friday: Friday
    # 1 January is the first working day, Thursday 28 January the twentieth.
    assert reports.deadlines(dt.date(2026, 12, 30), calendar) == (dt.date(2027, 1, 1), dt.date(2027, 1, 28))
    with pytest.raises(workdays.CalendarMissing):  # the calendar itself still refuses to guess
        calendar.after(dt.date(2026, 12, 30), 2)


def test_the_demo_holds_reports_in_every_state_and_outcome_some_overdue(engine, people):
    from db.demo.hazard_reports import STORY, seed_hazard_reports
    from db.demo.seed import DEMO_OPERATOR
    count = seed_hazard_reports(engine=engine, by=DEMO_OPERATOR, agencies=[MINE, THEIRS],
                                towns=[ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN, "青阳镇"], today=TODAY, seed=1)
    every = reports.queue(engine=engine, user=people["admin"], today=TODAY)
    assert count == len(STORY) == len(every)
    assert set(every["status"]) == set(reports.STATES) and set(every["outcome"]) - {""} == set(reports.OUTCOMES)
    assert every["overdue"].sum() == 2 and set(every["addressee"]) >= {"bureau", ACCOUNT_TOWN}
    assert reports.overdue_count(engine=engine, user=people["admin"], today=TODAY) == 2
