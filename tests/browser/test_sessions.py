"""Sign-in that survives a reload, in headless Chromium against the real app (`streamlit run`).

A reload or a bookmark opens a new Streamlit session: the browser's cookie carries the token, the database holds
the session (db/accounts/sessions.py). Two app processes on one PostgreSQL database share the sessions (cookies are
per host, not per port, so 127.0.0.1:PORT1 and 127.0.0.1:PORT2 share them). Screenshots: test-output/browser/sessions-*.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from dashboard.i18n import fill
from dashboard.staff.cookie import COOKIE_NAME
from dashboard.text import CATALOGUE
from db.accounts.sessions import token_hash
from db.store.engine import make_engine
from db.store.models import WebSession
from tests.browser.conftest import ROOT, Server, no_exception, screenshot, wait_for_app
from tests.db.conftest import drop_postgres_schema, postgres_schema_url

pytestmark = pytest.mark.browser

ADMIN, TOWN, PASSWORD = "li.admin", "wang.town", "a long admin secret"
IDLE_SECONDS = 30  # short enough to wait for, long enough for a loaded machine to sign in and reload within


def _prepare(url: str) -> None:
    """Tables by `python -m db upgrade`, the first admin and a town clerk by `python -m db create-user` (as a
    deployment would)."""
    env = {**os.environ, "DATABASE_URL": url, "SEED_DEMO": "0"}
    for args, stdin in ((["upgrade"], ""),
                        (["create-user", ADMIN, "--role", "bureau_admin"], f"{PASSWORD}\n{PASSWORD}\n"),
                        (["create-user", TOWN, "--role", "town_staff", "--town", "璜土镇"], f"{PASSWORD}\n{PASSWORD}\n")):
        done = subprocess.run([sys.executable, "-m", "db", *args], input=stdin, capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """One app process on a SQLite database with one admin, the idle limit at its default (30 minutes)."""
    folder = tmp_path_factory.mktemp("sessions-site")
    url = f"sqlite:///{folder / 'site.db'}"
    _prepare(url)
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "0"})
    server.wait_healthy()
    yield {"url": server.url, "db": url}
    server.stop()


def sign_in_here(page, username: str = ADMIN) -> None:
    """Fill the sign-in form shown on this page (Chinese or English labels) and submit it."""
    page.get_by_label(CATALOGUE["staff.username"][0]).or_(page.get_by_label(CATALOGUE["staff.username"][1])).fill(username)
    page.get_by_label(CATALOGUE["staff.password"][0], exact=True).or_(
        page.get_by_label(CATALOGUE["staff.password"][1], exact=True)).fill(PASSWORD)
    page.get_by_role("button", name=CATALOGUE["staff.sign_in"][0], exact=True).or_(
        page.get_by_role("button", name=CATALOGUE["staff.sign_in"][1], exact=True)).click()
    wait_for_app(page)
    no_exception(page)


def title(page) -> str:
    heading = page.locator("[data-testid='stMain'] h1").first
    heading.wait_for()
    return heading.inner_text().strip()


def not_found(page) -> bool:
    """Streamlit's own "Page not found" dialog is up."""
    return page.get_by_text("Page not found").count() > 0


def session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE_NAME), None)


def test_a_reload_on_a_staff_page_keeps_you_signed_in_on_that_page(site, page, shots_dir: Path):
    page.goto(f"{site['url']}/staff")
    wait_for_app(page, timeout=120_000)
    sign_in_here(page)
    page.locator("[data-testid='stSidebarNav'] a", has_text=CATALOGUE["staff.page_users"][0]).first.click()
    wait_for_app(page)
    assert title(page) == CATALOGUE["staff.page_users"][0]
    page.wait_for_function(f"document.cookie.includes('{COOKIE_NAME}=')")

    page.reload()
    wait_for_app(page, timeout=60_000)
    no_exception(page)
    assert page.url.split("?")[0].endswith("/staff-users")
    assert title(page) == CATALOGUE["staff.page_users"][0]
    assert not not_found(page)
    screenshot(page, shots_dir / "sessions-1-reloaded.png")

    cookie = session_cookie(page)
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert 0 < cookie["expires"] - time.time() <= 30 * 60 + 5  # expires with the idle limit
    engine = make_engine(site["db"])
    with Session(engine) as s:
        row = s.exec(select(WebSession).where(WebSession.token_hash == token_hash(cookie["value"]))).one()
        assert row.ended_at is None
        assert s.exec(select(WebSession).where(WebSession.token_hash == cookie["value"])).first() is None
    engine.dispose()


def test_a_bookmark_opened_signed_out_signs_in_in_its_language_then_shows_that_page(site, page, shots_dir: Path):
    page.goto(f"{site['url']}/staff-audit?lang=en")
    wait_for_app(page, timeout=120_000)
    no_exception(page)
    assert not not_found(page)
    assert title(page) == CATALOGUE["staff.page_home_signed_out"][1]  # the sign-in page, in English as the link asked
    screenshot(page, shots_dir / "sessions-2-bookmark-sign-in.png")
    sign_in_here(page)
    assert title(page) == CATALOGUE["staff.page_audit"][1]
    assert "/staff-audit" in page.url
    screenshot(page, shots_dir / "sessions-3-bookmark-landed.png")


