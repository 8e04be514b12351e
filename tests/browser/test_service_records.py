"""Service records in headless Chromium: an agency files a month's report late on its portal and a bureau clerk
confirms the resulting 3.4 suggestion; a town clerk confirms a 3.7 (a visit with hazards and no written advice) of
their town; both findings are then in the year's draft rating. Screenshots: test-output/browser/records-*.png.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import china_time
from db.findings.suggestions import run_watch, split_waiting
from db.publishing.rating import rate_year
from db.store.engine import make_engine
from tests.browser.conftest import ROOT, Server, go, no_exception, screenshot, sign_in, wait_for_app

pytestmark = pytest.mark.browser

PASSWORD = "a long test secret"
CLERK, AGENCY_USER, TOWN_CLERK = "wang.clerk", "runze.agency", "town.clerk"


def _create_user(env: dict[str, str], name: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "db", "create-user", name, *args], input=f"{PASSWORD}\n{PASSWORD}\n",
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """The demo (with its service records) seeded, three accounts made with the CLI, the app running."""
    folder = tmp_path_factory.mktemp("records-site")
    url = f"sqlite:///{folder / 'site.db'}"
    env = {**os.environ, "DATABASE_URL": url, "SEED_DEMO": "0"}
    done = subprocess.run([sys.executable, "-m", "db", "seed-demo"], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    year = china_time.today().year
    engine = make_engine(url)
    found = split_waiting(run_watch(engine=engine, year=year, as_of=china_time.today()))[0]
    engine.dispose()
    # The demo plants an agency that never filed February's report, and visits with hazards and no written advice.
    missing = found[(found["rule"] == "late_report") & found["evidence"].str.contains("未报送")].iloc[0]
    hazard = found[(found["rule"] == "no_written_advice") & (found["refusal_zh"] == "")].iloc[0]
    _create_user(env, CLERK, "--role", "bureau_staff")
    _create_user(env, AGENCY_USER, "--role", "agency", "--credit-code", missing["credit_code"])
    _create_user(env, TOWN_CLERK, "--role", "town_staff", "--town", hazard["assessor"])
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "db": url, "year": year, "missing": missing, "hazard": hazard}
    server.stop()


def signed_in(browser, site: dict, name: str):
    """A fresh desktop browser context on the site, signed in as `name`."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, site["url"], name, PASSWORD)
    return context, page


def choose(page, label: str, option: str) -> None:
    """Pick `option` (a regex) in the Streamlit selectbox labelled `label`."""
    box = page.locator("[data-testid='stSelectbox']", has_text=label).first
    box.click()
    page.get_by_role("option", name=re.compile(option)).first.click()
    wait_for_app(page)


def confirm_in_queue(page, site: dict, agency_name: str, clause: str, shot: str, shots_dir: Path) -> None:
    go(page, "合规监测建议")
    # The watch runs in the background after each filing; a year with no stored run yet says so and offers 刷新.
    for _ in range(120):
        if page.get_by_text("待处理建议").count():
            break
        page.wait_for_timeout(2000)
        reload = page.get_by_role("button", name="刷新")
        if reload.count():
            reload.first.click()
        wait_for_app(page, timeout=240_000)
    page.get_by_text("待处理建议").first.wait_for(timeout=10_000)
    page.get_by_label("搜索机构（名称或统一社会信用代码）").fill(agency_name)
    page.keyboard.press("Enter")
    wait_for_app(page)
    choose(page, "选择一条建议查看证据并处理", rf"{re.escape(agency_name)}\s+{re.escape(clause)}\s")
    no_exception(page)
    assert page.get_by_text("证据所在记录").count() == 1
    page.get_by_role("button", name="确认并生成扣分记录").click()
    wait_for_app(page)
    no_exception(page)
    page.get_by_text(re.compile(rf"已确认：扣分记录 #\d+（{re.escape(agency_name)}，条款{re.escape(clause)}")).wait_for()
    screenshot(page, shots_dir / shot)


def test_a_late_report_and_a_hazard_without_advice_become_findings_in_the_draft(site, browser, shots_dir: Path):
    missing, hazard, year = site["missing"], site["hazard"], site["year"]

    # 1. The agency files February's report now: accepted, and marked late.
    context, page = signed_in(browser, site, AGENCY_USER)
    assert page.get_by_text("机构工作台").count() >= 1
    nav = page.locator("[data-testid='stSidebarNav']")
    assert nav.get_by_text("合规监测建议").count() == 0 and nav.get_by_text("上传文件").count() == 0
    go(page, "月度报送")
    choose(page, "报送月份", f"^{year}年2月$")
    assert page.get_by_text(re.compile("将标记为逾期")).count() == 1
    page.get_by_role("button", name="报送").click()
    wait_for_app(page)
    no_exception(page)
    page.get_by_text(re.compile(r"已报送：\d+ 条记录")).wait_for()
    screenshot(page, shots_dir / "records-1-agency-files-late.png")
    context.close()

    # 2. A bureau clerk confirms the 3.4 the late report leaves.
    context, page = signed_in(browser, site, CLERK)
    confirm_in_queue(page, site, missing["agency_name"], "3.4", "records-2-bureau-confirms-3.4.png", shots_dir)
    context.close()

    # 3. The clerk of the client's town confirms the 3.7.
    context, page = signed_in(browser, site, TOWN_CLERK)
    confirm_in_queue(page, site, hazard["agency_name"], "3.7", "records-3-town-confirms-3.7.png", shots_dir)
    context.close()

    # 4. Both findings count in the year's draft rating.
    engine = make_engine(site["db"])
    try:
        charges = rate_year(engine=engine, year=year).explanation
    finally:
        engine.dispose()
    charged = set(zip(charges["credit_code"], charges["clause"], strict=True))
    assert (missing["credit_code"], "3.4") in charged and (hazard["credit_code"], "3.7") in charged
