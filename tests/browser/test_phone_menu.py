"""The phone menu (issue 22, item 5): at 390 px a tap on a menu item closes the sidebar over the new page.

Streamlit 1.67 closes it by itself only when the browser's user agent says "mobile"; a narrow window, a tablet or a
phone in desktop mode kept it open over the new page. dashboard/page_style.py closes it after the tap below 768 px.
Both ways in are tested: Chromium's own (desktop) user agent at 390 px, where the page's script does the closing,
and a phone's, where Streamlit closes it and the script must not open it again. A desktop click keeps the sidebar.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.text import CATALOGUE
from tests.browser.conftest import no_exception, wait_for_app

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0.0.0 Mobile Safari/537.36")
SIDEBAR = "[data-testid='stSidebar']"
TITLE = "[data-testid='stMain'] h1"


def title(key: str, lang: str) -> str:
    return CATALOGUE[key][0 if lang == "zh" else 1]


def covered(page, selector: str) -> bool:
    """Whether something else (the sidebar) lies over the centre of the first `selector` element."""
    return page.evaluate("""sel => {
        const el = document.querySelector(sel); const box = el.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return !(top && (el === top || el.contains(top)));
    }""", selector)


@pytest.mark.parametrize("agent", ["narrow window", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_menu_tap_closes_the_sidebar_over_the_new_page(demo_site, browser, shots_dir: Path, lang, agent):
    extra = {"user_agent": PHONE_AGENT} if agent == "phone" else {}
    context = browser.new_context(**PHONE, **extra, locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    try:
        page.goto(f"{demo_site['url']}/?lang={lang}")
        wait_for_app(page, timeout=60_000)
        assert page.inner_text(TITLE) == title("public.overview_title", lang)
        assert page.get_attribute(SIDEBAR, "data-collapsed") == "true"  # a phone opens on the page, menu closed
        page.tap("[data-testid='stExpandSidebarButton']")
        page.wait_for_selector(f"{SIDEBAR}[data-collapsed='false']")
        page.wait_for_timeout(400)  # the sidebar slides in
        assert covered(page, TITLE)  # open, the menu lies over the page
        tag = f"{lang}-{agent.replace(' ', '-')}"
        page.screenshot(path=shots_dir / f"phone-menu-open-{tag}.png")

        page.tap("[data-testid='stSidebarNav'] a[href$='/ratings']")
        page.wait_for_function("want => document.querySelector(\"[data-testid='stMain'] h1\")?.innerText === want",
                               arg=title("public.ratings_title", lang))
        wait_for_app(page, timeout=60_000)
        page.wait_for_selector(f"{SIDEBAR}[data-collapsed='true']", state="attached", timeout=5_000)
        page.wait_for_timeout(400)  # the sidebar slides out
        no_exception(page)
        assert page.url.split("?")[0].endswith("/ratings")
        assert page.locator(TITLE).is_visible()
        assert not covered(page, TITLE)  # the new page is in view, nothing over it
        assert page.locator("[data-testid='stExpandSidebarButton']").is_visible()  # and the menu one tap away
        page.screenshot(path=shots_dir / f"phone-menu-closed-{tag}.png")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_desktop_menu_click_keeps_the_sidebar(demo_site, browser, shots_dir: Path, lang):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    try:
        page.goto(f"{demo_site['url']}/?lang={lang}")
        wait_for_app(page, timeout=60_000)
        assert page.get_attribute(SIDEBAR, "data-collapsed") == "false"
        page.click("[data-testid='stSidebarNav'] a[href$='/ratings']")
        page.wait_for_function("want => document.querySelector(\"[data-testid='stMain'] h1\")?.innerText === want",
                               arg=title("public.ratings_title", lang))
        wait_for_app(page, timeout=60_000)
        page.wait_for_timeout(400)  # what a closing sidebar would take to slide out
        assert page.get_attribute(SIDEBAR, "data-collapsed") == "false"
        assert page.locator("[data-testid='stSidebarNav']").is_visible()
        assert not covered(page, TITLE)
        page.screenshot(path=shots_dir / f"desktop-menu-kept-{lang}.png")
    finally:
        context.close()
