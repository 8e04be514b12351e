"""Hostile names in a real browser: the profile, compare and open-data pages of an agency whose name is Markdown and
HTML fetch no image from its host, link nowhere, and show the name literally (screenshots in test-output/browser/).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.plain_text import visible_controls
from db.app_db import prepare
from db.store.engine import make_engine
from tests.browser.conftest import Server, no_exception, screenshot, wait_for_app
from tests.builders import make_staff
from tests.dashboard import hostile_data as hostile

pytestmark = pytest.mark.browser

WORD_JOINER = "\u2060"
PAGES = {
    "profile": f"profile?agency={hostile.AGENCY_CODE}",
    "compare": f"compare?compare={hostile.AGENCY_CODE},{hostile.OTHER_CODE}",
    "open-data": "open-data",
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Iterator[str]:
    """The app over a database holding hostile names (stored through the db services, not the file reader)."""
    folder = tmp_path_factory.mktemp("hostile-site")
    url = f"sqlite:///{folder / 'site.db'}"
    engine = make_engine(url)
    prepare(engine)
    make_staff(engine)
    hostile.store_hostile_data(engine)
    engine.dispose()
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield server.url
    server.stop()


def fetched_from_host(page) -> list[str]:
    """Every image, link or raw element in the page that points at the hostile host or came out of the data."""
    return page.evaluate("""() => [
        ...[...document.querySelectorAll('img')].map(e => e.src).filter(s => s.includes('host/')),
        ...[...document.querySelectorAll('a')].map(e => e.href).filter(h => h.includes('host/')),
        ...[...document.querySelectorAll('b, strong, em, .katex, .stMarkdownColoredText')]
            .map(e => e.outerHTML).filter(h => h.includes('恶意')),
    ]""")


@pytest.mark.parametrize("name", PAGES)
def test_hostile_names_render_as_literal_text(hostile_site, page, shots_dir: Path, name):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{hostile_site}/{PAGES[name]}")
    wait_for_app(page, timeout=120_000)
    no_exception(page)
    assert fetched_from_host(page) == []
    assert [u for u in requests if "host/" in u and not u.startswith(hostile_site)] == []
    body = page.inner_text("[data-testid='stMain']").replace(WORD_JOINER, "")
    assert "\u202e" not in body
    if name == "profile":  # the heading reads exactly as stored, the override shown as a marker
        heading = page.locator("h3").first.inner_text().replace(WORD_JOINER, "")
        assert heading == visible_controls(hostile.AGENCY)
    if name == "open-data":
        assert visible_controls(hostile.REASON) in body
    if name == "compare":  # the profile links keep the name as their label, and go to the profile
        # Found by its label (the links follow a rerun that may still be painting the other agency's link).
        link = page.locator("[data-testid='stPageLink'] a", has_text="**恶意粗体**")
        link.wait_for()
        assert link.count() == 1 and "agency=" + hostile.AGENCY_CODE in link.get_attribute("href")
    screenshot(page, shots_dir / f"hostile-{name}.png")
