"""公示 and 异议: opening a notice, objections by an agency or from a letter, resolving them, and the publish gate."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from core import china_time
from core.errors import CreditBoardError
from db.accounts.actor import Actor
from db.accounts.roles import AccessDenied
from db.findings.recording import RecordError
from db.findings.withdraw import withdraw_finding
from db.publishing.notice import NoticeError, cancel_notice, default_end, notice_list, open_notice, public_notices
from db.publishing.objections import (
    file_objection,
    findings_under_notice,
    objectable_findings,
    objections,
    own_objections,
    record_letter,
    resolve_objection,
)
from db.publishing.publish import publish_year
from db.publishing.rating import rate_year
from db.store.models import Agency, AuditEntry, Finding, Notice, Objection, Publication
from db.store.settings import SettingsError, get_settings
from tests.builders import credit_code, make_agency_user, make_staff
from tests.db.publishing import YEAR, a_year, count
from tests.notices import ended_notice, publish_after_notice

pytestmark = pytest.mark.usefixtures("fast_argon2")
TODAY = china_time.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def people(engine):
    """A rated year 2025 (tests.db.publishing.a_year), the staff roles, and accounts of agencies 1 and 3."""
    a_year(engine)
    staff = make_staff(engine)
    return {**staff, "one": make_agency_user(engine, "agency.one", credit_code(1)),
            "three": make_agency_user(engine, "agency.three", credit_code(3))}


def _agency_id(session, agency: int) -> int:
    return session.exec(select(Agency.id).where(Agency.credit_code == credit_code(agency))).one()


def audit_actions(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all())


def total_of(engine, agency: int) -> int:
    table = rate_year(engine=engine, year=YEAR).table.set_index("credit_code")
    return int(table.loc[credit_code(agency), "total"])


def running_notice(engine, *, opened: dt.date = TODAY - 2 * DAY, ends: dt.date = TODAY + 3 * DAY) -> Notice:
    return open_notice(engine=engine, by=Actor.operator("admin.zhou"), year=YEAR, ends_on=ends, today=opened)


# --- opening a notice ------------------------------------------------------------------------------------------

def test_the_default_end_is_five_working_days_later_across_national_day():
    # 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked (调休).
    assert default_end(dt.date(2025, 9, 29)) == dt.date(2025, 10, 13)
    assert default_end(dt.date(2025, 9, 26)) == dt.date(2025, 10, 10)  # the working Sunday counts
    assert default_end(dt.date(2025, 9, 29), days=3) == dt.date(2025, 10, 10)


def test_the_default_length_is_a_setting_checked_by_name(monkeypatch):
    monkeypatch.setenv("NOTICE_WORKING_DAYS", "3")
    assert get_settings().notice_working_days == 3
    assert default_end(dt.date(2025, 9, 29)) == dt.date(2025, 10, 10)
    for bad in ("0", "31", "five"):
        monkeypatch.setenv("NOTICE_WORKING_DAYS", bad)
        with pytest.raises(SettingsError, match="NOTICE_WORKING_DAYS"):
            get_settings()


def test_an_admin_opens_a_notice_with_the_default_end_and_it_is_audited(engine, people):
    notice = open_notice(engine=engine, by=people["admin"], year=YEAR, today=dt.date(2025, 9, 29))
    assert (notice.year, notice.opened_on, notice.ends_on, notice.opened_by, notice.status) == (
        YEAR, dt.date(2025, 9, 29), dt.date(2025, 10, 13), "admin", "open")
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "notice_open")).one()
    assert (entry.actor, entry.entity, entry.entity_id) == ("admin", "notice", str(notice.id))
    assert json.loads(entry.after)["ends_on"] == "2025-10-13"
    listed = notice_list(engine=engine)
    assert listed[["year", "status", "objections", "open_objections"]].values.tolist() == [[YEAR, "open", 0, 0]]


def test_opening_is_refused_for_a_past_end_a_second_notice_another_role_or_an_empty_year(engine, people):
    with pytest.raises(NoticeError, match="must be after today"):
        open_notice(engine=engine, by=people["admin"], year=YEAR, ends_on=TODAY)
    for role in ("staff", "town", "one"):
        with pytest.raises(AccessDenied):
            open_notice(engine=engine, by=people[role], year=YEAR, ends_on=TODAY + DAY)
    with pytest.raises(NoticeError, match="nothing to put under notice"):
        open_notice(engine=engine, by=people["admin"], year=2019, ends_on=TODAY + DAY)
    running_notice(engine)
    with pytest.raises(NoticeError, match="already has a notice") as refused:
        open_notice(engine=engine, by=people["admin"], year=YEAR, ends_on=TODAY + 9 * DAY)
    assert "已有公示" in str(refused.value)
    assert count(engine, Notice) == 1


def test_a_cancelled_notice_makes_room_for_a_new_one(engine, people):
    first = running_notice(engine)
    with pytest.raises(AccessDenied):
        cancel_notice(engine=engine, by=people["staff"], notice_id=first.id)
    cancel_notice(engine=engine, by=people["admin"], notice_id=first.id)
    second = running_notice(engine, ends=TODAY + 5 * DAY)
    assert notice_list(engine=engine)["status"].tolist() == ["open", "cancelled"]
    assert second.id != first.id and "notice_cancel" in audit_actions(engine)
    with pytest.raises(NoticeError):
        cancel_notice(engine=engine, by=people["admin"], notice_id=first.id)


def test_the_public_sees_the_year_under_notice_and_until_when_without_accounts(engine, people):
    running_notice(engine)
    shown = public_notices(engine=engine)
    assert shown.to_dict("records") == [{"year": YEAR, "opened_on": TODAY - 2 * DAY, "ends_on": TODAY + 3 * DAY,
                                         "running": True}]
    assert public_notices(engine=engine, today=TODAY + 4 * DAY)["running"].tolist() == [False]


# --- objections ------------------------------------------------------------------------------------------------

def test_an_agency_objects_during_the_notice_and_staff_uphold_it_withdrawing_the_finding(engine, people):
    notice = running_notice(engine)
    assert total_of(engine, 1) == 85
    mine = objectable_findings(engine=engine, user=people["one"])
    assert set(mine["credit_code"]) == {credit_code(1)} and sorted(mine["clause"]) == ["2.1", "3.4"]
    target = int(mine[mine["clause"] == "2.1"]["id"].iloc[0])
    objection = file_objection(engine=engine, user=people["one"], finding_id=target, text="该次检查我方已整改，不应扣分")
    assert (objection.status, objection.channel, objection.filed_by, objection.notice_id) == (
        "open", "account", "agency.one", notice.id)
    assert target not in objectable_findings(engine=engine, user=people["one"])["id"].tolist()  # objected already
    resolved = resolve_objection(engine=engine, user=people["staff"], objection_id=objection.id, uphold=True,
                                 reason="经复核，整改记录属实，撤销该扣分")
    assert (resolved.status, resolved.finding_action, resolved.resolved_by) == ("upheld", "withdrawn", "staff")
    assert total_of(engine, 1) == 95  # the draft rating no longer counts the withdrawn finding
    with Session(engine) as session:
        finding = session.get(Finding, target)
    assert finding.withdrawn_by == "staff" and finding.withdrawal_reason == "经复核，整改记录属实，撤销该扣分"
    seen = own_objections(engine=engine, user=people["one"])
    assert seen[["finding_id", "status", "reason", "finding_action"]].values.tolist() == [
        [target, "upheld", "经复核，整改记录属实，撤销该扣分", "withdrawn"]]
    assert "resolved_by" not in seen.columns  # the agency does not see staff accounts
    assert audit_actions(engine)[-3:] == ["objection", "finding_withdraw", "objection_resolve"]


def test_an_agency_cannot_object_to_another_agencys_finding_nor_see_its_objections(engine, people):
    running_notice(engine)
    theirs = int(objectable_findings(engine=engine, user=people["three"])["id"].iloc[0])
    with pytest.raises(AccessDenied, match="no such finding"):
        file_objection(engine=engine, user=people["one"], finding_id=theirs, text="不是我的")
    file_objection(engine=engine, user=people["three"], finding_id=theirs, text="我方异议")
    assert own_objections(engine=engine, user=people["one"]).empty
    assert len(own_objections(engine=engine, user=people["three"])) == 1
    with pytest.raises(AccessDenied):
        objections(engine=engine, user=people["one"])
    with pytest.raises(AccessDenied):
        file_objection(engine=engine, user=people["staff"], finding_id=theirs, text="工作人员不用账号提异议")
    assert count(engine, Objection) == 1


def test_an_agency_may_object_until_the_end_date_and_not_after(engine, people):
    notice = running_notice(engine)
    target = int(objectable_findings(engine=engine, user=people["one"])["id"].iloc[0])
    with pytest.raises(NoticeError, match="within the notice") as late:
        file_objection(engine=engine, user=people["one"], finding_id=target, text="迟到的异议",
                       today=notice.ends_on + DAY)
    assert "公示期内" in str(late.value)
    assert objectable_findings(engine=engine, user=people["one"], today=notice.ends_on + DAY).empty
    on_the_last_day = file_objection(engine=engine, user=people["one"], finding_id=target, text="最后一天",
                                     today=notice.ends_on)
    assert on_the_last_day.filed_on == notice.ends_on


def test_no_objection_without_a_notice_or_twice_to_one_finding(engine, people):
    target = int(findings_under_notice_or_all(engine, people))
    with pytest.raises(NoticeError, match="not under notice"):
        file_objection(engine=engine, user=people["one"], finding_id=target, text="没有公示")
    running_notice(engine)
    file_objection(engine=engine, user=people["one"], finding_id=target, text="第一次")
    with pytest.raises(RecordError, match="already has an open objection"):
        file_objection(engine=engine, user=people["one"], finding_id=target, text="第二次")
    with pytest.raises(RecordError, match="objection is required"):
        record_letter(engine=engine, user=people["staff"], finding_id=target, text="  ", received_on=TODAY)


def findings_under_notice_or_all(engine, people) -> int:
    """The id of agency 1's 2.1 finding (read directly: no notice is open yet)."""
    with Session(engine) as session:
        return session.exec(select(Finding.id).where(Finding.agency_id == _agency_id(session, 1),
                                                     Finding.clause == "2.1")).one()


