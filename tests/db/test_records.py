"""Findings and interviews recorded one at a time by signed-in staff: who may record what, and what is stored."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace

import pytest
from sqlmodel import Session, select

from core.rulebook import RULEBOOK_DIR, parse_rulebook
from db.accounts import users
from db.accounts.roles import AccessDenied
from db.findings import recording as records
from db.findings.recording import RecordError, record_finding, record_interview, suggest_interview_clause
from db.store.models import AuditEntry, Finding, Interview
from tests.builders import ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN, make_staff

pytestmark = pytest.mark.usefixtures("fast_argon2")

CODE = "91320281MA1MA1234K"
CODE2 = "91320281MA2MB5678M"


@pytest.fixture
def staff(engine):
    return make_staff(engine)


def _rows(engine, table):
    with Session(engine) as s:
        return list(s.exec(select(table)).all())


def test_town_staff_records_for_their_own_town_with_the_period_from_the_date(engine, staff):
    stored = record_finding(engine=engine, user=staff["town"], credit_code=CODE.lower(), agency_name="江阴安信评价有限公司",
                            clause="3.3", date=dt.date(2025, 5, 12), description="合同未签订", document_no="璜安〔2025〕7号")
    assert (stored["assessor"], stored["period"], stored["year"]) == (ACCOUNT_TOWN, "Q2", 2025)
    assert stored["credit_code"] == CODE
    [row] = _rows(engine, Finding)
    assert (row.assessor, row.period, row.clause, row.recorded_by) == (ACCOUNT_TOWN, "Q2", "3.3", "town")
    assert row.description == "合同未签订"


def test_town_staff_cannot_record_for_another_town_and_nothing_is_stored(engine, staff):
    with pytest.raises(AccessDenied):
        record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.3",
                       date=dt.date(2025, 5, 12), assessor=OTHER_ACCOUNT_TOWN)
    with pytest.raises(AccessDenied):
        record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.3",
                       date=dt.date(2025, 5, 12), assessor="市应急管理局")
    assert _rows(engine, Finding) == []
    assert [e.action for e in _rows(engine, AuditEntry)] == ["user_create"] * 3


def test_a_town_session_that_claims_another_town_is_checked_against_the_database(engine, staff):
    forged = replace(staff["town"], town=OTHER_ACCOUNT_TOWN)
    stored = record_finding(engine=engine, user=forged, credit_code=CODE, agency_name="甲", clause="3.3",
                            date=dt.date(2025, 5, 12))
    assert stored["assessor"] == ACCOUNT_TOWN
    forged_role = replace(staff["town"], role="bureau_admin")
    with pytest.raises(AccessDenied):
        record_interview(engine=engine, user=forged_role, credit_code=CODE, date=dt.date(2025, 5, 1))


def test_bureau_staff_record_for_the_bureau_in_its_year_period(engine, staff):
    stored = record_finding(engine=engine, user=staff["staff"], credit_code=CODE, agency_name="甲", clause="2.5",
                            date=dt.date(2025, 11, 3))
    assert (stored["assessor"], stored["period"], stored["year"]) == ("bureau", "Y", 2025)
    with pytest.raises(AccessDenied):
        record_finding(engine=engine, user=staff["admin"], credit_code=CODE, clause="2.5",
                       date=dt.date(2025, 11, 3), assessor=ACCOUNT_TOWN)


def test_a_bureau_finding_dated_in_the_first_quarter_counts_in_the_year_of_its_date(engine, staff):
    # docs/scoring.md: the year defaults to the year of the date; only a town's year-end period reaches back a year.
    stored = record_finding(engine=engine, user=staff["staff"], credit_code=CODE, agency_name="甲", clause="2.5",
                            date=dt.date(2026, 2, 10))
    assert (stored["period"], stored["year"]) == ("Y", 2026)
    assert records.period_for(assessor="bureau", date=dt.date(2026, 3, 31)) == ("Y", 2026)
    assert records.period_for(assessor="bureau", date=dt.date(2026, 3, 31), year=2025) == ("Y", 2025)


def test_a_year_end_finding_may_be_dated_in_the_first_quarter_of_the_next_year(engine, staff):
    stored = record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.1",
                            date=dt.date(2026, 2, 10), period="年底", year=2025)
    assert (stored["period"], stored["year"]) == ("YE", 2025)
    assert records.period_for(assessor=ACCOUNT_TOWN, date=dt.date(2026, 2, 10), period="YE") == ("YE", 2025)
    assert records.period_for(assessor=ACCOUNT_TOWN, date=dt.date(2025, 12, 20), period="YE") == ("YE", 2025)
    assert records.period_for(assessor=ACCOUNT_TOWN, date=dt.date(2026, 2, 10)) == ("Q1", 2026)


def test_a_date_outside_the_given_period_is_refused(engine, staff):
    with pytest.raises(RecordError):
        record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.1",
                       date=dt.date(2025, 5, 10), period="Q1")
    with pytest.raises(RecordError):
        record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.1",
                       date=dt.date(2025, 5, 10), period="Y")
    assert _rows(engine, Finding) == []


def test_an_unknown_clause_a_bad_credit_code_or_a_new_agency_without_name_is_refused(engine, staff):
    for kwargs in [dict(credit_code=CODE, agency_name="甲", clause="4.1"),
                   dict(credit_code=CODE[:-1] + "0", agency_name="甲", clause="3.1"),
                   dict(credit_code=CODE, clause="3.1")]:
        with pytest.raises(RecordError):
            record_finding(engine=engine, user=staff["staff"], date=dt.date(2025, 3, 1), **kwargs)
    assert _rows(engine, Finding) == []


def test_signed_out_or_deactivated_users_record_nothing(engine, staff):
    with pytest.raises(AccessDenied):
        record_finding(engine=engine, user=None, credit_code=CODE, agency_name="甲", clause="3.1",
                       date=dt.date(2025, 3, 1))
    users.deactivate(engine=engine, username="town", by=staff["admin"])
    with pytest.raises(AccessDenied):
        record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.1",
                       date=dt.date(2025, 3, 1))
    assert _rows(engine, Finding) == []


def test_only_bureau_roles_record_interviews(engine, staff):
    with pytest.raises(AccessDenied):
        record_interview(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", date=dt.date(2025, 3, 1))
    stored = record_interview(engine=engine, user=staff["staff"], credit_code=CODE, agency_name="甲",
                              date=dt.date(2025, 3, 1), notes="约谈主要负责人")
    assert stored["count_in_year"] == 1
    assert len(_rows(engine, Interview)) == 1


def test_the_interview_count_of_the_year_suggests_the_repeat_clause(engine, staff):
    expected = [None, "3.8", "2.7", "1.8", "1.8"]
    assert suggest_interview_clause(engine=engine, credit_code=CODE, year=2025) is None
    for n in range(1, 5):
        record_interview(engine=engine, user=staff["admin"], credit_code=CODE, agency_name="甲",
                         date=dt.date(2025, n, 15))
        assert suggest_interview_clause(engine=engine, credit_code=CODE, year=2025) == expected[n]
    # Interviews of another year or another agency do not count.
    record_interview(engine=engine, user=staff["admin"], credit_code=CODE2, agency_name="乙", date=dt.date(2024, 6, 1))
    assert suggest_interview_clause(engine=engine, credit_code=CODE2, year=2025) is None
    assert suggest_interview_clause(engine=engine, credit_code=CODE, year=2024) is None


def test_the_suggested_clause_follows_the_rulebook_ladder(engine, staff):
    raw = tomllib.loads((RULEBOOK_DIR / "jiangyin-2020.toml").read_text(encoding="utf-8"))
    raw["interview_ladder"] = [{"interviews": 2, "clause": "3.9"}]
    book = parse_rulebook(raw)
    for n, expected in ((1, None), (2, "3.9"), (3, "3.9")):
        record_interview(engine=engine, user=staff["admin"], credit_code=CODE, agency_name="甲",
                         date=dt.date(2025, n, 15))
        assert suggest_interview_clause(engine=engine, credit_code=CODE, year=2025, rulebook=book) == expected


def test_every_finding_and_interview_is_audited_with_its_author(engine, staff):
    f = record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.3",
                       date=dt.date(2025, 5, 12))
    i = record_interview(engine=engine, user=staff["staff"], credit_code=CODE, date=dt.date(2025, 6, 1))
    entries = [e for e in _rows(engine, AuditEntry) if e.action in ("finding", "interview")]
    assert [(e.action, e.actor, e.entity_id) for e in entries] == [
        ("finding", "town", str(f["id"])), ("interview", "staff", str(i["id"]))]


def test_recent_findings_show_a_town_only_its_own(engine, staff):
    record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="甲", clause="3.3",
                   date=dt.date(2025, 5, 12))
    record_finding(engine=engine, user=staff["staff"], credit_code=CODE, clause="2.5", date=dt.date(2025, 5, 13))
    assert records.recent_findings(engine=engine, user=staff["town"])["assessor"].tolist() == [ACCOUNT_TOWN]
    assert sorted(records.recent_findings(engine=engine, user=staff["admin"])["assessor"]) == ["bureau", ACCOUNT_TOWN]
    assert records.agency_choices(engine=engine)["credit_code"].tolist() == [CODE]
