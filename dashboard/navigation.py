"""The site's navigation: one function per audience returns its section of pages; st.navigation gets them all.

A later audience (the staff workspace) adds its own function to `AUDIENCES`: it returns its section only
for a signed-in user with the right role, so a page a visitor may not use does not exist in their session.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.agency.session import AGENCY_PAGES, agency_section
from dashboard.i18n import t
from dashboard.staff import session as staff_session
from dashboard.staff.session import STAFF_PAGES, staff_section
from dashboard.staff.text import t as staff_t
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
    ("rules", ":material/gavel:"),
)


def public_section() -> dict[str, list[st.Page]]:
    """The public site: every visitor gets these pages.

    Streamlit serves the default page at "/" only: its own path (`/overview`) answered "Page not found". The default
    page is given the root path, and a hidden page (not in the menu; registered last, so links and the menu still
    go to "/") opens the same script at its own path.
    """
    pages = [
        st.Page(PAGES[key][0], title=t(f"page_{key}"), icon=icon, url_path="" if i == 0 else PAGES[key][1],
                default=(i == 0))
        for i, (key, icon) in enumerate(PUBLIC_MENU)
    ]
    first, icon = PUBLIC_MENU[0]
    pages.append(st.Page(PAGES[first][0], title=t(f"page_{first}"), icon=icon, url_path=PAGES[first][1],
                         visibility="hidden"))
    return {t("section_public"): pages}


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
    pages = [st.Page(script, title=staff_t("page_home_signed_out"), url_path=url, visibility="hidden")
             for url in signed_in_urls()]
    return {staff_t("section_staff"): pages}


# One function per audience, in menu order. Each returns {section title: pages} for this session ({} if none);
# pages under a title another audience already used join that section.
AUDIENCES: list[Callable[[], dict[str, list[st.Page]]]] = [public_section, staff_section, sign_in_stand_ins,
                                                           agency_section]


def sections() -> dict[str, list[st.Page]]:
    """Every section this session may see, for st.navigation."""
    out: dict[str, list[st.Page]] = {}
    for audience in AUDIENCES:
        for title, pages in audience().items():
            out[title] = out.get(title, []) + pages
    return out
