"""The staff path in headless Chromium: the first admin made with the CLI signs in, uploads a file with mistakes
(the error table), then a correct one (the preview), publishes a correction, and the public pages change.
Screenshots of each step go to test-output/browser/staff-*.png (look at them).
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.accounts.actor import Actor
from db.documents import versions
from db.public import reads as public
from db.store.engine import make_engine
from tests.browser.conftest import ROOT, Server, no_exception, screenshot, wait_for_app
from tests.notices import ended_notice

pytestmark = pytest.mark.browser

ADMIN, PASSWORD = "chen.admin", "a long admin secret"
YEAR = 2025
REASON = "补录璜土镇第二季度检查记录"


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["统一社会信用代码", "机构名称", "条款", "评定单位", "考核期", "日期", "情况说明"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """Demo data seeded, the first admin made with `python -m db create-user` (password on two stdin lines), the app."""
    folder = tmp_path_factory.mktemp("staff-site")
    url = f"sqlite:///{folder / 'site.db'}"
    env = {**os.environ, "DATABASE_URL": url, "SEED_DEMO": "0"}
    for args, stdin in ((["seed-demo"], ""), (["create-user", ADMIN, "--role", "bureau_admin"],
                                              f"{PASSWORD}\n{PASSWORD}\n")):
        done = subprocess.run([sys.executable, "-m", "db", *args], input=stdin, capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    engine = make_engine(url)
    ratings = public.ratings(engine, int(versions.current_publication(engine, YEAR)["id"]))
    engine.dispose()
    target = ratings[ratings["grade"] != "BLACKLIST"].iloc[0]
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "db": url, "server": server, "code": target["credit_code"],
           "name": target["agency_name"], "blacklisted": int((ratings["grade"] == "BLACKLIST").sum())}
    server.stop()
    assert PASSWORD not in server.log_path.read_text(encoding="utf-8", errors="replace")  # nor in the server's log


def go(page, title: str) -> None:
    """Open a page from the sidebar menu (a click keeps the session; typing a URL would start a new one)."""
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    wait_for_app(page)
    no_exception(page)


def upload(page, name: str, content: bytes) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    wait_for_app(page)
    no_exception(page)


def blacklist_count(page) -> int:
    metric = page.locator("[data-testid='stMetric']", has_text="黑名单")
    return int(metric.locator("[data-testid='stMetricValue']").inner_text())


def test_sign_in_upload_with_mistakes_then_a_correct_file_publish_and_the_public_sees_it(site, page, shots_dir: Path):
    page.goto(f"{site['url']}/?lang=zh")
    wait_for_app(page, timeout=120_000)
    before = blacklist_count(page)
    assert before == site["blacklisted"]

    # Signed out, the staff pages do not exist: the menu has the sign-in page only.
    nav = page.locator("[data-testid='stSidebarNav']")
    assert nav.get_by_text("上传文件").count() == 0
    go(page, "工作人员登录")
    page.get_by_label("用户名").fill(ADMIN)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page)
    no_exception(page)
    assert page.get_by_text("当前登录").count() == 1
    assert page.get_by_label("密码", exact=True).count() == 0
    screenshot(page, shots_dir / "staff-1-signed-in.png")

    go(page, "上传文件")
    good_row = {"统一社会信用代码": site["code"], "机构名称": site["name"], "条款": "一（二）", "评定单位": "璜土",
                "考核期": "二季度", "日期": f"{YEAR}-06-10", "情况说明": "内部说明：现场核查"}
    bad = _csv([
        {**good_row, "条款": "四（一）"},                        # row 2: no such clause
        {**good_row, "统一社会信用代码": site["code"][:-1] + ("0" if site["code"][-1] != "0" else "1")},  # row 3
        {**good_row, "评定单位": "火星镇"},                       # row 4: no such town
        {**good_row, "日期": f"{YEAR}-09-10"},                   # row 5: not in the second quarter
    ])
    upload(page, "有错误的文件.csv", bad)
    error = page.locator("[data-testid='stAlertContentError']")
    assert re.search(r"文件有 \d+ 个问题，未保存任何数据", error.inner_text())
    assert page.get_by_role("button", name="导入").count() == 0
    screenshot(page, shots_dir / "staff-2-upload-errors.png")

    upload(page, "正确的文件.csv", _csv([good_row]))
    # Under load the rerun for a replaced file can start after wait_for_app saw the previous run end: wait for it.
    page.get_by_text("文件有效：1 行").wait_for()
    assert page.get_by_text("文件有效：1 行").count() == 1
    assert page.get_by_text("等级变化、列入或移出黑名单").count() == 1
    screenshot(page, shots_dir / "staff-3-preview.png")
    page.get_by_role("button", name="导入").click()
    # The import ends in st.rerun(): wait_for_app may see the first run end before the rerun draws the result.
    page.get_by_text(re.compile(r"已导入 1 条记录")).wait_for()
    wait_for_app(page)
    no_exception(page)
    assert page.get_by_text(re.compile(r"已导入 1 条记录")).count() == 1
    screenshot(page, shots_dir / "staff-4-imported.png")

    # The correction goes through a notice of its own, opened once the file is in (the agencies see what is
    # published) and, as if five working days had passed, ended.
    engine = make_engine(site["db"])
    ended_notice(engine, YEAR, by=Actor.operator(ADMIN))
    engine.dispose()
    go(page, "发布")
    assert page.get_by_text(re.compile(rf"本次将发布为 {YEAR} 年度第 \d+ 版")).count() == 1
    page.get_by_label("更正原因（必填）").fill(REASON)
    page.get_by_text("我已核对以上变化，确认发布").click()
    wait_for_app(page)
    screenshot(page, shots_dir / "staff-5-confirm.png")
    page.get_by_role("button", name="发布", exact=True).click()
    wait_for_app(page)
    no_exception(page)
    published = page.get_by_text(re.compile(rf"已发布 {YEAR} 年度第 \d+ 版"))
    published.wait_for()  # the publish run ends in a rerun that shows the outcome
    version = re.search(r"第 (\d+) 版", published.inner_text()).group(1)
    screenshot(page, shots_dir / "staff-6-published.png")

    # The other staff pages open without an error (screenshots to look at).
    for title, shot in (("录入扣分记录", "staff-9-record-finding"), ("账号管理", "staff-10-users"),
                        ("操作日志", "staff-11-audit")):
        go(page, title)
        screenshot(page, shots_dir / f"{shot}.png")
    assert page.get_by_text(re.compile(r"共 \d+ 条")).count() == 1

    go(page, "概览")
    assert blacklist_count(page) == before + 1
    assert page.get_by_text(f"第{version}版").count() >= 1  # the new version, at once
    screenshot(page, shots_dir / "staff-7-public-overview.png")
    # A visitor in a fresh browser sees the same, and no staff page.
    visitor = page.context.browser.new_page()
    visitor.goto(f"{site['url']}/blacklist?lang=zh&year={YEAR}")
    wait_for_app(visitor)
    no_exception(visitor)
    screenshot(visitor, shots_dir / "staff-8-public-blacklist.png")
    assert visitor.locator("[data-testid='stSidebarNav']").get_by_text("发布").count() == 0
    assert "内部说明" not in visitor.content()
    visitor.close()


def sign_in(page, url: str) -> None:
    page.goto(f"{url}/?lang=zh")
    wait_for_app(page, timeout=120_000)
    go(page, "工作人员登录")
    page.get_by_label("用户名").fill(ADMIN)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page)
    no_exception(page)


def switch_language(page, name: str) -> None:
    page.locator("[data-testid='stSidebar']").get_by_text(name, exact=True).click()
    wait_for_app(page)
    no_exception(page)


def test_the_english_switch_keeps_what_staff_chose_and_shows_it_in_english(site, page, shots_dir: Path):
    sign_in(page, site["url"])
    go(page, "上传文件")
    checked = "() => [...document.querySelectorAll('[data-testid=stMain] input[type=radio]')].map(e => e.checked)"
    first = page.evaluate(checked)
    assert first[0] and sum(first) == 1  # findings by default
    page.locator("[data-testid=stMain] label").get_by_text("执业人员", exact=True).click()
    wait_for_app(page)
    chosen = page.evaluate(checked)
    assert sum(chosen) == 1 and chosen != first
    switch_language(page, "English")
    assert page.evaluate(checked) == chosen  # the file type is still the one chosen, not blank or reset
    assert page.get_by_text("Practitioners", exact=True).count() >= 1

    go(page, "Record a finding")
    page.get_by_label("Period").click()
    page.get_by_role("option", name="Whole year").click()
    wait_for_app(page)
    switch_language(page, "中文")
    # The chosen period, the automatic year and the assessor read in Chinese now, not in the old language.
    assert page.get_by_role("combobox", name="考核期", exact=True).input_value() == "全年"
    assert page.get_by_role("combobox", name="年度", exact=True).input_value() == "按日期自动确定"
    assert page.get_by_label("评定单位").input_value() == "市应急管理局"
    screenshot(page, shots_dir / "staff-12-record-finding-after-switch.png")
