"""The agency portal in the app: same sign-in, its own pages only, never a staff page or another agency's records."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import china_time
from core.rulebook import load_rulebook
from core.watch import report_due_dates
from dashboard.agency.session import AGENCY_PAGES, PAGE_TITLES
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.accounts.actor import Actor
from db.accounts.roles import ROLES
from db.accounts.users import authenticate, deactivate
from db.agency import filings
from db.agency.forms import records_csv
from db.findings.recording import record_finding
from tests.builders import MINE, NAMES, PASSWORD, THEIRS, credit_code, id_number, make_agencies, make_agency_user
from tests.dashboard.staff_helpers import APP, TIMEOUT, check_no_exception, open_page, reachable, shown_text, sign_in
from tests.scan_files import pdf

SECRET_DESCRIPTION = "乙机构的情况说明（不应出现在甲机构页面）"
THEIR_CONTRACT = "HT-THEIRS-9"
PDF = pdf()


@pytest.fixture
def portal(staff_db):
    """Two agencies with an account each; the other agency has a finding and a contract of its own."""
    make_agencies(staff_db)
    users = {"jia": make_agency_user(staff_db, "jia", MINE), "yi": make_agency_user(staff_db, "yi", THEIRS)}
    record_finding(engine=staff_db, user=Actor.of({"username": "admin", "role": "bureau_admin"}), credit_code=THEIRS,
                   agency_name=None, clause="2.1", assessor="bureau", date=dt.date(2026, 3, 5),
                   description=SECRET_DESCRIPTION)
    contract = {"credit_code": THEIRS, "client_code": credit_code(501), "client_name": "丙化工有限公司", "town": "华士",
                "contract_no": THEIR_CONTRACT, "signed_on": "2025-12-20", "start": "2026-01-01", "end": "2026-12-31",
                "visits_per_year": "12"}
    filings.file_records(engine=staff_db, user=users["yi"], kind="contracts",
                         content=records_csv("contracts", [contract]), file_name="c.csv")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def open_agency(at: AppTest, key: str) -> AppTest:
    return at.switch_page(AGENCY_PAGES[key][0]).run()


def agency_reachable(at: AppTest) -> set[str]:
    out = set()
    for key, (script, *_rest) in AGENCY_PAGES.items():
        try:
            at.switch_page(script)
        except ValueError:
            continue
        out.add(key)
    return out


def test_an_agency_signs_in_on_the_same_page_and_lands_on_its_own_workspace(portal):
    sign_in(portal, "jia")
    check_no_exception(portal)
    assert portal.title[0].value == CATALOGUE["agency.page_home"][0]
    assert NAMES[MINE] in shown_text(portal)
    assert reachable(portal) == set()  # no staff page exists in its session, by menu or by URL
    assert agency_reachable(portal) == set(AGENCY_PAGES)


def test_every_portal_page_renders_and_shows_nothing_of_another_agency(portal):
    sign_in(portal, "jia")
    for key in AGENCY_PAGES:
        open_agency(portal, key)
        check_no_exception(portal)
        assert portal.title[0].value == CATALOGUE[PAGE_TITLES[key]][0]
        shown = shown_text(portal)
        assert SECRET_DESCRIPTION not in shown and THEIR_CONTRACT not in shown and THEIRS not in shown


def test_the_other_agency_sees_its_own_finding_with_its_description(portal):
    sign_in(portal, "yi")
    open_agency(portal, "findings")
    assert SECRET_DESCRIPTION in shown_text(portal)
    open_agency(portal, "contracts")
    assert THEIR_CONTRACT in shown_text(portal)


@pytest.mark.parametrize("who", [None, "town", "staff", "admin"])
def test_no_visitor_and_no_staff_account_reaches_a_portal_page(portal, who):
    if who:
        sign_in(portal, who)
    assert agency_reachable(portal) == set()


@pytest.mark.parametrize("lang", [0, 1])
def test_a_staff_url_opened_by_an_agency_says_it_has_no_access_and_offers_the_portal(portal, lang):
    portal.sidebar.radio[0].set_value(("zh", "en")[lang]).run()
    sign_in(portal, "jia")
    portal.switch_page("dashboard/staff/pages/no_access.py").run()
    check_no_exception(portal)
    assert portal.title[0].value == CATALOGUE["staff.page_no_access"][lang]
    assert portal.warning[0].value == fill(CATALOGUE["staff.no_access"][lang], dict(role=ROLES["agency"][lang]))
    assert [link.proto.label for link in portal.get("page_link")] == [
        CATALOGUE[PAGE_TITLES[key]][lang] for key in AGENCY_PAGES]


def test_a_deactivated_agency_account_loses_the_portal_at_once(portal, staff_db):
    sign_in(portal, "jia")
    deactivate(engine=staff_db, username="jia", by=Actor.operator("test"))
    portal.run()
    assert agency_reachable(portal) == set()


def test_a_month_without_visits_is_filed_and_the_record_shows_it(portal):
    sign_in(portal, "jia")
    open_agency(portal, "monthly")
    portal.radio(key="monthly_how").set_value("none").run()
    next(b for b in portal.button if b.key == "monthly_file_none").click().run()
    check_no_exception(portal)
    assert portal.success and portal.success[0].value.startswith(fill(CATALOGUE["agency.filed"][0], dict(n=1)))
    open_agency(portal, "home")
    today = china_time.today()
    previous = (dt.date(today.year, today.month, 1) - dt.timedelta(days=1)).replace(day=1)  # the page's default
    months = portal.dataframe[0].value
    status = months.set_index(CATALOGUE["agency.month"][0]).loc[f"{previous.year}年{previous.month}月", CATALOGUE["common.status"][0]]
    if previous.year == today.year:  # the home page shows this year's months
        due = report_due_dates(pd.Series([pd.Timestamp(previous)]), load_rulebook().watch)["due"].iat[0]
        assert status == CATALOGUE["agency.status_on_time" if pd.Timestamp(today) <= due else "agency.status_late"][0]


def _said(at: AppTest) -> str:
    return " ".join(e.value for kind in ("success", "info", "warning", "caption") for e in getattr(at, kind))


def test_a_late_month_filed_says_how_late_and_no_longer_that_it_will_be_late(portal):
    # In Chinese here (the test harness formats a radio's choices in its own language); both in the browser test.
    lang = "zh"
    sign_in(portal, "jia")
    open_agency(portal, "monthly")
    today = china_time.today()
    month = (dt.date(today.year, today.month, 1) - dt.timedelta(days=40)).replace(day=1)  # two months back: due
    portal.selectbox(key="monthly_month").set_value(month).run()
    due = report_due_dates(pd.Series([pd.Timestamp(month)]), load_rulebook().watch)["due"].iat[0].date()
    will = fill(CATALOGUE["agency.will_be_late"][lang == "en"], dict(due=due.isoformat()))
    assert will in _said(portal)  # "no visits" is the form's first choice
    next(b for b in portal.button if b.key == "monthly_file_none").click().run()
    check_no_exception(portal)
    late = fill(CATALOGUE["agency.month_filed_late"][lang == "en"],
                dict(on=today.isoformat(), due=due.isoformat(), n=(today - due).days))
    assert late in portal.success[0].value  # the success line says it was late
    assert will not in _said(portal)
    open_agency(portal, "monthly")
    portal.selectbox(key="monthly_month").set_value(month).run()
    assert late in _said(portal) and will not in _said(portal)  # and so does the page, later


def test_an_unchanged_registry_says_nothing_changed_and_stores_nothing(portal, staff_db):
    from sqlmodel import Session, select

    from db.store.models import RegistryRecord

    sign_in(portal, "jia")
    open_agency(portal, "registry")
    portal.text_input(key="registry_office_address").input("澄江")
    portal.get("form_submit_button")[0].click().run()
    check_no_exception(portal)
    assert portal.success
    portal.get("form_submit_button")[0].click().run()  # the same again, as the form now shows it
    check_no_exception(portal)
    assert filings.Unchanged().message_zh in [i.value for i in portal.info] and not portal.error
    with Session(staff_db) as session:
        assert len(session.exec(select(RegistryRecord).where(RegistryRecord.credit_code == MINE)).all()) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_one_person_form_s_error_names_the_field(portal, lang):
    portal.query_params["lang"] = lang
    sign_in(portal, "jia")
    open_agency(portal, "practitioners")
    portal.text_input(key="join_name").input("王五")
    portal.text_input(key="join_id").input("12345")
    portal.get("form_submit_button")[0].click().run()
    check_no_exception(portal)
    shown = " ".join(e.value for e in portal.error) + " ".join(str(d.value) for d in portal.dataframe)
    shown = shown.replace("\\", "").replace("\u2060", "")  # Markdown-safe text read as words
    field = "身份证号" if lang == "zh" else "身份证号 / ID number"
    assert f"{field}{'：' if lang == 'zh' else ': '}" in shown
    assert "第2行" not in shown and "row 2" not in shown.lower()


def test_an_uploaded_file_with_another_agencys_row_is_refused_by_row_and_column(portal):
    sign_in(portal, "jia")
    open_agency(portal, "monthly")
    portal.radio(key="monthly_how").set_value("file").run()
    today = china_time.today()
    row = {"credit_code": THEIRS, "month": f"{today:%Y-%m}", "submitted_on": today.isoformat(),
           "client_code": credit_code(501), "client_name": "丙化工", "town": "华士", "visit_date": today.isoformat(),
           "practitioner": "张三", "hazards": "0", "written_advice": "是"}
    portal.file_uploader(key="monthly_upload").set_value(("附件2.csv", records_csv("visits", [row]), "text/csv")).run()
    next(b for b in portal.button if b.key == "monthly_file_upload").click().run()
    check_no_exception(portal)
    assert portal.error and "统一社会信用代码" in portal.error[0].value + shown_text(portal)


def test_a_scan_must_really_be_a_pdf_or_image_and_is_listed_once_saved(portal):
    sign_in(portal, "jia")
    open_agency(portal, "registry")
    portal.file_uploader(key="scan_upload").set_value(("承诺书.pdf", b"MZ not a pdf", "application/pdf")).run()
    next(b for b in portal.button if b.key == "scan_save").click().run()
    assert portal.error and not portal.success
    polyglot = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
    portal.file_uploader(key="scan_upload").set_value(("承诺书.png", polyglot, "image/png")).run()
    next(b for b in portal.button if b.key == "scan_save").click().run()
    assert not portal.success and "网页代码" in " ".join(e.value for e in portal.error)
    portal.file_uploader(key="scan_upload").set_value(("承诺书.pdf", PDF, "application/pdf")).run()
    next(b for b in portal.button if b.key == "scan_save").click().run()
    check_no_exception(portal)
    assert portal.success and "承诺书.pdf" in shown_text(portal)


def test_a_practitioner_joins_by_form_and_the_id_number_is_shown_only_masked(portal):
    sign_in(portal, "jia")
    open_agency(portal, "practitioners")
    number = id_number(42)
    portal.text_input(key="join_name").input("王五")
    portal.text_input(key="join_id").input(number)
    portal.get("form_submit_button")[0].click().run()
    check_no_exception(portal)
    assert portal.success
    open_agency(portal, "practitioners")
    shown = shown_text(portal)
    assert "****" + number[-4:] in shown and number not in shown


def test_specialties_read_in_english_under_the_english_switch(portal):
    portal.query_params["lang"] = "en"
    portal.run()
    sign_in(portal, "jia")
    open_agency(portal, "practitioners")
    portal.text_input(key="join_name").input("王五")
    portal.text_input(key="join_id").input(id_number(43))
    portal.selectbox(key="join_specialty").set_value("电气")
    assert portal.selectbox(key="join_specialty").options == ["Mechanical", "Electrical", "Chemical", "Fire safety",
                                                              "Other"]
    portal.get("form_submit_button")[0].click().run()
    check_no_exception(portal)
    open_agency(portal, "practitioners")
    people = portal.dataframe[0].value
    assert people[CATALOGUE["common.specialty"][1]].tolist() == ["Electrical"]


def test_a_bureau_admin_makes_an_agency_account_on_the_users_page(portal, staff_db):
    sign_in(portal, "admin")
    open_page(portal, "users")
    portal.text_input(key="new_user_name").input("jia2")
    portal.selectbox(key="new_user_role").set_value("agency")
    portal.text_input(key="new_user_credit_code").input(MINE)
    portal.text_input(key="new_user_password").input("a long enough password")
    portal.text_input(key="new_user_password_again").input("a long enough password")
    next(b for b in portal.get("form_submit_button") if b.label == CATALOGUE["staff.create"][0]).click().run()
    check_no_exception(portal)
    assert portal.success, [e.value for e in portal.error]
    assert MINE in shown_text(portal)


def test_an_agency_signs_out_back_to_the_sign_in_page_and_changes_its_own_password(portal, staff_db):
    sign_in(portal, "jia")
    portal.text_input(key="agency_current_password").input(PASSWORD)
    portal.text_input(key="agency_new_password").input("another long password")
    portal.text_input(key="agency_new_password_again").input("another long password")
    portal.get("form_submit_button")[0].click().run()
    check_no_exception(portal)
    assert portal.success and portal.success[0].value == CATALOGUE["staff.password_changed"][0]
    next(b for b in portal.button if b.key == "agency_sign_out").click().run()
    check_no_exception(portal)
    assert portal.title[0].value == CATALOGUE["staff.page_home_signed_out"][0]
    assert agency_reachable(portal) == set()
    assert authenticate(engine=staff_db, username="jia", password="another long password")


def test_bureau_staff_see_an_agency_s_scans_and_town_staff_have_no_such_page(staff_app, staff_db, portal):
    from db.agency import documents

    documents.file_document(engine=staff_db, user=Actor.of({"username": "jia", "role": "agency", "active": True}),
                            kind="commitment", file_name="承诺书.pdf", content=PDF)
    sign_in(staff_app, "staff")
    open_page(staff_app, "documents")
    check_no_exception(staff_app)
    assert staff_app.title[0].value == CATALOGUE["staff.page_documents"][0]
    box = staff_app.selectbox(key="doc_agency")
    assert len(box.options) == 1 and MINE in box.options[0]
    box.select_index(0).run()
    check_no_exception(staff_app)
    table = staff_app.dataframe[0].value
    assert table[CATALOGUE["common.file_name"][0]].tolist() == ["承诺书.pdf"]
    assert table[CATALOGUE["common.kind"][0]].tolist() == [CATALOGUE["common.scan_commitment"][0]]
    town = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    sign_in(town, "town")
    with pytest.raises(ValueError):  # the page does not exist in a town session
        open_page(town, "documents")


def test_staff_download_a_scan_under_its_safe_name_and_real_type(staff_app, staff_db, portal, monkeypatch):
    """The page hands st.download_button the safe name and the detected type; Streamlit serves a download button's
    file as `Content-Disposition: attachment` with that name (docs/agency-guide.md, "Agency scans")."""
    import streamlit as st

    from db.agency import documents
    from tests.scan_files import image

    documents.file_document(engine=staff_db, user=Actor.of({"username": "jia", "role": "agency", "active": True}),
                            kind="registry", file_name="附件1\u202egnp.exe", content=image("PNG"))
    offered = []
    real = st.download_button
    monkeypatch.setattr(st, "download_button", lambda *a, **kw: offered.append(kw) or real(*a, **kw))
    sign_in(staff_app, "staff")
    open_page(staff_app, "documents")
    staff_app.selectbox(key="doc_agency").select_index(0).run()
    check_no_exception(staff_app)
    assert [(kw["file_name"], kw["mime"]) for kw in offered] == [("附件1gnp_exe.png", "image/png")]
    assert staff_app.dataframe[0].value[CATALOGUE["common.file_name"][0]].tolist() == ["附件1gnp_exe.png"]


WITHDRAWN_EVIDENCE = "2025年6月月报逾期（已撤销的建议）"


def test_a_withdrawn_finding_is_no_confirmed_issue_and_the_year_under_notice_shows_its_draft(portal, staff_db):
    """Issue 19 item 9: the workbench lists only confirmed issues still in force, and while last year is under notice
    it shows that year's draft — 100, grade A, for an agency of the year's population whose finding was withdrawn."""
    from db.findings.suggestions import confirm_suggestion
    from db.findings.withdraw import withdraw_finding
    from db.publishing.notice import open_notice

    admin = Actor.of({"username": "admin", "role": "bureau_admin"})
    last = china_time.today().year - 1
    contract = {"credit_code": MINE, "client_code": credit_code(502), "client_name": "丁机械有限公司", "town": "华士",
                "contract_no": "HT-MINE-1", "signed_on": f"{last}-01-02", "start": f"{last}-01-05",
                "end": f"{last}-12-31", "visits_per_year": "6"}
    filings.file_records(engine=staff_db, user=make_agency_user_of(staff_db, MINE), kind="contracts",
                         content=records_csv("contracts", [contract]), file_name="mine.csv")
    suggestion = {"key": "test-3.4-withdrawn", "credit_code": MINE, "agency_name": NAMES[MINE], "clause": "3.4",
                  "date": f"{last}-07-07", "assessor": "市应急管理局", "rule": "late_report",
                  "evidence": WITHDRAWN_EVIDENCE}
    kept = {**suggestion, "key": "test-3.7-kept", "clause": "3.7", "evidence": "仍然有效的建议"}
    confirmed = confirm_suggestion(engine=staff_db, user=admin, suggestion=suggestion, year=last)
    confirm_suggestion(engine=staff_db, user=admin, suggestion=kept, year=last)
    open_notice(engine=staff_db, by=admin, year=last, ends_on=china_time.today() + dt.timedelta(days=5))
    withdraw_finding(engine=staff_db, user=admin, finding_id=confirmed["finding_id"], reason="复核：月报按时")

    sign_in(portal, "jia")
    check_no_exception(portal)
    shown = shown_text(portal)
    assert WITHDRAWN_EVIDENCE not in shown and "仍然有效的建议" in shown
    assert fill(CATALOGUE["agency.draft_under_notice"][0], dict(year=last)) in [h.value for h in portal.subheader]
    assert [m.value for m in portal.metric][:2] == ["95", "A 优秀"]  # 3.7 costs 5; the withdrawn 3.4 nothing
    withdraw_finding(engine=staff_db, user=admin, finding_id=confirmed["finding_id"] + 1, reason="复核不成立")
    portal.run()
    assert [m.value for m in portal.metric][:2] == ["100", "A 优秀"]  # no finding left: 100, not "no rating"
    assert "仍然有效的建议" not in shown_text(portal)


def make_agency_user_of(engine, code: str) -> Actor:
    """The existing account of the agency `code` (the portal fixture made one per agency)."""
    return Actor.of({"username": {MINE: "jia", THEIRS: "yi"}[code], "role": "agency", "credit_code": code})
