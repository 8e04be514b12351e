"""Signing in to the staff workspace: nothing without it, each role only its pages, lockout, idle and sign-out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from dashboard.i18n import fill
from dashboard.staff.session import STAFF_PAGES
from dashboard.text import CATALOGUE
from db.accounts.actor import Actor
from db.accounts.roles import ROLES
from db.accounts.throttle import FREE_ATTEMPTS
from db.accounts.users import deactivate
from db.store.engine import transaction
from db.store.models import AuditEntry, SignInThrottle, WebSession
from tests.builders import PASSWORD
from tests.dashboard.staff_helpers import (
    check_no_exception,
    errors,
    open_page,
    reachable,
    shown_text,
    sign_in,
    sign_out,
)

EVERY_PAGE = {"home", "record_finding", "record_interview", "upload", "publish", "users", "towns", "audit",
              "suggestions", "listings", "objections", "hazard_reports", "documents", "spot_checks", "inspections",
              "referrals"}
ROLE_PAGES = {
    "town": {"home", "record_finding", "suggestions", "hazard_reports", "inspections", "referrals"},
    "staff": {"home", "record_finding", "record_interview", "upload", "suggestions", "listings", "objections",
              "hazard_reports", "documents", "inspections", "referrals"},
    "admin": EVERY_PAGE,
}
GENERIC = CATALOGUE["staff.sign_in_failed"][0]
LOCKED = fill(CATALOGUE["staff.locked"][0], dict(minutes=1))


def test_a_visitor_who_is_not_signed_in_reaches_only_the_sign_in_page(staff_app):
    check_no_exception(staff_app)
    assert reachable(staff_app) == {"home"}
    open_page(staff_app, "home")
    assert staff_app.title[0].value == CATALOGUE["staff.page_home_signed_out"][0]
    assert staff_app.text_input(key="sign_in_password").proto.type == staff_app.text_input(key="sign_in_password").proto.PASSWORD


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_public_sign_in_page_sends_people_to_the_administrator_not_to_a_command_line(staff_app, lang):
    staff_app.sidebar.radio[0].set_value(lang).run()
    open_page(staff_app, "home")
    text = shown_text(staff_app)
    assert "python -m" not in text and "create-user" not in text
    assert ("系统管理员" if lang == "zh" else "ask the bureau's administrator") in text


@pytest.mark.parametrize("who", ["town", "staff", "admin"])
def test_each_role_gets_exactly_its_pages_and_every_one_renders(staff_app, who):
    sign_in(staff_app, who)
    check_no_exception(staff_app)
    assert staff_app.title[0].value == CATALOGUE["staff.page_home"][0]
    assert reachable(staff_app) == ROLE_PAGES[who]
    for key in ROLE_PAGES[who]:
        open_page(staff_app, key)
        check_no_exception(staff_app)
        assert staff_app.title[0].value == CATALOGUE[f"staff.page_{key}"][0]


NO_ACCESS = "dashboard/staff/pages/no_access.py"
ROLE_OF = {"town": "town_staff", "staff": "bureau_staff", "admin": "bureau_admin"}


def page_links(at) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


@pytest.mark.parametrize(("who", "lang"), [("town", 0), ("staff", 1)])
def test_a_page_the_role_may_not_use_says_so_in_the_chosen_language_and_offers_its_own(staff_app, who, lang):
    # Streamlit knows a page by its URL: every staff or portal URL outside the role's pages opens this page
    # (tests/browser/test_sessions.py opens such URLs); here its text and links.
    staff_app.sidebar.radio[0].set_value(("zh", "en")[lang]).run()
    sign_in(staff_app, who)
    staff_app.switch_page(NO_ACCESS).run()
    check_no_exception(staff_app)
    assert staff_app.title[0].value == CATALOGUE["staff.page_no_access"][lang]
    assert staff_app.warning[0].value == fill(CATALOGUE["staff.no_access"][lang], dict(role=ROLES[ROLE_OF[who]][lang]))
    own = [key for key in STAFF_PAGES if key in ROLE_PAGES[who]]
    assert page_links(staff_app) == [CATALOGUE[f"staff.page_{key}"][lang] for key in own]


def test_a_signed_out_visitor_gets_the_sign_in_page_not_the_no_access_page(staff_app):
    with pytest.raises(ValueError):
        staff_app.switch_page(NO_ACCESS)


def test_an_unknown_user_and_a_wrong_password_get_the_same_message(staff_app):
    sign_in(staff_app, "nobody", "whatever-you-say")
    unknown = errors(staff_app)
    sign_in(staff_app, "admin", "not the password")
    assert unknown == errors(staff_app) == [GENERIC]
    assert reachable(staff_app) == {"home"}


def test_five_failures_make_the_page_wait_a_minute_even_for_the_right_password(staff_app, staff_db):
    for _ in range(FREE_ATTEMPTS - 1):
        sign_in(staff_app, "staff", "not the password")
        assert errors(staff_app) == [GENERIC]
    sign_in(staff_app, "staff", "not the password")
    assert errors(staff_app) == [LOCKED]
    sign_in(staff_app, "staff", PASSWORD)  # the right password does not open during the wait
    assert errors(staff_app) == [LOCKED]
    assert reachable(staff_app) == {"home"}
    # A minute later (the wait's end moved into the past, as time passing would):
    with transaction(staff_db) as s:
        s.execute(update(SignInThrottle).values(blocked_until=None))
    sign_in(staff_app, "staff", PASSWORD)
    assert errors(staff_app) == []
    assert reachable(staff_app) == ROLE_PAGES["staff"]


def test_an_unknown_name_gets_the_same_wait_notice_as_a_real_account(staff_app):
    shown = {}
    for name in ("staff", "nobody"):
        for _ in range(FREE_ATTEMPTS):
            sign_in(staff_app, name, "not the password")
        shown[name] = errors(staff_app)
    assert shown["staff"] == shown["nobody"] == [LOCKED]


def _age_session(engine, seconds: float) -> None:
    """Move every open session's recorded activity `seconds` into the past (as if the person had been idle)."""
    back = dt.timedelta(seconds=seconds)
    with transaction(engine) as s:
        for row in s.exec(select(WebSession).where(WebSession.ended_at.is_(None))).all():
            row.last_active_at, row.expires_at = row.last_active_at - back, row.expires_at - back
            s.add(row)


