"""Codes are words, in Chromium (issue 22 items 1 and 7): a bureau admin, a town clerk and an agency, each made with
`python -m db create-user` on the demo data, at 1280 and 390 px in both languages, open the suggestions queue, the
audit log and the agency's findings page; no raw code (`bureau`, `Q3`, `YE`, `submitted_on`, `town_staff`, a month as
`2026-02-01`…) is in the text drawn. Screenshots: test-output/browser/words-*.png.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import china_time
from dashboard.text import CATALOGUE
from db.accounts.actor import Actor
from db.documents import versions
from db.findings.recording import record_finding
from db.public import reads as public
from db.publishing.notice import open_notice
from db.publishing.objections import file_objection, resolve_objection
from db.store.engine import make_engine
from tests.browser.conftest import ROOT, Server, no_exception, screenshot, sign_in, wait_for_app
from tests.dashboard.raw_keys import raw_keys

pytestmark = pytest.mark.browser

PASSWORD = "a long enough secret for words"
TOWN = "璜土镇"
ACCOUNTS = {"admin": ("zhao.admin", ["bureau_admin"]), "town": ("qian.town", ["town_staff", "--town", TOWN]),
            "agency": ("sun.agency", ["agency", "--credit-code"])}
PAGES = {"admin": ("staff-suggestions", "staff-audit"), "town": ("staff-suggestions",), "agency": ("agency-findings",)}
WIDTHS = (1280, 390)


def _cli(url: str, args: list[str], stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "db", *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": url, "SEED_DEMO": "0"}, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """The demo data, the three accounts, and this year under notice with two bureau findings and a town finding (Q3)
    against one agency, which objected to two; the bureau upheld one (the audit log names it)."""
    folder = tmp_path_factory.mktemp("words-site")
    url = f"sqlite:///{folder / 'site.db'}"
    _cli(url, ["seed-demo"])
    engine = make_engine(url)
    latest = public.published_years(engine)[0]
    ratings = public.ratings(engine, int(versions.current_publication(engine, latest)["id"]))
    code = ratings[ratings["grade"] != "BLACKLIST"].iloc[0]["credit_code"]
    printed = {}
    for who, (username, role) in ACCOUNTS.items():
        args = ["create-user", username, "--role", *role, *([code] if who == "agency" else [])]
        printed[who] = _cli(url, args, f"{PASSWORD}\n{PASSWORD}\n")
    today = china_time.today()
    admin = Actor.of({"username": ACCOUNTS["admin"][0], "role": "bureau_admin"})
    clerk = Actor.of({"username": ACCOUNTS["town"][0], "role": "town_staff", "town": TOWN})
    agency = Actor.of({"username": ACCOUNTS["agency"][0], "role": "agency", "credit_code": code})
    ids = [record_finding(engine=engine, user=admin, credit_code=code, clause="2.1", assessor="bureau",
                          date=dt.date(today.year, 3, 5))["id"],
           record_finding(engine=engine, user=clerk, credit_code=code, clause="2.2", assessor=TOWN, period="Q3",
                          date=dt.date(today.year, 8, 8))["id"]]
    # A bureau finding nobody objected to yet: the agency may still object to it (its line names the assessor).
    record_finding(engine=engine, user=admin, credit_code=code, clause="2.3", assessor="bureau",
                   date=dt.date(today.year, 4, 9))
    open_notice(engine=engine, by=Actor.operator(ACCOUNTS["admin"][0]), year=today.year, ends_on=today + dt.timedelta(days=5),
                today=today - dt.timedelta(days=1))
    upheld = file_objection(engine=engine, user=agency, finding_id=ids[0], text="已整改完毕")
    file_objection(engine=engine, user=agency, finding_id=ids[1], text="日期有误")
    resolve_objection(engine=engine, user=admin, objection_id=upheld.id, uphold=True, reason="核实成立")
    engine.dispose()
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "printed": printed}
    server.stop()


def drawn_text(page) -> list[str]:
    """The text a person sees on the page: the main area and the menu, line by line. Material icons are drawn from
    their names (`publish`, `history`) by the icon font: those are pictures, not text, and are left out. A table is
    drawn on a canvas: its cells are read from the grid's accessible table, once each table has drawn its cells."""
    tables = page.locator("[data-testid='stDataFrame']")
    for index in range(tables.count()):
        tables.nth(index).scroll_into_view_if_needed()
        tables.nth(index).locator("[role='gridcell']").first.wait_for(state="attached", timeout=20_000)
    text = page.evaluate("""() => {
        const icons = [...document.querySelectorAll("[data-testid='stIconMaterial']")];
        const kept = icons.map(e => e.textContent);
        icons.forEach(e => { e.textContent = ""; });
        const out = document.body.innerText;
        icons.forEach((e, i) => { e.textContent = kept[i]; });
        // A table is drawn on a canvas; its cells are also in the grid's accessible table (what a screen reader reads).
        const cells = [...document.querySelectorAll("[data-testid='stDataFrame'] [role='columnheader'], " +
                                                    "[data-testid='stDataFrame'] [role='gridcell']")];
        return out + "\\n" + cells.map(e => e.textContent).join("\\n");
    }""")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_town_is_in_both_halves_of_what_create_user_prints(site):
    zh, en = site["printed"]["town"].strip().split(" / ")
    assert f"（{TOWN}）" in zh and en.endswith(f"({TOWN})")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_no_raw_code_in_what_each_account_sees(site, browser, shots_dir: Path, who, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, site["url"], ACCOUNTS[who][0], PASSWORD)
        seen: dict[str, list[str]] = {}
        for lang in ("zh", "en"):
            for path in PAGES[who]:
                page.goto(f"{site['url']}/{path}?lang={lang}")  # the sign-in survives a reload (its cookie)
                wait_for_app(page, timeout=120_000)
                no_exception(page)
                lines = drawn_text(page)
                found = raw_keys(lines, lang, data=tuple(u for u, _ in ACCOUNTS.values()))
                if found:
                    seen[f"{path} {lang}"] = found
                screenshot(page, shots_dir / f"words-{who}-{path}-{lang}-{width}.png")
        assert seen == {}
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_agency_sees_its_findings_with_the_bureau_and_the_period_in_words(site, browser, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, site["url"], ACCOUNTS["agency"][0], PASSWORD)
        page.goto(f"{site['url']}/agency-findings?lang={lang}")
        wait_for_app(page, timeout=120_000)
        text = "\n".join(drawn_text(page))
        index = 0 if lang == "zh" else 1
        assert CATALOGUE["common.bureau"][index] in text
        assert ("第三季度" if lang == "zh" else "Q3 (Jul–Sep)") in text
    finally:
        context.close()
