"""Who is signed in to the staff workspace: sign-in, the 30-minute idle limit, sign-out, and the staff menu.

A signed-in browser session holds only a random token (st.session_state); the account behind it lives in a
map of open sessions in this server process (not in the database: a reload or a restart signs staff out), so an
administrator can end someone's sessions (deactivation, password reset) and the idle limit is enforced in one place. Every rerun re-reads the account from the database: a
role or town changed meanwhile shows at once, and a deactivated account is signed out.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import data
from dashboard.i18n import current
from dashboard.staff.text import t
from db.accounts import security, users
from db.accounts.roles import PERMISSIONS, ROLES, is_staff_role, may

IDLE_LIMIT_SECONDS = 30 * 60
TOKEN_KEY = "staff_token"
NOTICE_KEY = "staff_notice"  # why the last session ended ("idle"), shown once on the sign-in page
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
    "documents": (f"{PAGES_DIR}/documents.py", "staff-documents", ":material/folder_open:", "read_documents"),
}
assert all(action is None or action in PERMISSIONS for *_, action in STAFF_PAGES.values())


@dataclass
class OpenSession:
    """One signed-in browser session (server side)."""

    user: dict[str, Any]
    last_active: float


_SESSIONS: dict[str, OpenSession] = {}
_LOCK = threading.Lock()


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


def sign_in(username: str, password: str) -> users.SignInResult:
    """Check the credentials (throttled and audited by db.accounts.users); on success open a session for this browser tab."""
    result = users.authenticate(engine=data.engine(), username=username, password=password, client=client_key())
    if result.user is not None:
        token = security.new_session_token()
        with _LOCK:
            _SESSIONS[token] = OpenSession(user=result.user, last_active=time.time())
        st.session_state[TOKEN_KEY] = token
        st.session_state.pop(NOTICE_KEY, None)
    return result


def _end(token: str, reason: str) -> None:
    with _LOCK:
        session = _SESSIONS.pop(token, None)
    if session is not None:
        users.sign_out(engine=data.engine(), user=session.user, reason=reason)


def sign_out() -> None:
    """End this browser tab's session (audited)."""
    token = st.session_state.pop(TOKEN_KEY, None)
    if token:
        _end(token, "signed out")


def end_sessions_of(username: str, reason: str) -> None:
    """End every open session of an account (after it is deactivated or its password reset)."""
    with _LOCK:
        tokens = [tok for tok, s in _SESSIONS.items() if s.user["username"] == username]
    for token in tokens:
        _end(token, reason)


def current_user(now: float | None = None) -> dict[str, Any] | None:
    """The signed-in account of this tab, or None; ends the session after IDLE_LIMIT_SECONDS without activity."""
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return None
    now = time.time() if now is None else now
    with _LOCK:
        session = _SESSIONS.get(token)
    if session is None:  # ended elsewhere (an admin, a server restart)
        st.session_state.pop(TOKEN_KEY, None)
        return None
    if now - session.last_active > IDLE_LIMIT_SECONDS:
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state[NOTICE_KEY] = "idle"
        _end(token, "idle timeout")
        return None
    fresh = users.current_user(engine=data.engine(), username=session.user["username"])
    if fresh is None or not fresh["active"]:
        st.session_state.pop(TOKEN_KEY, None)
        _end(token, "account deactivated")
        return None
    session.user, session.last_active = fresh, now
    return fresh


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
        _page(key, t("page_home_signed_out") if user is None and key == "home" else t(f"page_{key}"))
        for key in allowed_pages(user)
    ]
    return {t("section_staff"): pages} if pages else {}


def require(action: str | None = None) -> dict[str, Any]:
    """The signed-in user if allowed to do `action`; otherwise a notice and st.stop() (a page's first line).

    The menu already hides what a role may not use; this is the second check, and every db service checks again.
    """
    user = current_user()
    if user is None or not allowed_pages(user) or (action is not None and not may(user, action)):
        st.warning(t("not_allowed"))
        st.stop()
    return user


def role_text(user: dict[str, Any]) -> str:
    """The role's name in the visitor's language."""
    zh, en = ROLES[user["role"]]
    return en if current() == "en" else zh


def page_path(key: str) -> str:
    """The script path of a staff page (for st.page_link / st.switch_page)."""
    return STAFF_PAGES[key][0]
