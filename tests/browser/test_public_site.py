"""The public site in headless Chromium: every page opens, search → profile → compare → download works,
and a screenshot of each page is saved under test-output/browser/ (look at them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import make_engine
from db.migrate import upgrade
from tests.browser.conftest import Server, screenshot, wait_for_app
from tests.db import published_rows

pytestmark = pytest.mark.browser

PAGES = {  # url path → extra query string
    "": "",  # the overview is the default page, at the root
    "ratings": "",
    "blacklist": "&year=2024",
    "profile": "&agency={a}",
    "compare": "&compare={a},{b}",
    "open-data": "",
    "rules": "",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """The app on a temp SQLite database holding three published years."""
    folder = tmp_path_factory.mktemp("site")
    url = f"sqlite:///{folder / 'site.db'}"
    engine = make_engine(url)
    upgrade(engine)
    published_rows.build(engine)
    engine.dispose()
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    codes = [code for code, _ in published_rows.AGENCIES]
    yield {"url": server.url, "a": codes[1], "b": codes[2], "names": dict(published_rows.AGENCIES), "server": server}
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def no_exception(page) -> None:
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_opens_and_is_saved_as_a_screenshot(site, page, shots_dir: Path, lang):
    for path, extra in PAGES.items():
        page.goto(f"{site['url']}/{path}?lang={lang}" + extra.format(a=site["a"], b=site["b"]))
        wait_for_app(page)
        no_exception(page)
        screenshot(page, shots_dir / f"{path or 'overview'}-{lang}.png")
        assert page.locator("h1").first.inner_text().strip()


def test_ratings_page_reads_on_a_phone(site, browser, shots_dir: Path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    phone = context.new_page()
    phone.goto(f"{site['url']}/ratings?lang=zh")
    wait_for_app(phone)
    no_exception(phone)
    # Nothing wider than the screen: the page itself never scrolls sideways (tables scroll inside themselves).
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page is {width}px wide on a 390px screen"
    screenshot(phone, shots_dir / "ratings-phone.png")
    context.close()


def test_search_then_profile_then_compare_then_download(site, page, shots_dir: Path):
    a, b, names = site["a"], site["b"], site["names"]
    page.goto(f"{site['url']}/?lang=zh")
    wait_for_app(page)
    page.get_by_label("搜索机构").fill("华信")
    page.get_by_role("button", name="在评定结果中查找").click()
    page.wait_for_url(re.compile(r"/ratings\?.*q=%E5%8D%8E%E4%BF%A1"))
    wait_for_app(page)
    no_exception(page)
    screenshot(page, shots_dir / "flow-1-search.png")
    assert page.get_by_text(re.compile(r"显示 1 / \d+ 家机构")).count() == 1

    page.get_by_role("link", name=f"查看详情（{names[a]}）").click()
    page.wait_for_url(re.compile(rf"/profile\?.*agency={a}"))
    wait_for_app(page)
    no_exception(page)
    assert page.get_by_text(names[a], exact=True).count() >= 1
    screenshot(page, shots_dir / "flow-2-profile.png")

    page.get_by_role("link", name="与其他机构对比").click()
    page.wait_for_url(re.compile(rf"/compare\?.*compare={a}"))
    wait_for_app(page)
    page.get_by_test_id("stMultiSelect").locator("input").fill(names[b][:6])
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(rf"compare={a}(%2C|,){b}"))
    wait_for_app(page)
    no_exception(page)
    screenshot(page, shots_dir / "flow-3-compare.png")
    assert page.get_by_text("历年等级", exact=True).count() == 1

    page.get_by_role("link", name="数据下载").click()
    wait_for_app(page)
    no_exception(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 JSON").first.click()
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert a in content
    screenshot(page, shots_dir / "flow-4-open-data.png")


def test_the_english_switch_changes_the_labels_and_the_url(site, page):
    page.goto(f"{site['url']}/ratings?lang=zh")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "年度评定结果"
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "Ratings of the year"