def test_staff_record_a_letter_received_within_the_notice_even_after_it_ended(engine, people):
    notice = ended_notice(engine, YEAR)  # opened eight days ago, ended yesterday
    choices = findings_under_notice(engine=engine, user=people["staff"])
    target = int(choices[choices["credit_code"] == credit_code(3)]["id"].iloc[0])
    with pytest.raises(NoticeError, match="within the notice"):
        record_letter(engine=engine, user=people["staff"], finding_id=target, text="来信", received_on=TODAY)
    with pytest.raises(RecordError, match="after today"):
        record_letter(engine=engine, user=people["staff"], finding_id=target, text="来信", received_on=TODAY + DAY)
    with pytest.raises(AccessDenied):
        record_letter(engine=engine, user=people["town"], finding_id=target, text="来信",
                      received_on=notice.ends_on)
    letter = record_letter(engine=engine, user=people["staff"], finding_id=target, text="来信称该项已整改",
                           received_on=notice.ends_on)
    assert (letter.channel, letter.filed_by, letter.filed_on, letter.credit_code) == (
        "letter", "staff", notice.ends_on, credit_code(3))
    assert own_objections(engine=engine, user=people["three"])["status"].tolist() == ["open"]


def test_a_rejection_needs_a_reason_and_keeps_the_finding(engine, people):
    running_notice(engine)
    target = int(objectable_findings(engine=engine, user=people["one"])["id"].iloc[0])
    objection = file_objection(engine=engine, user=people["one"], finding_id=target, text="不同意")
    for blank in ("", "   "):
        with pytest.raises(RecordError, match="reason is required"):
            resolve_objection(engine=engine, user=people["staff"], objection_id=objection.id, uphold=False,
                              reason=blank)
    with pytest.raises(AccessDenied):
        resolve_objection(engine=engine, user=people["town"], objection_id=objection.id, uphold=False, reason="x")
    resolve_objection(engine=engine, user=people["staff"], objection_id=objection.id, uphold=False,
                      reason="检查记录与照片一致，维持扣分")
    assert total_of(engine, 1) == 85
    assert own_objections(engine=engine, user=people["one"])[["status", "reason", "finding_action"]].values.tolist() \
        == [["rejected", "检查记录与照片一致，维持扣分", ""]]
    with pytest.raises(RecordError, match="no open objection"):
        resolve_objection(engine=engine, user=people["staff"], objection_id=objection.id, uphold=True, reason="再议")
    staff_view = objections(engine=engine, user=people["staff"])
    assert staff_view[["credit_code", "status", "resolved_by"]].values.tolist() == [
        [credit_code(1), "rejected", "staff"]]


