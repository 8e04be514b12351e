"""Recording one finding or interview in the workspace: the town is fixed for town staff, the period follows the date."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from core.rulebook import load_rulebook
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.accounts.actor import Actor
from db.findings.recording import record_interview
from db.store.engine import transaction
from db.store.models import Finding, Interview, User
from tests.builders import ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN
from tests.dashboard.staff_helpers import check_no_exception, errors, open_page, shown_text, sign_in

CODE = "91320281MA1MA1234K"


def _new_agency(at, prefix: str, name: str = "江阴安信评价有限公司") -> None:
    at.selectbox(key=f"{prefix}_agency").select("__new__").run()
    at.text_input(key=f"{prefix}_new_code").input(CODE)
    at.text_input(key=f"{prefix}_new_name").input(name).run()


def _findings(engine) -> list[Finding]:
    with Session(engine) as s:
        return list(s.exec(select(Finding)).all())


def test_town_staff_record_for_their_own_town_with_the_period_from_the_date(staff_app, staff_db):
    sign_in(staff_app, "town")
    open_page(staff_app, "record_finding")
    assessor = staff_app.text_input(key="finding_assessor")
    assert (assessor.value, assessor.disabled) == (ACCOUNT_TOWN, True)
    _new_agency(staff_app, "finding")
    staff_app.date_input(key="finding_date").set_value(dt.date(2025, 5, 12))
    staff_app.selectbox(key="finding_clause").select("3.3").run()
    check_no_exception(staff_app)
    text = shown_text(staff_app)
    assert "记入 2025 年度 · 第二季度" in text
    # The clause picker shows the full text of the chosen clause.
    assert load_rulebook().clause("3.3").text_zh in text
    staff_app.text_area(key="finding_description").input("合同未签订（内部说明）")
    staff_app.button(key="finding_save").click().run()
    assert errors(staff_app) == []
    [finding] = _findings(staff_db)
    assert (finding.assessor, finding.period, finding.year, finding.recorded_by) == (ACCOUNT_TOWN, "Q2", 2025, "town")
    assert "合同未签订（内部说明）" in shown_text(staff_app)  # staff see the description in their recent list


def test_a_town_session_takes_its_town_from_the_account_in_the_database(staff_app, staff_db):
    sign_in(staff_app, "town")
    # The tab holds only a token: nothing in it can name a town. Moving the account moves the session.
    with transaction(staff_db) as s:
        s.exec(update(User).where(User.username == "town").values(town=OTHER_ACCOUNT_TOWN))
    open_page(staff_app, "record_finding")
    assert staff_app.text_input(key="finding_assessor").value == OTHER_ACCOUNT_TOWN
    _new_agency(staff_app, "finding")
    staff_app.date_input(key="finding_date").set_value(dt.date(2025, 8, 1))
    staff_app.selectbox(key="finding_clause").select("2.1").run()
    staff_app.button(key="finding_save").click().run()
    assert [f.assessor for f in _findings(staff_db)] == [OTHER_ACCOUNT_TOWN]


def test_a_date_outside_the_chosen_period_is_refused_with_a_message(staff_app, staff_db):
    sign_in(staff_app, "town")
    open_page(staff_app, "record_finding")
    _new_agency(staff_app, "finding")
    staff_app.date_input(key="finding_date").set_value(dt.date(2025, 5, 12))
    staff_app.selectbox(key="finding_period").select("Q1")
    staff_app.selectbox(key="finding_clause").select("3.3").run()
    staff_app.button(key="finding_save").click().run()
    assert errors(staff_app) and "第一季度" in errors(staff_app)[0]
    assert _findings(staff_db) == []


def test_after_two_interviews_the_finding_form_suggests_clause_2_7(staff_app, staff_db):
    sign_in(staff_app, "staff")
    open_page(staff_app, "record_interview")
    _new_agency(staff_app, "interview")
    staff_app.date_input(key="interview_date").set_value(dt.date(2025, 3, 1))
    staff_app.button(key="interview_save").click().run()
    check_no_exception(staff_app)
    assert fill(CATALOGUE["staff.interview_saved"][0], dict(agency="江阴安信评价有限公司", year=2025, n=1)) in shown_text(staff_app)
    record_interview(engine=staff_db, user=Actor.of({"username": "staff", "role": "bureau_staff"}), credit_code=CODE,
                     date=dt.date(2025, 6, 1))
    open_page(staff_app, "record_finding")
    staff_app.selectbox(key="finding_agency").select(CODE)
    staff_app.date_input(key="finding_date").set_value(dt.date(2025, 9, 1)).run()
    assert "**2.7**" in shown_text(staff_app)
    staff_app.button(key="finding_use_suggestion").click().run()
    assert staff_app.selectbox(key="finding_clause").value == "2.7"
    staff_app.button(key="finding_save").click().run()
    assert [(f.clause, f.assessor, f.period) for f in _findings(staff_db)] == [("2.7", "bureau", "Y")]


def test_a_saved_finding_empties_the_form_so_a_second_click_saves_nothing_more(staff_app, staff_db):
    sign_in(staff_app, "town")
    open_page(staff_app, "record_finding")
    _new_agency(staff_app, "finding")
    staff_app.date_input(key="finding_date").set_value(dt.date(2025, 5, 12))
    staff_app.selectbox(key="finding_clause").select("3.3")
    staff_app.text_input(key="finding_practitioner").input("张三")
    staff_app.text_area(key="finding_description").input("合同未签订")
    staff_app.text_input(key="finding_document_no").input("澄安监〔2025〕7号").run()
    staff_app.button(key="finding_save").click().run()
    check_no_exception(staff_app)
    assert [(f.clause, f.practitioner, f.document_no) for f in _findings(staff_db)] == [
        ("3.3", "张三", "澄安监〔2025〕7号")]
    saved = fill(CATALOGUE["staff.finding_saved"][0], dict(agency="江阴安信评价有限公司", clause="3.3", period="第二季度", year=2025))
    assert saved in [s.value for s in staff_app.success]
    assert staff_app.selectbox(key="finding_clause").value is None
    assert staff_app.selectbox(key="finding_clause").proto.set_value  # the browser's picker is emptied too
    assert [staff_app.text_input(key=k).value for k in ("finding_practitioner", "finding_document_no")] == ["", ""]
    assert staff_app.text_area(key="finding_description").value == ""
    assert staff_app.button(key="finding_save").disabled  # AppTest, like a browser, refuses to click it
    staff_app.run()
    assert len(_findings(staff_db)) == 1


def test_a_saved_interview_empties_the_form_so_a_second_click_saves_nothing_more(staff_app, staff_db):
    sign_in(staff_app, "staff")
    open_page(staff_app, "record_interview")
    _new_agency(staff_app, "interview")
    staff_app.date_input(key="interview_date").set_value(dt.date(2025, 3, 1))
    staff_app.text_area(key="interview_notes").input("约谈负责人").run()
    staff_app.button(key="interview_save").click().run()
    check_no_exception(staff_app)
    assert fill(CATALOGUE["staff.interview_saved"][0], dict(agency="江阴安信评价有限公司", year=2025, n=1)) in shown_text(staff_app)
    assert staff_app.text_area(key="interview_notes").value == ""
    assert staff_app.selectbox(key="interview_agency").value is None
    assert staff_app.button(key="interview_save").disabled
    staff_app.run()
    with Session(staff_db) as s:
        assert len(s.exec(select(Interview)).all()) == 1


@pytest.mark.parametrize(("lang", "shown", "hidden"), [("zh", "不在2025年度第一季度", "outside"),
                                                        ("en", "outside Q1 (Jan–Mar) of 2025", "第一季度")])
def test_a_refusal_shows_in_the_chosen_language_only(staff_app, staff_db, lang, shown, hidden):
    sign_in(staff_app, "town")
    staff_app.sidebar.radio[0].set_value(lang).run()
    open_page(staff_app, "record_finding")
    _new_agency(staff_app, "finding")
    staff_app.date_input(key="finding_date").set_value(dt.date(2025, 5, 12))
    staff_app.selectbox(key="finding_period").select("Q1")
    staff_app.selectbox(key="finding_clause").select("3.3").run()
    staff_app.button(key="finding_save").click().run()
    [refusal] = errors(staff_app)
    assert shown in refusal.replace("\\", "") and hidden not in refusal  # (Markdown escapes its brackets)
    assert _findings(staff_db) == []
