"""公示 and 异议 in headless Chromium: 2025 is published once; an admin opens the notice of the corrected draft; the
public sees 公示中; an agency objects to one of its findings; bureau staff uphold it (the finding is withdrawn); once
the notice has ended the admin publishes version 2; the public sees v2's per-agency diff and the agency the outcome.
Screenshots: test-output/browser/notice-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from core import china_time
from db.accounts.actor import Actor
from db.accounts.users import create_user
from db.app_db import prepare
from db.documents.export import published_changes
from db.publishing.objections import own_objections
from db.publishing.publish import publish_year
from db.store.engine import make_engine, transaction
from db.store.models import Notice, Objection
from tests.browser.conftest import Server, go, no_exception, open_path, screenshot, sign_in, wait_for_app
from tests.builders import agency_name, credit_code, finding
from tests.db.publishing import YEAR, a_year, load
from tests.notices import ended_notice

pytestmark = pytest.mark.browser

PASSWORD = "a long test secret"
ADMIN, CLERK, AGENCY_USER = "chen.admin", "wang.clerk", "agency.one"
OBJECTION = "该次第一季度检查时我方已当场整改，整改记录已报送，不应扣分"
RESOLUTION = "经复核整改记录属实，撤销该项扣分"
REASON = "公示期间异议成立，撤销一项扣分；补录一项第四季度检查记录"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """2025 rated (tests.db.publishing.a_year) and published once; a late Q4 finding since; three accounts; the app."""
    folder = tmp_path_factory.mktemp("notice-site")
    url = f"sqlite:///{folder / 'site.db'}"
    engine = make_engine(url)
    prepare(engine)
    a_year(engine)
    ended_notice(engine, YEAR)
    publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    load(engine, [finding(4, "3.1", period="Q4")])  # the corrected draft: agency 4 90 → 85
    for name, role, code in ((ADMIN, "bureau_admin", None), (CLERK, "bureau_staff", None),
                             (AGENCY_USER, "agency", credit_code(1))):
        create_user(engine=engine, username=name, password=PASSWORD, role=role, credit_code=code,
                    by=Actor.operator("test"))
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "engine": engine}
    server.stop()
    engine.dispose()


def visit(browser, site: dict, name: str | None = None):
    """A fresh browser context on the site, signed in as `name` (or a visitor)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    if name:
        sign_in(page, site["url"], name, PASSWORD)
    else:
        open_path(page, site["url"], "")
    return context, page


def let_the_notice_end(engine) -> None:
    """The days of the notice pass: its dates and the objection's move back so that its end was yesterday, as a
    clock that many days later would see them (the app has no clock to turn, and none is added for tests)."""
    today = china_time.today()
    with transaction(engine) as session:
        notice = session.exec(select(Notice).where(Notice.status == "open")).one()
        shift = dt.timedelta(days=(notice.ends_on - today).days + 1)
        notice.opened_on, notice.ends_on = notice.opened_on - shift, notice.ends_on - shift
        session.add(notice)
        for objection in session.exec(select(Objection).where(Objection.notice_id == notice.id)).all():
            objection.filed_on -= shift
            session.add(objection)


