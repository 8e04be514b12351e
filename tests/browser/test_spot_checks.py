"""The public 监督抽查 page in headless Chromium at 1366 and 390 px, in Chinese and English; the draw file it offers,
downloaded and re-run with the command the page shows, gives the seed and list the page shows."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from dashboard.text import CATALOGUE
from db.demo import spot_checks as demo
from db.spotcheck import reads
from db.store.engine import make_engine
from tests.browser.conftest import no_exception, screenshot, wait_for_app
from tests.browser.test_field import AXE_OPTIONS, our_violations

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_page_fits_each_width_in_each_language(demo_site, browser, shots_dir: Path, device, lang):
    context = browser.new_context(viewport=WIDTHS[device], locale="zh-CN", is_mobile=device == "phone",
                                  has_touch=device == "phone")
    page = context.new_page()
    try:
        page.goto(f"{demo_site['url']}/spot-checks?lang={lang}")
        wait_for_app(page)
        no_exception(page)
        index = 0 if lang == "zh" else 1
        assert page.locator("h1").first.inner_text().strip() == CATALOGUE["public.spot_checks_title"][index]
        body = page.locator("[data-testid='stMain']").inner_text()
        assert CATALOGUE["public.spot_status_drawn"][index] in body
        assert CATALOGUE["public.spot_status_announced"][index] in body
        wide = page.evaluate(f"() => [...document.querySelectorAll('[data-testid=\"stMain\"] *')]"
                             f".filter(e => e.getBoundingClientRect().right > {WIDTHS[device]['width']} + 1)"
                             ".map(e => e.tagName + '.' + e.className).slice(0, 5)")
        assert wide == []
        assert our_violations(page, Axe().run(page, options=AXE_OPTIONS).response) == []  # WCAG 2.1 A/AA, ours
        screenshot(page, shots_dir / f"spot-checks-{device}-{lang}.png")
    finally:
        context.close()


def test_the_downloaded_draw_re_runs_to_the_list_shown(demo_site, page, tmp_path):
    page.goto(f"{demo_site['url']}/spot-checks?lang=zh")
    wait_for_app(page)
    assert page.get_by_role("button", name=CATALOGUE["public.spot_download_draw"][0]).count() == 0  # when chosen
    page.locator(".st-key-more_spot_checks").get_by_role("radio", name=CATALOGUE["public.spot_draws"][0]).click()
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=CATALOGUE["public.spot_download_draw"][0]).first.click()
    name = download.value.suggested_filename
    download.value.save_as(tmp_path / name)
    shown_codes = page.locator("[data-testid='stCode']").all_inner_texts()
    command = next(c for c in shown_codes if c.strip().startswith("python -m core draw --verify")).strip()
    assert command.endswith(name)
    args = shlex.split(command)
    result = subprocess.run([sys.executable, *args[1:], "--format", "json"], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    rerun = json.loads(result.stdout)
    assert any(rerun["seed"] in text for text in shown_codes)  # the seed the page shows
    listed = re.findall(r"\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b",
                        page.locator("[data-testid='stMain']").inner_text())
    assert [d["credit_code"] for d in rerun["drawn"]] == listed and len(listed) == 6  # the list on the page
    engine = make_engine(demo_site["db"])
    stored = next(p for p in reads.public_plans(engine) if p["plan_id"] == demo.PAST_PLAN)["drawn"]["rows"]
    engine.dispose()
    assert listed == [r["credit_code"] for r in stored]
