"""拒不整改报告 end to end in Chromium, at 1366 and 390 px in both languages: an agency files a report on its portal,
the enterprise's town acknowledges (受理) and closes (办结) it with a case number, the agency sees the outcome.
Screenshots: test-output/browser/hazard-report-*.png."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core import china_time
from db.store.engine import make_engine
from db.store.migrate import upgrade
from db.store.models import HazardReport
from tests.browser.conftest import Server, label, main_text, no_exception, open_path, screenshot, sign_in, wait_for_app
from tests.builders import MINE, PASSWORD, credit_code, make_agencies, make_agency_user, make_user

pytestmark = pytest.mark.browser

TOWN = "璜土镇"
WIDTHS = {1366: {"viewport": {"width": 1366, "height": 900}},
          390: {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                "has_touch": True}}
CASES = [("zh", 1366), ("en", 1366), ("zh", 390), ("en", 390)]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """An empty database (no demo) with one agency, its account and a town account of 璜土镇; the app on it."""
    folder = tmp_path_factory.mktemp("hazard-site")
    url = f"sqlite:///{folder / 'site.db'}"
    engine = make_engine(url)
    upgrade(engine)
    make_agencies(engine)
    make_agency_user(engine, "jia", MINE)
    make_user(engine, "town", "town_staff", TOWN)
    engine.dispose()
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "db": url}
    server.stop()


def text_once_shown(page, text: str, seconds: float = 30) -> str:
    """The main area's text once it holds `text` (or after `seconds`): a loaded machine may still be re-running."""
    deadline = time.monotonic() + seconds
    while text not in (shown := main_text(page)) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    return shown


def type_date(scope, name: str, day: dt.date) -> None:
    # Streamlit's date field is a group of year, month and day segments (react-aria): type into the first one, each
    # segment moves on to the next when full.
    segments = scope.get_by_role("group", name=name, exact=True).get_by_role("spinbutton")
    segments.first.click()
    segments.first.page.keyboard.type(day.strftime("%Y%m%d"))
    segments.first.page.keyboard.press("Tab")


def latest_report(db: str) -> HazardReport:
    engine = make_engine(db)
    with Session(engine) as session:
        row = session.exec(select(HazardReport).order_by(HazardReport.id.desc())).first()
    engine.dispose()
    return row