def test_a_session_ends_after_thirty_idle_minutes(staff_app, staff_db):
    sign_in(staff_app, "admin")
    _age_session(staff_db, 29 * 60)
    open_page(staff_app, "home")
    assert reachable(staff_app) == EVERY_PAGE  # 29 idle minutes: still signed in (and the clock restarts)
    _age_session(staff_db, 30 * 60 + 1)
    staff_app.run()  # still on a staff page's URL: it is now the sign-in page, saying why
    assert staff_app.title[0].value == CATALOGUE["staff.page_home_signed_out"][0]
    assert fill(CATALOGUE["staff.idle_ended"][0], dict(minutes=30)) in shown_text(staff_app)
    assert reachable(staff_app) == {"home"}
    with Session(staff_db) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "sign_out")).one()
    assert (entry.actor, entry.detail) == ("admin", "idle timeout")


def test_signing_out_ends_the_session_and_is_audited(staff_app, staff_db):
    sign_in(staff_app, "town")
    sign_out(staff_app)
    assert reachable(staff_app) == {"home"}
    with Session(staff_db) as s:
        actions = [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.actor == "town")).all()]
    assert actions[-2:] == ["sign_in", "sign_out"]


def test_a_deactivated_account_loses_its_pages_at_the_next_click(staff_app, staff_db):
    sign_in(staff_app, "staff")
    deactivate(engine=staff_db, username="staff", by=Actor.operator("test"))
    staff_app.run()
    assert reachable(staff_app) == {"home"}


def test_every_staff_page_follows_the_english_switch(staff_app):
    sign_in(staff_app, "admin")
    staff_app.sidebar.radio[0].set_value("en").run()
    for key in EVERY_PAGE:
        open_page(staff_app, key)
        check_no_exception(staff_app)
        assert staff_app.title[0].value == CATALOGUE[f"staff.page_{key}"][1]


@pytest.mark.parametrize(("lang", "signed_in"), [("zh", "登录"), ("en", "signed in")])
def test_the_audit_log_names_actions_in_words_of_the_chosen_language(staff_app, lang, signed_in):
    sign_in(staff_app, "admin")
    staff_app.sidebar.radio[0].set_value(lang).run()
    open_page(staff_app, "audit")
    check_no_exception(staff_app)
    table = staff_app.dataframe[0].value
    action, entity = (CATALOGUE[f"staff.{k}"][0 if lang == "zh" else 1] for k in ("action", "entity"))
    assert signed_in in set(table[action])
    assert not any("sign_in" in cell for cell in table[action])  # never the code, bare or beside its words
    assert set(table[entity]) <= {"账号", "account"}


@pytest.mark.parametrize(("lang", "wrong", "uploaded"), [("zh", "密码错误", "文件名：base.csv"),
                                                         ("en", "wrong password", "file: base.csv")])
def test_the_audit_log_shows_details_and_changes_as_words_not_phrases_or_json(staff_app, lang, wrong, uploaded):
    from tests.db.test_workspace import BASE

    sign_in(staff_app, "admin", "not the password")  # refused: the log keeps why
    sign_in(staff_app, "admin")
    staff_app.sidebar.radio[0].set_value(lang).run()
    open_page(staff_app, "upload")
    staff_app.file_uploader(key="upload_file").set_value(("base.csv", BASE, "text/csv")).run()
    staff_app.button(key="upload_import").click().run()
    open_page(staff_app, "audit")
    check_no_exception(staff_app)
    table = staff_app.dataframe[0].value
    detail, after = (CATALOGUE[f"staff.{k}"][0 if lang == "zh" else 1] for k in ("detail", "after"))
    assert wrong in set(table[detail])
    if lang == "zh":
        assert "wrong password" not in set(table[detail])
    assert any(uploaded in a for a in table[after])
    assert not any(a.startswith("{") for a in table[after])  # never raw JSON


def test_staff_change_their_own_password_on_home_with_the_shared_widget(staff_app, staff_db):
    from db.accounts.users import authenticate

    at = sign_in(staff_app, "staff")
    at.text_input(key="own_current_password").input("not the password at all")
    at.text_input(key="own_new_password").input("another long password")
    at.text_input(key="own_new_password_again").input("another long password")
    at.get("form_submit_button")[0].click().run()
    check_no_exception(at)
    assert [e.value for e in at.error] == [CATALOGUE["staff.current_password_wrong"][0]]
    at.text_input(key="own_current_password").input(PASSWORD)
    at.text_input(key="own_new_password").input("another long password")
    at.text_input(key="own_new_password_again").input("another long password")
    at.get("form_submit_button")[0].click().run()
    assert at.success and at.success[0].value == CATALOGUE["staff.password_changed"][0]
    assert authenticate(engine=staff_db, username="staff", password="another long password")


def test_one_password_change_widget_serves_staff_and_agencies():
    root = Path(__file__).resolve().parents[2] / "dashboard"
    users = [p.relative_to(root).as_posix() for p in root.rglob("*.py") if "change_own_password" in p.read_text()]
    assert users == ["staff/password.py"]