def test_withdrawing_a_finding_directly_is_bureau_staff_only_audited_and_once(engine, people):
    target = findings_under_notice_or_all(engine, people)
    with pytest.raises(AccessDenied):
        withdraw_finding(engine=engine, user=people["town"], finding_id=target, reason="x")
    with pytest.raises(RecordError, match="reason is required"):
        withdraw_finding(engine=engine, user=people["staff"], finding_id=target, reason=" ")
    withdraw_finding(engine=engine, user=people["admin"], finding_id=target, reason="录入错误")
    with pytest.raises(RecordError, match="withdrawn already"):
        withdraw_finding(engine=engine, user=people["staff"], finding_id=target, reason="再次")
    assert total_of(engine, 1) == 95 and audit_actions(engine).count("finding_withdraw") == 1


# --- publishing through the notice -----------------------------------------------------------------------------

def test_publishing_waits_for_the_end_and_for_every_objection_then_spends_the_notice(engine, people):
    with pytest.raises(NoticeError, match="must be put under notice first"):
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    running = running_notice(engine)
    with pytest.raises(NoticeError, match="under notice until") as during:
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert "正在公示" in str(during.value)
    cancel_notice(engine=engine, by=people["admin"], notice_id=running.id)
    notice = ended_notice(engine, YEAR)
    target = int(findings_under_notice(engine=engine, user=people["staff"])["id"].iloc[0])
    letter = record_letter(engine=engine, user=people["staff"], finding_id=target, text="来信",
                           received_on=notice.ends_on)
    with pytest.raises(NoticeError, match="1 unresolved objection") as open_one:
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert "异议未处理" in str(open_one.value) and count(engine, Publication) == 0
    resolve_objection(engine=engine, user=people["staff"], objection_id=letter.id, uphold=False, reason="维持")
    v1 = publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    with Session(engine) as session:
        spent = session.get(Notice, notice.id)
    assert (spent.status, spent.publication_id, spent.closed_by) == ("published", v1.id, "admin.zhou")
    assert audit_actions(engine)[-2:] == ["notice_close", "publish"]
    # A correction needs a notice of its own.
    with pytest.raises(NoticeError, match="a correction of 2025 must be put under notice first"):
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="更正")
    v2 = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="更正")
    assert v2.version == 2


def test_a_refusal_is_a_credit_board_error_with_both_languages(engine, people):
    running_notice(engine)
    with pytest.raises(CreditBoardError) as refused:
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert refused.value.message_zh and refused.value.message_en


def test_a_finding_recorded_after_the_notice_opened_needs_a_new_notice(engine, people):
    from tests.builders import finding
    from tests.db.publishing import load

    notice = ended_notice(engine, YEAR)
    load(engine, [finding(1, "3.1", period="Q3")])  # recorded now: after the notice opened
    with pytest.raises(NoticeError, match="1 finding of 2025 was recorded after the notice opened") as late:
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert "公示开启后又记录" in str(late.value) and count(engine, Publication) == 0
    with Session(engine) as session:  # withdrawing it (it helps the agency) needs no new notice
        late_id = session.exec(select(Finding.id).where(Finding.clause == "3.1")).one()
    withdraw_finding(engine=engine, user=people["staff"], finding_id=late_id, reason="误录")
    assert publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou")).version == 1
    with Session(engine) as session:
        assert session.get(Notice, notice.id).status == "published"
