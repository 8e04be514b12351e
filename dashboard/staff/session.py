"""Who is signed in to the staff workspace (and the agency portal): sign-in, the idle limit, sign-out, the staff menu.

A signed-in browser holds only a random token (st.session_state and a cookie, dashboard/staff/cookie.py); the
session lives in the database (db/accounts/sessions.py: its hash, its account, its expiry), so a reload, a bookmark,
a restart or another app process on the same database continues it, and sign-out, the idle limit, deactivation
and a password reset end it everywhere. Every rerun re-reads the session and the account: a role or town changed
meanwhile shows at once, and a deactivated account is signed out.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import data
from dashboard.i18n import t
from dashboard.staff import cookie
from db.accounts import sessions, users
from db.accounts.actor import Actor
from db.accounts.roles import PERMISSIONS, is_staff_role, may
from db.store.models import utcnow

TOKEN_KEY = "staff_token"  # the session's token (the cookie's value; only its hash is in the database)
EXPIRES_KEY = "staff_expires"  # when the session ends unless used, as last read from the database
COOKIE_READ_KEY = "staff_cookie_read"  # the cookie is read once per Streamlit session, not again after sign-out
COOKIE_SET_KEY = "staff_cookie_set"  # this tab wrote the cookie, so sign-out must clear it
NOTICE_KEY = "staff_notice"  # why the last session ended ("idle"), shown once on the sign-in page
RUN_KEY = "staff_run"  # marks the current script run: the session is looked up once per run, not per menu and page
SEEN_KEY = "staff_seen"  # (run mark, token, account) of this run's look-up
PAGES_DIR = "dashboard/staff/pages"

# Staff pages in menu order: key → (script, url path, icon, action that must be allowed; None = any signed-in user).
STAFF_PAGES: dict[str, tuple[str, str, str, str | None]] = {
    "home": (f"{PAGES_DIR}/home.py", "staff", ":material/badge:", None),
    "record_finding": (f"{PAGES_DIR}/record_finding.py", "staff-finding", ":material/edit_note:", "record_finding"),
    "record_interview": (f"{PAGES_DIR}/record_interview.py", "staff-interview", ":material/forum:", "record_interview"),
    "upload": (f"{PAGES_DIR}/upload.py", "staff-upload", ":material/upload_file:", "upload"),
    "publish": (f"{PAGES_DIR}/publish.py", "staff-publish", ":material/publish:", "publish"),
    "users": (f"{PAGES_DIR}/users.py", "staff-users", ":material/manage_accounts:", "manage_users"),
    "towns": (f"{PAGES_DIR}/towns.py", "staff-towns", ":material/location_city:", "manage_towns"),
    "audit": (f"{PAGES_DIR}/audit.py", "staff-audit", ":material/history:", "read_audit"),
    "listings": (f"{PAGES_DIR}/listings.py", "staff-listings", ":material/gavel:", "decide_listings"),
    "suggestions": (f"{PAGES_DIR}/suggestions.py", "staff-suggestions", ":material/fact_check:", "work_suggestions"),
    "objections": (f"{PAGES_DIR}/objections.py", "staff-objections", ":material/rate_review:", "resolve_objections"),
    "hazard_reports": (f"{PAGES_DIR}/hazard_reports.py", "staff-hazard-reports", ":material/report:",
                       "work_hazard_reports"),
    "documents": (f"{PAGES_DIR}/documents.py", "staff-documents", ":material/folder_open:", "read_documents"),
    "spot_checks": (f"{PAGES_DIR}/spot_checks.py", "staff-spot-checks", ":material/casino:", "spot_check"),
    "inspections": (f"{PAGES_DIR}/inspections.py", "staff-inspections", ":material/domain_verification:", "read_supervision"),
    "referrals": (f"{PAGES_DIR}/referrals.py", "staff-referrals", ":material/outgoing_mail:", "read_supervision"),
}
assert all(action is None or action in PERMISSIONS for *_, action in STAFF_PAGES.values())


def client_key() -> str:
    """Who is signing in, as far as the page can tell: the key failed sign-ins are throttled by (db/accounts/throttle.py).

    Behind a reverse proxy every connection comes from the proxy, so the address the proxy appended last to
    X-Forwarded-For comes first; then the connection's address; on localhost (no address) this browser session.
    A client can fake the header or open new sessions: the account-wide ceiling is what bounds that.
    """
    header = st.context.headers.get("X-Forwarded-For")
    forwarded = [hop.strip() for hop in header.split(",") if hop.strip()] if isinstance(header, str) else []
    if forwarded:
        return f"forwarded:{forwarded[-1]}"
    address = st.context.ip_address
    if isinstance(address, str) and address:  # a test harness hands out a stand-in object instead
        return f"ip:{address}"
    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id if ctx else ''}"


def idle_limit() -> dt.timedelta:
    """How long a session may stay idle (SESSION_IDLE_SECONDS, default 30 minutes)."""
    return dt.timedelta(seconds=data.settings().session_idle_seconds)


def idle_minutes() -> int:
    """The idle limit in whole minutes, as the pages state it (at least 1)."""
    return max(1, math.ceil(idle_limit().total_seconds() / 60))


def _note() -> str:
    # Which app process opened the session: useful when several serve one site. Never a secret, never an address.
    return f"{platform.node()[:100]} pid {os.getpid()}"


def sign_in(username: str, password: str) -> users.SignInResult:
    """Check the credentials (throttled and audited by db.accounts.users); on success open a server-side session.

    The session's token goes to this browser tab (st.session_state) and, through keep_cookie, to a cookie, so a
    reload, a bookmark or another app process on the same database finds it again.
    """
    result = users.authenticate(engine=data.engine(), username=username, password=password, client=client_key(),
                                session_idle=idle_limit(), note=_note())
    if result.user is not None and result.token:
        st.session_state[TOKEN_KEY] = result.token
        st.session_state[EXPIRES_KEY] = utcnow() + idle_limit()
        st.session_state.pop(NOTICE_KEY, None)
    return result


def sign_out() -> None:
    """End this browser's session (audited); keep_cookie then clears the cookie."""
    token = st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(EXPIRES_KEY, None)
    if token:
        sessions.end(engine=data.engine(), token=token, reason=sessions.SIGNED_OUT)


