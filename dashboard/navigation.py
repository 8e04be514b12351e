"""The site's navigation: one function per audience returns its section of pages; st.navigation gets them all.

A later audience (the staff workspace) adds its own function to `AUDIENCES`: it returns its section only
for a signed-in user with the right role, so a page a visitor may not use does not exist in their session.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.agency.session import AGENCY_PAGES, PAGE_TITLES, agency_section, is_agency
from dashboard.i18n import current, t
from dashboard.staff import session as staff_session
from dashboard.staff.session import STAFF_PAGES, allowed_pages, staff_section
from dashboard.ui import PAGES

# (page key, icon) in menu order; the first one is the default page.
PUBLIC_MENU: tuple[tuple[str, str], ...] = (
    ("overview", ":material/dashboard:"),
    ("ratings", ":material/table_view:"),
    ("find", ":material/travel_explore:"),
    ("blacklist", ":material/block:"),
    ("profile", ":material/apartment:"),
    ("compare", ":material/compare_arrows:"),
    ("open_data", ":material/download:"),
    ("check_file", ":material/verified:"),
    ("spot_checks", ":material/casino:"),
    ("rules", ":material/gavel:"),
)


def public_section() -> dict[str, list[st.Page]]:
    """The public site: every visitor gets these pages.

    Streamlit serves the default page at "/" only: its own path (`/overview`) answered "Page not found". The default
    page is given the root path, and a hidden page (not in the menu; registered last, so links and the menu still
    go to "/") opens the same script at its own path.
    """
    pages = [
        st.Page(PAGES[key][0], title=t(f"public.page_{key}"), icon=icon, url_path="" if i == 0 else PAGES[key][1],
                default=(i == 0))
        for i, (key, icon) in enumerate(PUBLIC_MENU)
    ]
    first, icon = PUBLIC_MENU[0]
    pages.append(st.Page(PAGES[first][0], title=t(f"public.page_{first}"), icon=icon, url_path=PAGES[first][1],
                         visibility="hidden"))
    return {t("public.section_public"): pages}


def signed_in_urls() -> list[str]:
    """Every URL path of the staff and portal pages but the sign-in page's own."""
    home = STAFF_PAGES["home"][1]
    paths = [url for _, url, *_ in STAFF_PAGES.values()] + [url for _, url, _ in AGENCY_PAGES.values()]
    return [url for url in dict.fromkeys(paths) if url != home]


def sign_in_stand_ins() -> dict[str, list[st.Page]]:
    """Signed out: every staff and portal URL opens the sign-in page, hidden from the menu.

    A bookmark or a reload of /staff-upload then shows the sign-in form (in the URL's language) instead of
    Streamlit's "Page not found"; once signed in, the same URL is the real page (a page is known by its URL path),
    so the visitor lands where they asked. Signed in, these do not exist: a page a role may not use stays absent.
    """
    if staff_session.current_user() is not None:
        return {}
    script = STAFF_PAGES["home"][0]
    pages = [st.Page(script, title=t("staff.page_home_signed_out"), url_path=url, visibility="hidden")
             for url in signed_in_urls()]
    return {t("staff.section_staff"): pages}


NO_ACCESS_SCRIPT = "dashboard/staff/pages/no_access.py"


def own_pages(user: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The (script, url path, title, icon) of every staff or portal page a signed-in account may use, in menu order."""
    if is_agency(user):
        return [(script, url, t(PAGE_TITLES[key]), icon) for key, (script, url, icon) in AGENCY_PAGES.items()]
    return [(STAFF_PAGES[key][0], STAFF_PAGES[key][1], t(f"staff.page_{key}"), STAFF_PAGES[key][2])
            for key in allowed_pages(user)]


def no_access_stand_ins() -> dict[str, list[st.Page]]:
    """Signed in: every staff and portal URL the account's role may not use opens the no-access page, hidden.

    Without it Streamlit answers such a URL (a colleague's link, an old bookmark) with its English "Page not found";
    the page says, in the chosen language, that the role may not use it and links the account's own pages. The
    page a role may not use still does not exist in its session: only this notice answers at its URL.
    """
    user = staff_session.current_user()
    if user is None:
        return {}
    own = {url for _, url, _, _ in own_pages(user)}
    pages = [st.Page(NO_ACCESS_SCRIPT, title=t("staff.page_no_access"), url_path=url, visibility="hidden")
             for url in signed_in_urls() if url not in own]
    # Joins the account's own section: a section of hidden pages alone would show an empty heading in the menu.
    section = t("common.agency_short") if is_agency(user) else t("staff.section_staff")
    return {section: pages} if pages else {}


# One function per audience, in menu order. Each returns {section title: pages} for this session ({} if none);
# pages under a title another audience already used join that section.
AUDIENCES: list[Callable[[], dict[str, list[st.Page]]]] = [public_section, staff_section, sign_in_stand_ins,
                                                           agency_section, no_access_stand_ins]


def sections() -> dict[str, list[st.Page]]:
    """Every section this session may see, for st.navigation: built once per role and language, copied per run.

    The menu depends only on the language and on what the account may use (signed out, an agency, or a staff role's
    pages), and building its ~50 st.Page objects (each resolves its script on disk) was a tenth of a visitor's
    server time on every run. st.navigation marks the page it returns as callable (`_can_be_called`), so each run
    gets its own shallow copies: two sessions running at once never share that flag.
    """
    user = staff_session.current_user()
    key = (current(), user is None, is_agency(user), tuple(allowed_pages(user)))
    built = _BUILT.get(key)
    if built is None:
        built = _build()
        with _BUILT_LOCK:
            _BUILT.setdefault(key, built)
    return {title: [copy.copy(page) for page in pages] for title, pages in built.items()}


def _build() -> dict[str, list[st.Page]]:
    out: dict[str, list[st.Page]] = {}
    for audience in AUDIENCES:
        for title, pages in audience().items():
            out[title] = out.get(title, []) + pages
    return out


# (language, signed out, agency, the staff pages the role may use) → the menu. A handful of keys: two languages
# times the roles; the titles come from the catalogue, which does not change while the process runs.
_BUILT: dict[tuple[Any, ...], dict[str, list[st.Page]]] = {}
_BUILT_LOCK = threading.Lock()
