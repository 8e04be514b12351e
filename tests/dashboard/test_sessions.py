"""Sign-in across Streamlit sessions (AppTest): a new session with the browser's cookie continues the sign-in on the
page asked for; a signed-out visitor's staff or portal URL is the sign-in page, then that page; the cookie follows.

AppTest cannot send cookies (st.context.cookies is empty there), so the browser's cookie is what cookie.read returns:
the tests set it. A URL opened in the address bar is a page hash (Streamlit's hash of the URL path).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.agency.session import AGENCY_PAGES
from dashboard.staff import cookie
from dashboard.staff.session import STAFF_PAGES, TOKEN_KEY
from dashboard.text import CATALOGUE
from db.accounts import sessions
from db.accounts.actor import Actor
from db.accounts.users import deactivate
from db.store.models import WebSession, utcnow
from tests.builders import MINE, PASSWORD, make_agencies, make_agency_user
from tests.dashboard.staff_helpers import APP, TIMEOUT, check_no_exception, sign_in, sign_out


@pytest.fixture
def browser_cookie(monkeypatch) -> dict[str, str | None]:
    """The cookie this browser sends when it connects; set ["token"] before a new session starts."""
    jar: dict[str, str | None] = {"token": None}
    monkeypatch.setattr(cookie, "read", lambda: jar["token"])
    return jar


def open_url(url_path: str, lang: str | None = None) -> AppTest:
    """A new Streamlit session, as a reload or a bookmark opens one: straight to the page at /url_path."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at._page_hash = calc_hash(url_path)  # what the browser asks for: a page is known by its URL path's hash
    return at.run()


def fill_sign_in(at: AppTest, username: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(PASSWORD)
    return at.get("form_submit_button")[0].click().run()


def title(at: AppTest) -> str:
    return at.title[0].value


def cookie_scripts(at: AppTest) -> list[str]:
    return [e.proto.body for e in at.get("html") if cookie.COOKIE_NAME in e.proto.body]


def test_a_new_session_with_the_cookie_stays_signed_in_on_the_page_asked_for(staff_app, browser_cookie):
    sign_in(staff_app, "admin")
    browser_cookie["token"] = staff_app.session_state[TOKEN_KEY]
    again = open_url(STAFF_PAGES["users"][1])
    check_no_exception(again)
    assert title(again) == CATALOGUE["staff.page_users"][0]


def test_without_the_cookie_a_new_session_is_signed_out_and_the_staff_url_is_the_sign_in_page(staff_app,
                                                                                               browser_cookie):
    sign_in(staff_app, "admin")
    fresh = open_url(STAFF_PAGES["users"][1])
    check_no_exception(fresh)
    assert title(fresh) == CATALOGUE["staff.page_home_signed_out"][0]
    assert fresh.text_input(key="sign_in_username")


def test_a_bookmark_signs_in_in_its_language_and_then_shows_the_page_asked_for(staff_db, browser_cookie):
    at = open_url(STAFF_PAGES["audit"][1], lang="en")
    assert title(at) == CATALOGUE["staff.page_home_signed_out"][1]
    fill_sign_in(at, "admin")
    check_no_exception(at)
    assert title(at) == CATALOGUE["staff.page_audit"][1]


def test_a_portal_bookmark_signs_the_agency_in_and_shows_its_page(staff_db, browser_cookie):
    make_agencies(staff_db)
    make_agency_user(staff_db, "jia", MINE)
    at = open_url(AGENCY_PAGES["findings"][1])
    assert title(at) == CATALOGUE["staff.page_home_signed_out"][0]
    fill_sign_in(at, "jia")
    check_no_exception(at)
    assert title(at) == CATALOGUE["agency.page_findings"][0]


def test_signed_in_the_stand_ins_are_gone_a_page_the_role_may_not_use_stays_absent(staff_app, browser_cookie):
    sign_in(staff_app, "town")
    with pytest.raises(ValueError):
        staff_app.switch_page(STAFF_PAGES["publish"][0])
    browser_cookie["token"] = staff_app.session_state[TOKEN_KEY]
    again = open_url(STAFF_PAGES["publish"][1])
    assert title(again) != CATALOGUE["staff.page_home_signed_out"][0]  # not a sign-in page for someone signed in
    assert title(again) != CATALOGUE["staff.page_publish"][0]


def test_the_cookie_is_written_after_sign_in_and_cleared_after_sign_out(staff_app, browser_cookie):
    assert cookie_scripts(staff_app) == []  # a public visitor's page carries no script
    sign_in(staff_app, "staff")
    token = staff_app.session_state[TOKEN_KEY]
    [written] = cookie_scripts(staff_app)
    assert f"{cookie.COOKIE_NAME}={token};" in written
    assert "SameSite=Strict" in written and "Path=/" in written
    expires = dt.datetime.strptime(re.search(r"Expires=([^;]+);", written).group(1), "%a, %d %b %Y %H:%M:%S GMT")
    left = expires.replace(tzinfo=dt.UTC) - utcnow()
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)  # the idle limit
    sign_out(staff_app)
    [cleared] = cookie_scripts(staff_app)
    assert f"{cookie.COOKIE_NAME}=;" in cleared and "Expires=Thu, 01 Jan 1970" in cleared


def test_an_old_cookie_after_sign_out_opens_nothing(staff_app, browser_cookie):
    sign_in(staff_app, "staff")
    browser_cookie["token"] = staff_app.session_state[TOKEN_KEY]
    sign_out(staff_app)
    again = open_url(STAFF_PAGES["upload"][1])
    assert title(again) == CATALOGUE["staff.page_home_signed_out"][0]
    [cleared] = cookie_scripts(again)  # and the browser is told to forget it
    assert "Expires=Thu, 01 Jan 1970" in cleared


def test_deactivation_by_an_admin_ends_the_session_in_another_browser(staff_app, staff_db, browser_cookie):
    sign_in(staff_app, "staff")
    browser_cookie["token"] = staff_app.session_state[TOKEN_KEY]
    deactivate(engine=staff_db, username="staff", by=Actor.operator("test"))
    assert title(open_url(STAFF_PAGES["upload"][1])) == CATALOGUE["staff.page_home_signed_out"][0]
    with Session(staff_db) as s:
        [row] = s.exec(select(WebSession)).all()
    assert row.end_reason == sessions.DEACTIVATED


def test_a_tampered_cookie_is_ignored(staff_db, browser_cookie):
    browser_cookie["token"] = "A" * 43
    at = open_url(STAFF_PAGES["users"][1])
    assert title(at) == CATALOGUE["staff.page_home_signed_out"][0]
    assert TOKEN_KEY not in at.session_state


def test_the_cookie_script_takes_only_a_token():
    with pytest.raises(ValueError):
        cookie.script('x"; alert(1); "', utcnow())
    assert cookie.script(None).count("jy_credit_session=;") == 1  # clearing needs no token
