"""The public site in headless Chromium: every page opens, search → profile → compare → download works,
and a screenshot of each page is saved under test-output/browser/ (look at them).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.text import CATALOGUE
from db.documents import versions
from db.public import reads as public
from db.public.open_data import signing_keys
from db.store.engine import make_engine
from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

PAGES = {  # url path → extra query string
    "": "",  # the overview is the default page, at the root
    "ratings": "",
    "blacklist": "&year=2024",
    "profile": "&agency={b}",  # the lowest total: a profile with findings to explain
    "compare": "&compare={a},{b}",
    "open-data": "",
    "check": "",
    "rules": "",
}


@pytest.fixture(scope="module")
def agencies(demo_site) -> dict:
    """Two agencies of the latest year (the search target and a second one to compare with)."""
    engine = make_engine(demo_site["db"])
    frame = public.ratings(engine, int(versions.current_publication(engine, public.published_years(engine)[0])["id"]))
    engine.dispose()
    names = dict(zip(frame["credit_code"], frame["agency_name"], strict=True))
    a, b = frame["credit_code"].iloc[0], frame["credit_code"].iloc[-1]
    return {"a": a, "b": b, "names": names}


def upload_and_wait(page, path: Path, verdict: str) -> str:
    """Give the check page a file and return its verdict, once an alert matching `verdict` (a regex) shows."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.wait_for_timeout(1000)
    wait_for_app(page, timeout=90_000)
    alert = page.get_by_test_id("stAlert").filter(has_text=re.compile(verdict)).first
    try:
        alert.wait_for(timeout=60_000)
    except Exception:
        page.screenshot(path=str(Path(__file__).resolve().parents[2] / "test-output" / "browser" / "check-failed.png"))
        raise
    return alert.inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_opens_and_is_saved_as_a_screenshot(demo_site, agencies, page, shots_dir: Path, lang):
    for path, extra in PAGES.items():
        page.goto(f"{demo_site['url']}/{path}?lang={lang}" + extra.format(a=agencies["a"], b=agencies["b"]))
        wait_for_app(page)
        no_exception(page)
        screenshot(page, shots_dir / f"{path or 'overview'}-{lang}.png")
        assert page.locator("h1").first.inner_text().strip()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_opens_at_its_own_path_and_the_tab_title_follows_the_language(demo_site, agencies, page, lang):
    index = 0 if lang == "zh" else 1
    page.goto(f"{demo_site['url']}/overview?lang={lang}")
    wait_for_app(page)
    no_exception(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").first.inner_text().strip() == CATALOGUE["public.overview_title"][index]
    page.wait_for_function("t => document.title.includes(t)", arg=CATALOGUE["public.site_title"][index], timeout=10_000)


def test_ratings_page_reads_on_a_phone(demo_site, agencies, browser, shots_dir: Path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    phone = context.new_page()
    phone.goto(f"{demo_site['url']}/ratings?lang=zh")
    wait_for_app(phone)
    no_exception(phone)
    # Nothing wider than the screen: the page itself never scrolls sideways (tables scroll inside themselves).
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page is {width}px wide on a 390px screen"
    screenshot(phone, shots_dir / "ratings-phone.png")
    context.close()


def test_search_then_profile_then_compare_then_download(demo_site, agencies, page, shots_dir: Path):
    a, b, names = agencies["a"], agencies["b"], agencies["names"]
    page.goto(f"{demo_site['url']}/?lang=zh")
    wait_for_app(page)
    page.get_by_label("搜索机构").fill(a[-8:].lower())  # any part of the code, in any case
    page.get_by_role("button", name="在评定结果中查找").click()
    page.wait_for_url(re.compile(rf"/ratings\?.*q={a[-8:].lower()}"))
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
    page.get_by_test_id("stMultiSelect").locator("input").fill(b)
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
        page.get_by_role("button", name="JSON 原件（含签名）").first.click()
    json_file = Path(info.value.path()).with_name(info.value.suggested_filename)  # the uploader checks the suffix
    info.value.save_as(json_file)
    content = json_file.read_bytes()
    assert a in content.decode("utf-8-sig")
    engine = make_engine(demo_site["db"])
    try:  # the site's published public keys, as the open-data page offers them
        keys = json_file.with_name("jiangyin-credit-public-keys.pem")
        keys.write_text("".join(signing_keys(engine)["public_key"]), encoding="ascii")
    finally:
        engine.dispose()
    # The file checks out as a reader checks it: `python -m db verify FILE --public-key KEYS`.
    done = subprocess.run([sys.executable, "-m", "db", "verify", str(json_file), "--public-key", str(keys)],
                          cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "GENUINE: " in done.stdout, done.stdout + done.stderr
    screenshot(page, shots_dir / "flow-4-open-data.png")
    # Another version, listed when chosen: other years and earlier versions are not drawn on the first screen.
    assert page.get_by_role("button", name="评定结果 XLSX").count() == 1
    page.locator(".st-key-more_open_data").get_by_role("radio", name="往年的文件与被更正取代的版本").click()
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="评定结果 XLSX").nth(1).click()  # the second listed version
    xlsx = Path(info.value.path()).with_name(info.value.suggested_filename)
    info.value.save_as(xlsx)
    assert xlsx.suffix == ".xlsx" and json_file.suffix == ".json"

    # A visitor checks the downloaded files on the check page: which year and version, current or superseded.
    page.get_by_role("link", name="核验文件").first.click()
    wait_for_app(page)
    for path in (json_file, xlsx):
        verdict = upload_and_wait(page, path, r"\d{4}年度第\d+版")
        no_exception(page)
        assert "现行版本" in verdict or "已被第" in verdict, verdict
    screenshot(page, shots_dir / "flow-5-check-file.png")
    tampered = xlsx.with_name("tampered.csv")
    tampered.write_bytes(b"\xef\xbb\xbf" + "统一社会信用代码,总分\r\nX,100\r\n".encode())
    assert "不相符" in upload_and_wait(page, tampered, "不相符")


def test_the_english_switch_changes_the_labels_and_the_url(demo_site, agencies, page):
    page.goto(f"{demo_site['url']}/ratings?lang=zh")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "年度评定结果"
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "Ratings of the year"
