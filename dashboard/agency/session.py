"""The agency portal's menu and page guard, on the staff workspace's sign-in (dashboard/staff/session.py).

An agency signs in on the same page, with the same throttle, idle limit and audit. Its menu holds only the
portal's pages, and staff pages never exist in its session (staff_section gives it none), so neither the menu nor
a URL reaches them. The portal's home page sits at the sign-in page's URL: right after signing in there, the
agency lands on its own workspace.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.i18n import t
from dashboard.staff import session as staff_session
from db.accounts.actor import Actor
from db.accounts.roles import may

PAGES_DIR = "dashboard/agency/pages"
ACTION = "agency_portal"
# Portal pages in menu order: key → (script, url path, icon). "home" shares the sign-in page's URL (see above).
AGENCY_PAGES: dict[str, tuple[str, str, str]] = {
    "home": (f"{PAGES_DIR}/home.py", staff_session.STAFF_PAGES["home"][1], ":material/home_work:"),
    "monthly": (f"{PAGES_DIR}/monthly.py", "agency-monthly", ":material/calendar_month:"),
    "registry": (f"{PAGES_DIR}/registry.py", "agency-registry", ":material/assignment:"),
    "practitioners": (f"{PAGES_DIR}/practitioners.py", "agency-practitioners", ":material/groups:"),
    "contracts": (f"{PAGES_DIR}/contracts.py", "agency-contracts", ":material/handshake:"),
    "findings": (f"{PAGES_DIR}/findings.py", "agency-findings", ":material/rule:"),
    "hazard_reports": (f"{PAGES_DIR}/hazard_reports.py", "agency-hazard-reports", ":material/report:"),
}
# Each page's title; the practitioners and monthly pages are named for the file they file (common.kind_*).
PAGE_TITLES: dict[str, str] = {key: f"agency.page_{key}" for key in AGENCY_PAGES} | {
    "practitioners": "common.kind_practitioners", "monthly": "common.kind_reports"}


def is_agency(user: dict[str, Any] | None) -> bool:
    """True for a signed-in account the permission table lets use the portal."""
    return user is not None and may(user, ACTION)


def agency_section() -> dict[str, list[st.Page]]:
    """The portal's menu: only for a signed-in agency account ({} for everyone else)."""
    if not is_agency(staff_session.current_user()):
        return {}
    pages = [st.Page(script, title=t(PAGE_TITLES[key]), icon=icon, url_path=url)
             for key, (script, url, icon) in AGENCY_PAGES.items()]
    return {t("common.agency_short"): pages}


def require() -> dict[str, Any]:
    """The signed-in agency account; otherwise a notice and st.stop() (a page's first line; services check again)."""
    user = staff_session.current_user()
    if not is_agency(user):
        st.warning(t("agency.not_allowed"))
        st.stop()
    return user


def actor(user: dict[str, Any]) -> Actor:
    """Who a portal page's services act for: the signed-in agency account (services re-read it)."""
    return staff_session.actor(user)


def page_path(key: str) -> str:
    """The script path of a portal page (for st.page_link)."""
    return AGENCY_PAGES[key][0]
