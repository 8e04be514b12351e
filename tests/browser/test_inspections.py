"""一企双查 in headless Chromium: a town clerk records an inspection with two failed checks confirmed as findings and
one 1.x referral; bureau staff confirm the referral; the finding is in the year's draft. Screenshots at 1366 and
390 px, in Chinese and English, go to test-output/browser/inspections-*.png (look at them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.china_time import today as china_today
from dashboard.i18n import LANGUAGES
from db.accounts.users import create_user
from db.publishing.rating import rate_year
from db.store.engine import make_engine
from db.store.migrate import upgrade
from db.store.models import Finding, Referral
from tests.browser.conftest import Server, go, no_exception, screenshot, sign_in, wait_for_app
from tests.builders import ACCOUNT_TOWN, OPERATOR
from tests.db.supervision_records import AGENCY, ENTERPRISE, ENTERPRISE_NAME, store_supervision_records

pytestmark = pytest.mark.browser

ZH = LANGUAGES["zh"]
TOWN_CLERK, BUREAU_CLERK, PASSWORD = "huangtu.clerk", "wang.bureau", "a long clerk secret"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """An empty database with the agency's contract of this year, a town account and a bureau account; the app."""
    folder = tmp_path_factory.mktemp("inspections-site")
    url = f"sqlite:///{folder / 'site.db'}"
    engine = make_engine(url)
    upgrade(engine)
    store_supervision_records(engine, year=china_today().year)
    create_user(engine=engine, username=TOWN_CLERK, password=PASSWORD, role="town_staff", town=ACCOUNT_TOWN,
                by=OPERATOR)
    create_user(engine=engine, username=BUREAU_CLERK, password=PASSWORD, role="bureau_staff", by=OPERATOR)
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "engine": engine}
    server.stop()
    engine.dispose()


def shots(page, name: str, shots_dir: Path) -> None:
    """The page at 1366 px and 390 px in Chinese, then in English (the language switch keeps the page)."""
    for lang, switch in (("zh", ZH), ("en", "English")):
        if switch:
            page.set_viewport_size({"width": 1366, "height": 900})
            page.locator("[data-testid='stSidebar']").get_by_text(switch, exact=True).click()
            wait_for_app(page)
            no_exception(page)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            wait_for_app(page)
            screenshot(page, shots_dir / f"inspections-{name}-{width}-{lang}.png")
    page.set_viewport_size({"width": 1366, "height": 900})


def check_box(page, label: str):
    return page.locator("[data-testid='stVerticalBlock']", has_text=label).last


def choose(page, label: str, option: str) -> None:
    check_box(page, label).get_by_text(option, exact=True).click()
    wait_for_app(page)
    no_exception(page)


def test_a_town_inspection_makes_two_findings_and_a_referral_the_bureau_confirms(site, browser, shots_dir: Path):
    town = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    sign_in(town, site["url"], TOWN_CLERK, PASSWORD)
    go(town, "一企双查")
    town.get_by_label("企业统一社会信用代码").fill(ENTERPRISE)
    town.get_by_label("企业统一社会信用代码").press("Tab")
    wait_for_app(town)
    town.get_by_label("企业名称").fill(ENTERPRISE_NAME)
    town.get_by_label("企业名称").press("Tab")
    wait_for_app(town)
    town.get_by_text(re.compile("截至该日已记录服务3次")).wait_for()
    choose(town, "签订服务合同（3.3）", "合格")
    choose(town, "按合同频次开展现场服务（3.6）", "不合格")
    choose(town, "发现隐患出具书面整改建议（3.7）", "不合格")
    choose(town, "规章制度和操作规程符合实际（2.2）", "不合格")
    choose(town, "规章制度和操作规程符合实际（2.2）", "第一类行为，上报市应急管理局")
    note = check_box(town, "规章制度和操作规程符合实际（2.2）").get_by_label("备注", exact=True)
    note.fill("代替企业编制不符合实际的操作规程")
    note.press("Tab")
    wait_for_app(town)
    screenshot(town, shots_dir / "inspections-town-form-1366-zh.png")
    town.get_by_role("button", name="保存检查记录").click()
    town.get_by_text(re.compile(r"已保存检查记录（编号1）：扣分记录2条，上报1项")).wait_for()
    no_exception(town)
    with Session(site["engine"]) as session:
        assert sorted(f.clause for f in session.exec(select(Finding)).all()) == ["3.6", "3.7"]
    shots(town, "town-saved", shots_dir)

    bureau = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    sign_in(bureau, site["url"], BUREAU_CLERK, PASSWORD)
    go(bureau, "上报处理")
    bureau.get_by_label("选择上报事项").click()
    bureau.get_by_role("option", name=re.compile("第1号")).click()
    wait_for_app(bureau)
    bureau.get_by_role("button", name="认定（记为市应急管理局的第一类扣分记录）").click()
    bureau.get_by_text(re.compile(r"已认定，扣分记录编号\d+")).wait_for()
    no_exception(bureau)
    shots(bureau, "bureau-confirmed", shots_dir)
    with Session(site["engine"]) as session:
        referral = session.exec(select(Referral)).one()
    assert referral.state == "confirmed"
    draft = rate_year(engine=site["engine"], year=china_today().year).table.set_index("credit_code")
    assert draft.loc[AGENCY, "blacklist_clauses"] == referral.clause  # the bureau's 1.x finding, in the draft

    go(town, "Referrals (上报)")  # the town sees the outcome (its page is in English since its shots)
    assert town.get_by_text("Confirmed").count() >= 1
    town.locator("[data-testid='stSidebar']").get_by_text(ZH, exact=True).click()
    wait_for_app(town)
    # The page re-runs in Chinese after the switch: wait for its words rather than count them at once (under load
    # the count came before the re-run had drawn them).
    town.get_by_text("已认定").first.wait_for(state="attached", timeout=30_000)
    assert town.get_by_text("已认定").count() >= 1
    shots(town, "town-outcome", shots_dir)