@pytest.mark.parametrize(("lang", "width"), CASES, ids=[f"{lang}-{width}" for lang, width in CASES])
def test_an_agency_reports_the_town_acknowledges_and_closes_the_agency_sees_the_outcome(site, browser,
                                                                                       shots_dir: Path, lang, width):
    today = china_time.today()
    enterprise = f"璜土{lang}{width}精细化工有限公司"
    case_no = f"澄应急立〔{today.year}〕{width}{lang}号"
    shot = f"hazard-report-{lang}-{width}"
    agency = browser.new_context(**WIDTHS[width], locale="zh-CN")
    town = browser.new_context(**WIDTHS[width], locale="zh-CN")
    try:
        # 1. The agency files its report.
        page = agency.new_page()
        sign_in(page, site["url"], "jia", PASSWORD, lang)
        open_path(page, site["url"], "agency-hazard-reports", lang)
        form = page.locator("[data-testid='stForm']").first
        form.get_by_label(label("common.hr_enterprise_code", lang), exact=True).fill(credit_code(700 + width))
        form.get_by_label(label("common.hr_enterprise_name", lang), exact=True).fill(enterprise)
        form.locator("[data-testid='stSelectbox']").filter(has_text=label("common.hr_town", lang)).click()
        page.get_by_role("option", name=TOWN, exact=True).click()
        type_date(form, label("common.hr_found_on", lang), today - dt.timedelta(days=20))
        form.get_by_label(label("common.hr_hazard", lang), exact=True).fill("储罐区可燃气体报警器失效")
        form.get_by_text(label("common.hr_major", lang), exact=True).click()
        type_date(form, label("common.hr_advice_on", lang), today - dt.timedelta(days=19))
        form.get_by_label(label("common.hr_advice_no", lang), exact=True).fill("ZG-001")
        type_date(form, label("common.hr_rectify_by", lang), today - dt.timedelta(days=5))
        form.get_by_label(label("common.hr_response", lang), exact=True).fill("逾期未整改，拒绝签收复查意见")
        form.get_by_role("button", name=label("agency.hr_file", lang), exact=True).click()
        wait_for_app(page)
        no_exception(page)
        report = latest_report(site["db"])
        assert report is not None and report.enterprise_name == enterprise and report.major
        assert (report.channel, report.addressee, report.status) == ("portal", TOWN, "received")
        success = page.locator("[data-testid='stAlertContentSuccess']").first.inner_text().replace("\u2060", "")
        assert label("agency.hr_filed", lang, id=report.id, due=report.acknowledge_due.isoformat()) in success
        screenshot(page, shots_dir / f"{shot}-1-filed.png")

        # 2. The town acknowledges it, then closes it: a case opened, with its number.
        staff = town.new_page()
        sign_in(staff, site["url"], "town", PASSWORD, lang)
        open_path(staff, site["url"], "staff-hazard-reports", lang)
        mine = staff.locator("[data-testid='stExpander']").filter(has_text=f"#{report.id} ·")
        mine.locator("summary").click()
        mine.get_by_role("button", name=label("staff.hr_acknowledge", lang), exact=True).click()
        wait_for_app(staff)
        no_exception(staff)
        acknowledged = label("staff.hr_acknowledged", lang, id=report.id)
        assert acknowledged in text_once_shown(staff, acknowledged)
        mine = staff.locator("[data-testid='stExpander']").filter(has_text=f"#{report.id} ·")
        if not mine.get_by_role("button", name=label("staff.hr_close", lang), exact=True).is_visible():
            mine.locator("summary").click()
        # Under load the page may still be re-running from the acknowledgement when the option is clicked, and the
        # click lands on an element about to be replaced: click until the radio shows it chosen.
        choice = mine.get_by_role("radio", name=label("common.hr_outcome_case", lang), exact=True)
        for _ in range(5):
            wait_for_app(staff)
            mine.get_by_text(label("common.hr_outcome_case", lang), exact=True).click()
            try:
                choice.wait_for(state="attached", timeout=5_000)
                staff.wait_for_function("e => e.checked", arg=choice.element_handle(), timeout=3_000)
                break
            except Exception:  # noqa: BLE001 - not chosen yet: click again
                continue
        assert choice.is_checked(), "the outcome 'case opened' could not be chosen"
        mine.get_by_label(label("common.hr_case_no", lang), exact=True).fill(case_no)
        screenshot(staff, shots_dir / f"{shot}-2-town-closing.png")
        mine.get_by_role("button", name=label("staff.hr_close", lang), exact=True).click()
        wait_for_app(staff)
        no_exception(staff)
        closed_said = label("staff.hr_closed", lang, id=report.id)
        assert closed_said in text_once_shown(staff, closed_said)
        closed = latest_report(site["db"])
        assert (closed.status, closed.outcome, closed.case_no, closed.closed_by) == ("closed", "case", case_no, "town")

        # 3. The agency sees the outcome and the case number.
        open_path(page, site["url"], "agency-hazard-reports", lang)
        said = page.locator("[data-testid='stAlertContentSuccess']").filter(has_text=f"#{report.id}").inner_text()
        status = f"{label('common.hr_status_closed', lang)} · {label('common.hr_outcome_case', lang)}"
        assert status + label("agency.hr_line_case", lang, case_no=case_no) in said.replace("\u2060", ""), said
        page.get_by_role("button", name=label("agency.hr_file", lang), exact=True).wait_for()
        page.wait_for_timeout(1000)  # the form's widgets draw after the script has run
        screenshot(page, shots_dir / f"{shot}-3-agency-sees-outcome.png")
    finally:
        agency.close()
        town.close()