def _token() -> str | None:
    """This tab's session token; on a fresh Streamlit session (a reload, a bookmark) the cookie's, read once."""
    token = st.session_state.get(TOKEN_KEY)
    if token is None and not st.session_state.get(COOKIE_READ_KEY):
        st.session_state[COOKIE_READ_KEY] = True
        token = cookie.read()
        if token:
            st.session_state[TOKEN_KEY] = token
    return token


def new_run() -> None:
    """Mark the start of a script run (streamlit_app.py, after the callbacks): the next look-up reads the database."""
    st.session_state[RUN_KEY] = os.urandom(8).hex()


def current_user(now: dt.datetime | None = None) -> dict[str, Any] | None:
    """The signed-in account of this tab as it is now in the database, or None.

    The session is looked up in the database once per run (any process may have ended it; the menu, the stand-ins
    and the page then share the answer); past the idle limit it ends with a notice for the sign-in page; a
    deactivated account's session ends.
    """
    token = _token()
    if not token:
        return None
    seen = st.session_state.get(SEEN_KEY)
    run = st.session_state.get(RUN_KEY)
    if now is None and run and seen and seen[:2] == (run, token):
        return dict(seen[2])
    found = sessions.resume(engine=data.engine(), token=token, idle=idle_limit(), now=now)
    if found.status == "open":
        st.session_state[EXPIRES_KEY] = found.expires_at
        st.session_state[SEEN_KEY] = (run, token, found.user)
        return dict(found.user)
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(EXPIRES_KEY, None)
    if found.status == "expired":
        st.session_state[NOTICE_KEY] = "idle"
    return None


def keep_cookie() -> None:
    """Make the browser's cookie follow the session: set with its expiry while signed in, cleared after.

    Called once per run after the menu is built (so after current_user has resumed or ended the session).
    """
    token, expires_at = st.session_state.get(TOKEN_KEY), st.session_state.get(EXPIRES_KEY)
    if token and expires_at:
        st.session_state[COOKIE_SET_KEY] = True
        cookie.put(token, expires_at)
    elif st.session_state.get(COOKIE_SET_KEY) or cookie.read():
        cookie.put(None)


def _page(key: str, title: str) -> st.Page:
    script, url_path, icon, _ = STAFF_PAGES[key]
    return st.Page(script, title=title, icon=icon, url_path=url_path)


def allowed_pages(user: dict[str, Any] | None) -> list[str]:
    """The staff page keys this user may open (only the sign-in page when signed out)."""
    if user is None:
        return ["home"]
    if not is_staff_role(user.get("role")):  # an agency account: the portal's pages (dashboard/agency), never these
        return []
    return [key for key, (*_, action) in STAFF_PAGES.items() if action is None or may(user, action)]


def staff_section() -> dict[str, list[st.Page]]:
    """The staff menu for this session: sign-in when signed out, else only the pages the role may use."""
    user = current_user()
    pages = [
        _page(key, t("staff.page_home_signed_out") if user is None and key == "home" else t(f"staff.page_{key}"))
        for key in allowed_pages(user)
    ]
    return {t("staff.section_staff"): pages} if pages else {}


def require(action: str | None = None) -> dict[str, Any]:
    """The signed-in user if allowed to do `action`; otherwise a notice and st.stop() (a page's first line).

    The menu already hides what a role may not use; this is the second check, and every db service checks again.
    """
    user = current_user()
    if user is None or not allowed_pages(user) or (action is not None and not may(user, action)):
        st.warning(t("staff.not_allowed"))
        st.stop()
    return user


def actor(user: dict[str, Any]) -> Actor:
    """Who a page's services act for: the signed-in account (Actor.of; never the command line's operator).

    The services re-read the account inside their own transaction, so what the session read is only a claim.
    """
    return Actor.of(user)


def page_path(key: str) -> str:
    """The script path of a staff page (for st.page_link / st.switch_page)."""
    return STAFF_PAGES[key][0]
