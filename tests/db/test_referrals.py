"""Referrals (上报): a town refers 1.x conduct, the bureau confirms (its own 1.x finding, in the year's draft) or
dismisses with a reason within the working-day deadline; the town sees the outcome; every refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, func, select

from db.accounts.roles import AccessDenied
from db.publishing.rating import rate_year
from db.store.models import AuditEntry, Finding, Referral
from db.supervision.referrals import (
    ReferralError,
    ReferralInput,
    confirm_referral,
    dismiss_referral,
    due_day,
    overdue_referrals,
    refer,
    referral_list,
)
from tests.builders import OPERATOR, OTHER_ACCOUNT_TOWN, make_staff, make_user, with_wrong_check_digit
from tests.db.supervision_records import AGENCY, AGENCY_NAME, DAY, TODAY, store_supervision_records

pytestmark = pytest.mark.usefixtures("fast_argon2")
MATTER = ReferralInput(credit_code=AGENCY, clause="1.3", date=DAY, facts="代替企业编制不符合实际的操作规程",
                       evidence="检查记录及企业操作规程复印件")


@pytest.fixture
def staff(engine):
    store_supervision_records(engine)
    users = make_staff(engine)
    users["other_town"] = make_user(engine, "town2", "town_staff", OTHER_ACCOUNT_TOWN)
    return users


@pytest.fixture
def referred(engine, staff) -> int:
    return refer(engine=engine, user=staff["town"], item=MATTER, today=TODAY)["id"]


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_town_refers_and_the_bureau_confirms_a_1x_finding_of_its_own(engine, staff, referred):
    stored = confirm_referral(engine=engine, user=staff["staff"], referral_id=referred)
    with Session(engine) as session:
        finding = session.get(Finding, stored["finding_id"])
        actions = [a.action for a in session.exec(select(AuditEntry)).all()]
    assert stored["state"] == "confirmed" and stored["decided_by"] == "staff"
    assert (finding.clause, finding.assessor, finding.period, finding.year, finding.date) == (
        "1.3", "bureau", "Y", 2025, DAY)
    assert {"referral", "finding", "referral_confirmed"} <= set(actions)
    draft = rate_year(engine=engine, year=2025).table.set_index("credit_code")
    assert draft.loc[AGENCY, "blacklist_clauses"] == "1.3" and draft.loc[AGENCY, "grade"] == "BLACKLIST"
    seen = referral_list(engine=engine, user=staff["town"], today=TODAY)
    assert seen[["state", "finding_id"]].values.tolist() == [["confirmed", stored["finding_id"]]]


def test_the_bureau_dismisses_with_a_reason_the_town_reads(engine, staff, referred):
    with pytest.raises(ReferralError):
        dismiss_referral(engine=engine, user=staff["staff"], referral_id=referred, reason="   ")
    dismiss_referral(engine=engine, user=staff["admin"], referral_id=referred, reason="规程系企业自行编制，证据不足")
    seen = referral_list(engine=engine, user=staff["town"], today=TODAY).iloc[0]
    assert (seen["state"], seen["reason"], seen["finding_id"]) == ("dismissed", "规程系企业自行编制，证据不足", None)
    assert _count(engine, Finding) == 0


@pytest.mark.parametrize("first, second", [("confirm", "confirm"), ("confirm", "dismiss"), ("dismiss", "confirm"),
                                           ("dismiss", "dismiss")])
def test_a_referral_is_decided_once(engine, staff, referred, first, second):
    def decide(how):
        if how == "confirm":
            return confirm_referral(engine=engine, user=staff["staff"], referral_id=referred)
        return dismiss_referral(engine=engine, user=staff["staff"], referral_id=referred, reason="不属实")
    decide(first)
    with pytest.raises(ReferralError):
        decide(second)
    assert _count(engine, Finding) == (first == "confirm")


@pytest.mark.parametrize("who", ["town", "other_town"])
def test_a_town_never_decides_a_referral(engine, staff, referred, who):
    with pytest.raises(AccessDenied):
        confirm_referral(engine=engine, user=staff[who], referral_id=referred)
    with pytest.raises(AccessDenied):
        dismiss_referral(engine=engine, user=staff[who], referral_id=referred, reason="x")
    assert _count(engine, Finding) == 0


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_only_a_town_refers(engine, staff, who):
    with pytest.raises(AccessDenied):
        refer(engine=engine, user=staff[who], item=MATTER, today=TODAY)
    assert _count(engine, Referral) == 0


@pytest.mark.parametrize("change", [{"clause": "2.1"}, {"clause": "9.9"}, {"facts": " "},
                                    {"credit_code": with_wrong_check_digit(AGENCY)}, {"date": TODAY.replace(day=22)}])
def test_a_refused_referral_writes_nothing(engine, staff, change):
    item = ReferralInput(**{**MATTER.__dict__, **change})
    with pytest.raises(ReferralError):
        refer(engine=engine, user=staff["town"], item=item, today=TODAY)
    assert _count(engine, Referral) == 0


def test_an_unknown_referral_is_refused(engine, staff):
    with pytest.raises(ReferralError):
        confirm_referral(engine=engine, user=staff["staff"], referral_id=999)


def test_a_town_sees_only_its_own_referrals(engine, staff, referred):
    assert referral_list(engine=engine, user=staff["other_town"], today=TODAY).empty
    listed = referral_list(engine=engine, user=staff["staff"], today=TODAY)
    assert listed[["id", "agency_name"]].values.tolist() == [[referred, AGENCY_NAME]]


def test_an_undecided_referral_past_its_working_days_is_overdue(engine, staff, referred, monkeypatch):
    due = due_day(TODAY)
    assert due == dt.date(2025, 6, 5)  # ten working days after 21 May 2025: 31 May–2 June is the Dragon Boat holiday
    assert overdue_referrals(engine=engine, user=staff["staff"], today=due).empty
    late = overdue_referrals(engine=engine, user=staff["staff"], today=due + dt.timedelta(days=1))
    assert late["id"].tolist() == [referred] and bool(late.iloc[0]["overdue"])
    monkeypatch.setenv("REFERRAL_WORKING_DAYS", "20")
    from db.store.settings import forget_settings
    forget_settings()
    assert overdue_referrals(engine=engine, user=staff["staff"], today=due + dt.timedelta(days=1)).empty
    confirm_referral(engine=engine, user=staff["staff"], referral_id=referred)
    assert overdue_referrals(engine=engine, user=staff["staff"], today=dt.date(2025, 12, 31)).empty


def test_the_command_line_refers_for_a_named_town_and_decides_for_the_bureau(engine, staff):
    with pytest.raises(AccessDenied):
        refer(engine=engine, user=OPERATOR, item=MATTER, today=TODAY)
    with pytest.raises(AccessDenied):
        refer(engine=engine, user=staff["town"], item=MATTER, today=TODAY, town=OTHER_ACCOUNT_TOWN)
    stored = refer(engine=engine, user=OPERATOR, item=MATTER, today=TODAY, town=OTHER_ACCOUNT_TOWN)
    assert stored["town"] == OTHER_ACCOUNT_TOWN
    confirmed = confirm_referral(engine=engine, user=OPERATOR, referral_id=stored["id"])
    with Session(engine) as session:
        assert session.get(Finding, confirmed["finding_id"]).assessor == "bureau"
