"""The static edition in a browser: a file link taken from the open-data page still downloads after the session
that showed it has closed (a download button's URL would not), and the edition's own pages are axe clean at 1366
and 390 px in both languages (screenshots in test-output/browser/)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import create_engine

from db.documents.export import export_publication
from db.edition.build import agency_page
from db.public import reads
from tests.browser.conftest import ROOT, Server, wait_for_app
from tests.browser.test_field import AXE_OPTIONS, our_violations

pytestmark = pytest.mark.browser

# The app serves `static/` (a link to the default EDITION_DIR, data/edition) at /app/static/.
SERVED = ROOT / "data" / "edition"
WIDTHS = (1366, 390)


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("edition-site")
    shutil.rmtree(SERVED, ignore_errors=True)  # generated: the app writes it afresh from this test's database
    url = f"sqlite:///{folder / 'site.db'}"
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "1", "EDITION_DIR": str(SERVED)})
    try:
        server.wait_healthy()
        first = browser.new_page()
        first.goto(server.url)
        wait_for_app(first, timeout=180_000)  # the first run migrates, seeds and writes the edition
        first.close()
        yield {"url": server.url, "db": url}
    finally:
        server.stop()


def test_a_file_link_still_downloads_after_its_session_has_closed(site, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site['url']}/open-data?lang=zh")
    wait_for_app(page, timeout=60_000)
    link = page.get_by_role("link", name="JSON 原件（含签名）").first
    href = link.get_attribute("href")
    absolute = page.evaluate("(h) => new URL(h, document.baseURI).href", href)
    assert "/app/static/files/" in absolute and absolute.endswith(".json")
    context.close()  # the session that showed the link is gone

    later = browser.new_context()
    response = later.request.get(absolute)
    assert response.status == 200
    body = response.body()
    name = absolute.rsplit("/", 1)[1]
    year, version = int(name.split("-")[2]), int(name.split("-v")[1].split(".")[0])
    engine = create_engine(site["db"])
    assert body == export_publication(engine=engine, year=year, version=version, fmt="json")
    sums = later.request.get(f"{site['url']}/app/static/SHA256SUMS").text()
    assert f"{hashlib.sha256(body).hexdigest()}  files/{name}" in sums.splitlines()
    engine.dispose()
    later.close()


def test_the_static_pages_are_axe_clean_at_desktop_and_phone_widths(site, browser, shots_dir: Path):
    engine = create_engine(site["db"])
    year = reads.published_years(engine)[0]
    listed = reads.blacklist(engine, year)["agencies"]
    code = listed["credit_code"].iloc[0] if len(listed) else reads.agency_index(engine)["credit_code"].iloc[0]
    engine.dispose()
    pages = {"index": "index.html", "ratings": f"{year}/ratings-1.html", "blacklist": f"{year}/blacklist-1.html",
             "listings": "listings.html", "agency": agency_page(code)}
    axe = Axe()
    problems = []
    for lang in ("zh", "en"):
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True)
            page = context.new_page()
            for name, path in pages.items():
                response = page.goto(f"{site['url']}/app/static/{lang}/{path}")
                assert response is not None and response.status == 200, path
                assert response.headers["content-type"].startswith("text/html")
                page.screenshot(path=str(shots_dir / f"edition-{name}-{lang}-{width}.png"), full_page=width < 1000)
                results = axe.run(page, options=AXE_OPTIONS)
                problems += [f"{lang} {width} {path}: {v}" for v in our_violations(page, results.response)]
                wide = page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")
                if wide:
                    problems.append(f"{lang} {width} {path}: the page scrolls sideways")
            context.close()
    assert not problems, "\n".join(problems)
