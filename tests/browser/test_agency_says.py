"""The agency portal says what happened, in Chromium at 1280 and 390 px in both languages: a late month once filed
says when and how late (never "will be late" again), an unchanged 附件1 filed again says nothing changed and stores
nothing, and a one-person form's error names the field, not "row 2". Screenshots: test-output/browser/agency-*.png.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, select

from core import china_time
from core.rulebook import load_rulebook
from core.watch import report_due_dates
from db.agency.filings import Unchanged
from db.documents import versions
from db.public import reads as public
from db.records.reads import load_records
from db.store.engine import make_engine
from db.store.models import RegistryRecord, ReportRecord, VisitRecord
from tests.browser.conftest import (
    ROOT,
    Server,
    label,
    main_text,
    no_exception,
    open_path,
    screenshot,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.browser

PASSWORD = "a long agency secret"
WIDTHS = {1280: {"viewport": {"width": 1280, "height": 900}},
          390: {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                "has_touch": True}}
CASES = [("zh", 1280), ("en", 1280), ("zh", 390), ("en", 390)]


def month_text(month, lang: str) -> str:
    """How the monthly page's picker names a month (dashboard/labels.month_label): 2026年2月 / Feb 2026."""
    return f"{month.year}年{month.month}月" if lang == "zh" else f"{month:%b} {month.year}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """The demo data, an agency account (made with `python -m db create-user`) for each demo agency of a case (附件1
    on file from the demo's staff upload, the case's month not filed yet), and the app."""
    folder = tmp_path_factory.mktemp("agency-site")
    url = f"sqlite:///{folder / 'site.db'}"
    env = {**os.environ, "DATABASE_URL": url, "SEED_DEMO": "0"}
    done = subprocess.run([sys.executable, "-m", "db", "seed-demo"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    cases = _unfiled_months(engine, len(CASES))
    engine.dispose()
    users = {code: f"agency{i}" for i, code in enumerate(dict.fromkeys(code for code, _ in cases))}
    for code, username in users.items():
        done = subprocess.run([sys.executable, "-m", "db", "create-user", username, "--role", "agency",
                               "--credit-code", code], input=f"{PASSWORD}\n{PASSWORD}\n", capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "db": url, "cases": [(code, users[code], month) for code, month in cases]}
    server.stop()


def _unfiled_months(engine, n: int) -> list[tuple[str, dt.date]]:
    """`n` (agency, month) pairs: a rated demo agency with 附件1 on file, and `n` months the monthly page offers whose
    due day has passed, their reports (report rows and visit rows) taken out of this test's copy of the demo (the demo
    agencies file every month)."""
    today = china_time.today()
    current = today.year * 12 + today.month - 1
    months = [dt.date(i // 12, i % 12 + 1, 1) for i in range(current - 1 - n, current - 1)]  # due by now
    ratings = public.ratings(engine, int(versions.current_publication(engine, 2025)["id"]))
    registry = load_records(engine, "registry")
    code = str(next(c for c in ratings.loc[ratings["grade"] != "BLACKLIST", "credit_code"]
                    if c in set(registry["credit_code"])))
    with engine.begin() as conn:
        for model in (VisitRecord, ReportRecord):
            table = model.__table__
            conn.execute(table.delete().where(table.c.credit_code == code, table.c.month.in_(months)))
    return [(code, month) for month in months]


def registry_rows(db: str, code: str) -> int:
    engine = make_engine(db)
    with Session(engine) as session:
        n = len(session.exec(select(RegistryRecord).where(RegistryRecord.credit_code == code)).all())
    engine.dispose()
    return n


@pytest.mark.parametrize(("lang", "width"), CASES, ids=[f"{lang}-{width}" for lang, width in CASES])
def test_the_agency_pages_say_what_happened(site, browser, shots_dir: Path, lang, width):
    context = browser.new_context(**WIDTHS[width], locale="zh-CN")
    page = context.new_page()
    try:
        code, username, month = site["cases"][CASES.index((lang, width))]  # each case its own unfiled month
        sign_in(page, site["url"], username, PASSWORD, lang)
        shot = f"agency-{lang}-{width}"

        # A late month: before filing it says it will be late; filed, it says when and how late, and no longer that.
        today = china_time.today()
        due = report_due_dates(pd.Series([pd.Timestamp(month)]), load_rulebook().watch)["due"].iat[0].date()
        open_path(page, site["url"], "agency-monthly", lang)
        page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name=month_text(month, lang), exact=True).click()
        wait_for_app(page)
        will = label("agency.will_be_late", lang, due=due.isoformat())
        assert will in main_text(page)
        page.get_by_role("button", name=label("agency.file", lang), exact=True).first.click()
        wait_for_app(page)
        no_exception(page)
        late = label("agency.month_filed_late", lang, on=today.isoformat(), due=due.isoformat(), n=(today - due).days)
        success = page.locator("[data-testid='stAlertContentSuccess']").inner_text().replace("\u2060", "")
        assert late in success, success
        assert will not in main_text(page)
        screenshot(page, shots_dir / f"{shot}-monthly-late.png")

        # 附件1 filed again unchanged: "nothing changed", no new row.
        open_path(page, site["url"], "agency-registry", lang)
        form = page.locator("[data-testid='stForm']").first
        office = form.get_by_label("本市办公地址")
        if not office.input_value():
            office.fill("澄江街道")
        form.get_by_role("button", name=label("agency.file", lang), exact=True).click()
        wait_for_app(page)
        before = registry_rows(site["db"], code)
        form.get_by_role("button", name=label("agency.file", lang), exact=True).click()
        wait_for_app(page)
        no_exception(page)
        said = Unchanged().message_en if lang == "en" else Unchanged().message_zh
        assert said in main_text(page)
        assert registry_rows(site["db"], code) == before
        screenshot(page, shots_dir / f"{shot}-registry-unchanged.png")

        # One person with a wrong ID number: the error names the field.
        open_path(page, site["url"], "agency-practitioners", lang)
        form = page.locator("[data-testid='stForm']").first
        form.get_by_label(label("agency.name", lang), exact=True).fill("王五")
        form.get_by_label(label("agency.id_number", lang), exact=True).fill("12345")
        form.get_by_role("button", name=label("agency.file", lang), exact=True).click()
        wait_for_app(page)
        no_exception(page)
        error = page.locator("[data-testid='stAlertContentError']").first.inner_text().replace("\u2060", "")
        assert error.startswith("身份证号：" if lang == "zh" else "身份证号 / ID number: "), error
        assert "第2行" not in error and "row 2" not in error.lower()
        screenshot(page, shots_dir / f"{shot}-practitioner-field.png")
    finally:
        context.close()
