"""The 公示 and 异议 pages: the publish page's notice, the staff objections page, the agency's objection, the public mark."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from core import china_time
from dashboard.agency.session import AGENCY_PAGES
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.accounts.actor import Actor
from db.findings.recording import record_finding
from db.publishing.notice import open_notice
from db.publishing.objections import file_objection
from db.store.models import Finding, Notice, Objection
from tests.builders import MINE, NAMES, THEIRS, make_agencies, make_agency_user
from tests.dashboard.staff_helpers import (
    APP,
    TIMEOUT,
    check_no_exception,
    open_page,
    placeholders,
    reachable,
    shown_text,
    sign_in,
)

YEAR = 2025
TODAY = china_time.today()
THEIR_OBJECTION = "乙机构的异议内容（甲机构不应看到）"
ADMIN = Actor.of({"username": "admin", "role": "bureau_admin"})


@pytest.fixture
def year_db(staff_db):
    """Two agencies with an account each and one bureau finding each in 2025; nothing under notice yet."""
    make_agencies(staff_db)
    make_agency_user(staff_db, "jia", MINE)
    make_agency_user(staff_db, "yi", THEIRS)
    for code, day in ((MINE, 5), (THEIRS, 6)):
        record_finding(engine=staff_db, user=ADMIN, credit_code=code, clause="2.1", assessor="bureau",
                       date=dt.date(YEAR, 3, day), description=f"{NAMES[code]}的情况说明")
    return staff_db


@pytest.fixture
def noticed(year_db):
    """year_db with 2025 under notice since yesterday until three days from now."""
    open_notice(engine=year_db, by=Actor.operator("admin"), year=YEAR, ends_on=TODAY + dt.timedelta(days=3),
                today=TODAY - dt.timedelta(days=1))
    return year_db


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def finding_of(engine, code: str) -> int:
    from db.store.models import Agency

    with Session(engine) as session:
        return session.exec(select(Finding.id).join(Agency, Agency.id == Finding.agency_id)
                            .where(Agency.credit_code == code)).one()


def test_an_admin_opens_the_notice_on_the_publish_page_and_publishing_stays_off_until_it_ends(year_db):
    at = app()
    sign_in(at, "admin")
    open_page(at, "publish")
    check_no_exception(at)
    assert fill(CATALOGUE["staff.notice_none"][0], dict(year=YEAR)) in shown_text(at)
    assert at.button(key="publish_go").disabled
    assert any("须先公示" in w.value for w in at.warning)
    at.date_input(key=f"notice_ends_{YEAR}").set_value(TODAY + dt.timedelta(days=4)).run()
    at.button(key="notice_open").click().run()
    check_no_exception(at)
    with Session(year_db) as session:
        notice = session.exec(select(Notice)).one()
    assert (notice.year, notice.ends_on, notice.opened_by) == (YEAR, TODAY + dt.timedelta(days=4), "admin")
    text = shown_text(at)
    assert fill(CATALOGUE["staff.notice_opened"][0], dict(ends_on=notice.ends_on)) in text
    assert fill(CATALOGUE["staff.notice_running"][0], dict(year=YEAR, opened_on=TODAY, ends_on=notice.ends_on, total=0,
                                              open=0)) in text
    at.checkbox(key="publish_confirm").check().run()
    assert at.button(key="publish_go").disabled and any("正在公示" in w.value for w in at.warning)


def test_staff_see_an_agencys_objection_and_reject_it_with_a_reason_the_agency_then_reads(noticed):
    file_objection(engine=noticed, user=Actor.of({"username": "jia", "role": "agency"}),
                   finding_id=finding_of(noticed, MINE),
                   text="我方对该扣分有异议")
    at = app()
    sign_in(at, "staff")
    open_page(at, "objections")
    check_no_exception(at)
    assert "我方对该扣分有异议" in shown_text(at)
    [objection_id] = [int(b.key.rsplit("_", 1)[1]) for b in at.button if b.key.startswith("objection_reject_")]
    at.button(key=f"objection_reject_{objection_id}").click().run()
    assert any("reason is required" in e.value or "处理理由" in e.value for e in at.error)  # no reason: refused
    at.text_area(key=f"objection_reason_{objection_id}").input("检查记录属实，维持扣分").run()
    at.button(key=f"objection_reject_{objection_id}").click().run()
    check_no_exception(at)
    assert CATALOGUE["staff.objection_rejected"][0] in shown_text(at)
    with Session(noticed) as session:
        assert session.get(Objection, objection_id).status == "rejected"

    agency = app()
    sign_in(agency, "jia")
    agency.switch_page(AGENCY_PAGES["findings"][0]).run()
    text = shown_text(agency)
    assert "检查记录属实，维持扣分" in text and CATALOGUE["common.objection_rejected"][0] in text


@pytest.mark.parametrize("lang", [0, 1])
def test_the_letter_picker_asks_in_the_visitors_language(noticed, lang):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = ("zh", "en")[lang]
    at.run()
    sign_in(at, "staff")
    open_page(at, "objections")
    check_no_exception(at)
    assert placeholders(at)["letter_finding"] == CATALOGUE["common.choose"][lang]


def test_staff_record_a_letter_and_uphold_it_which_withdraws_the_finding(noticed):
    at = app()
    sign_in(at, "staff")
    open_page(at, "objections")
    theirs = finding_of(noticed, THEIRS)
    at.selectbox(key="letter_finding").select(theirs).run()
    at.text_area(key="letter_text").input("来信：该项已整改").run()
    at.button(key="letter_save").click().run()
    check_no_exception(at)
    assert CATALOGUE["staff.letter_recorded"][0] in shown_text(at)
    [objection_id] = [int(b.key.rsplit("_", 1)[1]) for b in at.button if b.key.startswith("objection_uphold_")]
    at.text_area(key=f"objection_reason_{objection_id}").input("整改材料属实").run()
    at.button(key=f"objection_uphold_{objection_id}").click().run()
    check_no_exception(at)
    with Session(noticed) as session:
        assert session.get(Finding, theirs).withdrawn_by == "staff"
        assert session.get(Objection, objection_id).channel == "letter"


def test_an_agency_objects_from_its_findings_page_and_sees_only_its_own_objections(noticed):
    file_objection(engine=noticed, user=Actor.of({"username": "yi", "role": "agency"}),
                   finding_id=finding_of(noticed, THEIRS),
                   text=THEIR_OBJECTION)
    at = app()
    sign_in(at, "jia")
    at.switch_page(AGENCY_PAGES["findings"][0]).run()
    check_no_exception(at)
    ends = TODAY + dt.timedelta(days=3)
    assert fill(CATALOGUE["agency.notice_open_for"][0], dict(year=YEAR, ends_on=ends)) in shown_text(at)
    mine = finding_of(noticed, MINE)
    at.text_area(key=f"objection_text_{mine}").input("该次检查我方人员在场，记录有误").run()
    at.button(key=f"objection_file_{mine}").click().run()
    check_no_exception(at)
    text = shown_text(at)
    assert CATALOGUE["agency.object_filed"][0] in text and "该次检查我方人员在场，记录有误" in text
    assert THEIR_OBJECTION not in text and THEIRS not in text
    assert [b for b in at.button if b.key == f"objection_file_{mine}"] == []  # objected: no second button


@pytest.mark.parametrize("who", [None, "jia", "town"])
def test_the_objections_page_does_not_exist_for_the_public_an_agency_or_a_town(noticed, who):
    at = app()
    if who:
        sign_in(at, who)
    assert "objections" not in reachable(at)


def test_the_public_sees_the_year_under_notice_with_its_deadline_and_draft_ratings(noticed):
    at = app()
    for page in ("overview", "ratings"):
        at.switch_page(PAGES[page][0]).run()
        check_no_exception(at)
        assert fill(CATALOGUE["public.notice_running"][0], dict(
            year=YEAR, opened_on=TODAY - dt.timedelta(days=1), ends_on=TODAY + dt.timedelta(days=3))) in shown_text(at)
        draft = at.dataframe[0].value
        assert set(draft[CATALOGUE["public.credit_code"][0]]) == {MINE, THEIRS}
        assert set(draft[CATALOGUE["common.total"][0]]) == {90}
        assert "情况说明" not in shown_text(at)  # never a finding's description