def test_a_url_the_role_may_not_use_says_so_in_its_language_instead_of_page_not_found(site, page, shots_dir: Path):
    page.goto(f"{site['url']}/staff?lang=en")
    wait_for_app(page, timeout=120_000)
    sign_in_here(page, TOWN)
    for path, shot in (("/staff-users?lang=en", "sessions-5-town-no-access.png"),
                       ("/agency-monthly?lang=en", "sessions-6-town-portal-no-access.png")):
        page.goto(f"{site['url']}{path}")  # a bookmark or a colleague's link: a new Streamlit session
        wait_for_app(page, timeout=60_000)
        no_exception(page)
        assert not not_found(page)
        assert title(page) == CATALOGUE["staff.page_no_access"][1]
        assert page.get_by_text(fill(CATALOGUE["staff.no_access"][1], dict(role="Town staff"))).count() == 1
        links = page.locator("[data-testid='stMain'] [data-testid='stPageLink'] a")
        # Each link's text is its icon's name (a font ligature), then its title.
        town_pages = ("home", "record_finding", "suggestions", "hazard_reports", "inspections", "referrals")
        assert [text.split("\n")[-1] for text in links.all_inner_texts()] == [CATALOGUE[f"staff.page_{key}"][1]
                                                                             for key in town_pages]
        screenshot(page, shots_dir / shot)
    links.first.click()  # one of its own pages: there it is signed in as before
    wait_for_app(page)
    assert title(page) == CATALOGUE["staff.page_home"][1]


def test_signing_out_ends_the_session_and_clears_the_cookie(site, page):
    page.goto(f"{site['url']}/staff")
    wait_for_app(page, timeout=120_000)
    sign_in_here(page)
    page.wait_for_function(f"document.cookie.includes('{COOKIE_NAME}=')")
    token = session_cookie(page)["value"]
    page.get_by_role("button", name=CATALOGUE["common.sign_out"][0]).click()
    wait_for_app(page)
    page.wait_for_function(f"!document.cookie.includes('{COOKIE_NAME}=')")
    page.reload()
    wait_for_app(page, timeout=60_000)
    assert title(page) == CATALOGUE["staff.page_home_signed_out"][0]
    engine = make_engine(site["db"])
    with Session(engine) as s:
        row = s.exec(select(WebSession).where(WebSession.token_hash == token_hash(token))).one()
    engine.dispose()
    assert (row.ended_at is not None, row.end_reason) == (True, "signed out")


def test_an_idle_session_ends_with_a_notice_and_its_cookie_expires_with_it(tmp_path, page, shots_dir: Path):
    url = f"sqlite:///{tmp_path / 'idle.db'}"
    _prepare(url)
    server = Server(url, tmp_path / "streamlit.log", {"SEED_DEMO": "0", "SESSION_IDLE_SECONDS": str(IDLE_SECONDS)})
    try:
        server.wait_healthy()
        page.goto(f"{server.url}/staff-users")
        wait_for_app(page, timeout=120_000)
        sign_in_here(page)
        assert title(page) == CATALOGUE["staff.page_users"][0]
        page.wait_for_function(f"document.cookie.includes('{COOKIE_NAME}=')")
        page.reload()  # within the limit: still signed in
        wait_for_app(page, timeout=60_000)
        assert title(page) == CATALOGUE["staff.page_users"][0]
        page.wait_for_timeout((IDLE_SECONDS + 2) * 1000)
        # The tab still open: the next click finds the session over and says why, on the page it asked for.
        page.locator("[data-testid='stSidebarNav'] a", has_text=CATALOGUE["staff.page_audit"][0]).first.click()
        wait_for_app(page)
        no_exception(page)
        assert title(page) == CATALOGUE["staff.page_home_signed_out"][0]
        assert page.get_by_text(fill(CATALOGUE["staff.idle_ended"][0], dict(minutes=1))).count() == 1
        assert "/staff-audit" in page.url
        # The cookie expired with the session: a reload is a plain signed-out visit.
        assert session_cookie(page) is None
        page.reload()
        wait_for_app(page, timeout=60_000)
        assert title(page) == CATALOGUE["staff.page_home_signed_out"][0]
        screenshot(page, shots_dir / "sessions-4-idle.png")
    finally:
        server.stop()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in TEST_DATABASE_URL's database, migrated, with one admin (as tests/db/conftest.py makes them)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base:
        pytest.fail("the two-process test needs PostgreSQL: set TEST_DATABASE_URL (.ci/run sets it)")
    admin = create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = postgres_schema_url(admin, schema)
    try:
        _prepare(url)
        yield url
    finally:
        drop_postgres_schema(admin, schema)
        admin.dispose()


def test_two_app_processes_on_one_postgresql_share_a_sign_in(postgres_url, tmp_path, page, shots_dir: Path):
    first = Server(postgres_url, tmp_path / "first.log", {"SEED_DEMO": "0"})
    second = Server(postgres_url, tmp_path / "second.log", {"SEED_DEMO": "0"})
    try:
        first.wait_healthy()
        second.wait_healthy()
        page.goto(f"{first.url}/staff-users")
        wait_for_app(page, timeout=120_000)
        sign_in_here(page)
        assert title(page) == CATALOGUE["staff.page_users"][0]
        page.wait_for_function(f"document.cookie.includes('{COOKIE_NAME}=')")

        page.goto(f"{second.url}/staff-audit")  # the other process: same host, so the same cookie
        wait_for_app(page, timeout=120_000)
        no_exception(page)
        assert title(page) == CATALOGUE["staff.page_audit"][0]
        screenshot(page, shots_dir / "sessions-5-second-process.png")

        stolen = session_cookie(page)
        page.locator("[data-testid='stSidebarNav'] a", has_text=CATALOGUE["staff.page_home"][0]).first.click()
        wait_for_app(page)
        page.get_by_role("button", name=CATALOGUE["common.sign_out"][0]).click()  # signed out on the second process…
        wait_for_app(page)
        page.context.add_cookies([stolen])  # …the old cookie put back does not open the session on the first
        page.goto(f"{first.url}/staff-users")
        wait_for_app(page, timeout=60_000)
        assert title(page) == CATALOGUE["staff.page_home_signed_out"][0]
    finally:
        first.stop()
        second.stop()