def test_an_objection_upheld_during_the_notice_shows_in_the_published_correction(site, browser, shots_dir: Path):
    engine = site["engine"]

    # 1. The admin opens the notice of the corrected draft (default end: five working days).
    context, page = visit(browser, site, ADMIN)
    go(page, "发布")
    assert page.get_by_text(f"{YEAR}年度尚未开启公示。").count() == 1
    assert page.get_by_role("button", name="发布", exact=True).is_disabled()
    page.get_by_role("button", name="开启公示").click()
    wait_for_app(page)
    no_exception(page)
    page.get_by_text(re.compile(r"已开启公示，截止\d{4}-\d{2}-\d{2}")).wait_for()
    wait_for_app(page)  # the rerun that shows it draws the rest of the page too
    assert page.get_by_text(re.compile(rf"{YEAR}年度公示中：")).count() == 1
    assert page.get_by_role("button", name="发布", exact=True).is_disabled()  # not while the notice runs
    screenshot(page, shots_dir / "notice-1-admin-opens.png")
    context.close()

    # 2. The public sees 2025 marked 公示中 with its deadline, apart from the published version.
    context, page = visit(browser, site)
    banner = page.get_by_text(re.compile(rf"公示中：{YEAR}年度评定结果（草案）正在公示（.*至\d{{4}}-\d{{2}}-\d{{2}}）"))
    banner.wait_for()
    wait_for_app(page)  # the rerun that shows it draws the rest of the page too
    screenshot(page, shots_dir / "notice-2-public-under-notice.png")
    context.close()

    # 3. The agency objects to its first-quarter 2.1 finding from its 扣分记录 page.
    context, page = visit(browser, site, AGENCY_USER)
    go(page, "扣分记录")
    assert page.get_by_text(re.compile(rf"{YEAR}年度评定结果公示中，截止")).count() == 1
    page.get_by_text(re.compile(r"提出异议 / Object · 2025年度 · 条款2\.1")).first.click()
    page.get_by_label("异议内容与理由").first.fill(OBJECTION)
    page.get_by_role("button", name="提出异议 / Object", exact=True).first.click()
    wait_for_app(page)
    no_exception(page)
    page.get_by_text("异议已提交，工作人员处理后会在此显示结果。").wait_for()
    wait_for_app(page)  # the rerun that shows it draws the rest of the page too
    screenshot(page, shots_dir / "notice-3-agency-objects.png")
    context.close()

    # 4. A bureau clerk upholds it: the finding is withdrawn.
    context, page = visit(browser, site, CLERK)
    go(page, "异议处理")
    assert page.get_by_text(OBJECTION).count() == 1
    page.get_by_label("处理理由（机构可见）").fill(RESOLUTION)
    page.get_by_role("button", name="异议成立（撤销该扣分记录）").click()
    wait_for_app(page)
    no_exception(page)
    page.get_by_text("异议成立，扣分记录已撤销。").wait_for()
    wait_for_app(page)  # the rerun that shows it draws the rest of the page too
    screenshot(page, shots_dir / "notice-4-staff-upholds.png")
    context.close()

    # 5. The notice ends; the admin publishes version 2 with its reason.
    let_the_notice_end(engine)
    context, page = visit(browser, site, ADMIN)
    go(page, "发布")
    assert page.get_by_text(re.compile(rf"{YEAR}年度公示已于.*期满")).count() == 1
    page.get_by_label("更正原因（必填）").fill(REASON)
    page.get_by_text("我已核对以上变化，确认发布").click()
    wait_for_app(page)
    page.get_by_role("button", name="发布", exact=True).click()
    wait_for_app(page)
    no_exception(page)
    page.get_by_text(f"已发布 {YEAR} 年度第 2 版").wait_for()
    wait_for_app(page)  # the rerun that shows it draws the rest of the page too
    screenshot(page, shots_dir / "notice-5-admin-publishes-v2.png")
    context.close()

    # 6. The public sees version 2 and what it changed for each agency (the table is drawn on a canvas: the
    # screenshot shows it, and the rows it draws are read from the same service below).
    context, page = visit(browser, site)
    assert page.get_by_text("第2版").count() >= 1 and page.get_by_text(REASON).count() == 0  # which version, first
    assert page.get_by_text(re.compile(r"公示中：")).count() == 0  # the notice led to v2: no longer shown
    page.locator(".st-key-more_overview").get_by_role("radio", name="更正记录").click()  # the corrections, when chosen
    wait_for_app(page)
    assert page.get_by_text(REASON).count() == 1
    page.get_by_text(re.compile(r"第2版更正了什么（2家机构）")).wait_for()
    wait_for_app(page)  # the rerun that shows it draws the rest of the page too
    screenshot(page, shots_dir / "notice-6-public-correction-diff.png")
    context.close()
    changes = published_changes(engine, YEAR, 2).set_index("credit_code")
    one = changes.loc[credit_code(1)]
    assert (one["agency_name"], one["old_total"], one["new_total"], one["old_grade"], one["new_grade"]) == (
        agency_name(1), 85, 95, "B", "A")
    assert "2.1" in one["findings_withdrawn"] and one["findings_added"] == ""
    assert changes.loc[credit_code(4), "new_total"] == 85 and "3.1" in changes.loc[credit_code(4), "findings_added"]

    # 7. The agency reads the outcome and the reason.
    context, page = visit(browser, site, AGENCY_USER)
    go(page, "扣分记录")
    assert page.get_by_text("本机构的异议").count() == 1
    screenshot(page, shots_dir / "notice-7-agency-reads-outcome.png")  # the table is drawn on a canvas: look at it
    context.close()
    seen = own_objections(engine=engine, user=Actor.of({"username": AGENCY_USER, "role": "agency"}))
    assert seen[["status", "reason", "finding_action"]].values.tolist() == [["upheld", RESOLUTION, "withdrawn"]]
