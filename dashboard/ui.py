"""Small UI pieces every public page uses: the header, the year picker, the demo notice, page links."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from core.china_time import today as china_today
from dashboard import data, state
from dashboard.i18n import LANGUAGES, current, t
from dashboard.labels import grade_label, local_date, paren
from dashboard.plain import dataframe, md, text
from db.store.engine import is_unavailable
from db.store.settings import SettingsError

log = logging.getLogger(__name__)

PAGES_DIR = "dashboard/pages"
# The public pages: key → (script, url path). The script paths are relative to streamlit_app.py.
PAGES: dict[str, tuple[str, str]] = {
    "overview": (f"{PAGES_DIR}/overview.py", "overview"),
    "ratings": (f"{PAGES_DIR}/ratings.py", "ratings"),
    "blacklist": (f"{PAGES_DIR}/blacklist.py", "blacklist"),
    "profile": (f"{PAGES_DIR}/profile.py", "profile"),
    "compare": (f"{PAGES_DIR}/compare.py", "compare"),
    "open_data": (f"{PAGES_DIR}/open_data.py", "open-data"),
    "check_file": (f"{PAGES_DIR}/check_file.py", "check"),
    "rules": (f"{PAGES_DIR}/rules.py", "rules"),
    "find": (f"{PAGES_DIR}/find.py", "find"),
    "spot_checks": (f"{PAGES_DIR}/spot_checks.py", "spot-checks"),
}

# The columns of a draft under notice (db.publishing.notice.NOTICE_RATING_COLUMNS) → their labels.
DRAFT_COLUMNS = {"credit_code": "public.credit_code", "agency_name": "common.agency_name", "total": "common.total",
                 "grade": "public.grade", "blacklist_clauses": "public.blacklist_clauses"}


def header(title_key: str) -> None:
    """The page title, the line that says what this site is, and the switch to the other language."""
    st.title(t(title_key))
    st.caption(t("public.site_caption"))
    other_language_button()


def other_language_button() -> None:
    """A button to the other language under the title: on a phone the sidebar's switch is hidden behind the menu.

    It sets the sidebar switch's own state (before the switch is drawn on the next run), so the two never disagree.
    """
    other = "en" if current() == "zh" else "zh"
    st.button(LANGUAGES[other], key="other_language", icon=":material/translate:", type="tertiary",
              on_click=st.session_state.__setitem__, args=(state.widget_key("lang"), other))


def notice_banner(year: int | None = None) -> None:
    """Each year under 公示 (or only `year`), marked 公示中 with its deadline, apart from the published years."""
    shown = data.notices(china_today())
    if year is not None:
        shown = shown[shown["year"] == year]
    for row in shown.itertuples():
        key = "public.notice_running" if row.running else "public.notice_ended"
        st.info(t(key, year=row.year, opened_on=local_date(row.opened_on), ends_on=local_date(row.ends_on)),
                icon=":material/campaign:")
        with st.expander(t("public.notice_ratings", year=row.year)):
            st.caption(t("public.notice_ratings_note"))
            draft = data.notice_ratings(int(row.year))
            book = data.rulebook()
            shown_rows = draft.assign(grade=[grade_label(g, book) for g in draft["grade"]])
            dataframe(shown_rows.rename(columns={c: t(DRAFT_COLUMNS[c]) for c in draft.columns}), hide_index=True,
                      width="stretch", key=f"notice-ratings-{row.year}")


def demo_notice(is_demo: bool) -> None:
    """A clear warning when what the page shows is demo data."""
    if is_demo:
        st.warning(t("public.demo_notice"), icon="⚠️")


def any_demo() -> bool:
    """True when any published version is demo data (for pages that are not about one year)."""
    pubs = data.publications()
    return bool(pubs["demo"].any()) if not pubs.empty else False


def year_picker() -> dict[str, Any] | None:
    """The year selector (latest published year by default; `year` in the URL) → that year's publication.

    Shows a notice and returns None when nothing is published; only published years are offered.
    """
    years = data.published_years()
    if not years:
        st.info(t("public.no_publication"))
        return None
    asked, fresh_link = state.read("year"), state.is_new("year")
    key = state.seed("year", default=years[0], options=years, cast=int)
    if fresh_link and asked and asked.isdigit() and len(asked) == 4 and int(asked) not in years:
        # A link to a year that was never published: say so instead of silently showing another year.
        st.warning(t("public.year_not_published", year=asked, shown=st.session_state[key]))
    # format_func reads a dict made now: AppTest calls it outside the run, where the language is unknown.
    names = {y: t("public.year_value", year=y) for y in years}
    year = st.selectbox(t("common.year"), years, key=key, format_func=names.__getitem__)
    state.put("year", year)
    return data.current_publication(int(year))


def more(page: str, sections: dict[str, str]) -> str | None:
    """A row of buttons naming the page's further sections (section → catalogue key of its name): only the chosen one
    is drawn, none at first. The page's main answer comes first and shows sooner; st.tabs and st.expander would still
    draw every section in the browser on each run (a page switch took twice a bare Streamlit page's time)."""
    names = {section: t(key) for section, key in sections.items()}
    # Pills, not a segmented control: they wrap onto a second line at 390 px instead of running off the screen.
    return st.pills(t("public.more_sections"), list(names), format_func=names.__getitem__, key=f"more_{page}")


def page_link(page: str, label: str, *, icon: str | None = None, **params: Any) -> None:
    """A link to another public page carrying the given state (and the language) in its URL."""
    st.page_link(PAGES[page][0], label=label, icon=icon, query_params=state.link_params(**params))


def switch_to(page: str, **params: Any) -> None:
    """Go to another public page with the given state in its URL."""
    st.switch_page(PAGES[page][0], query_params=state.link_params(**params))


def agency_choices() -> tuple[list[str], dict[str, str]]:
    """Every published agency's code, and code → `name（code）` for pickers (built once per catalog and language)."""
    return _agency_choices(data.catalog_key(), current())


@st.cache_data(show_spinner=False, max_entries=8)
def _agency_choices(key: tuple[int, ...], lang: str) -> tuple[list[str], dict[str, str]]:
    index = data.agency_index()
    codes = index["credit_code"].tolist()
    return codes, {c: text(n) + paren(c) for c, n in zip(codes, index["agency_name"], strict=True)}


def profile_url(credit_code: str) -> str:
    """A short relative link to an agency's profile (table cells; the language only when it is not Chinese)."""
    lang = state.link_params().get("lang", "zh")
    suffix = "" if lang == "zh" else f"&lang={lang}"
    return f"{PAGES['profile'][1]}?agency={credit_code}{suffix}"


@contextmanager
def failure_guard() -> Iterator[None]:
    """Whatever fails inside shows a plain message in both languages, never a traceback; details go to the log.

    Only Exception is caught: st.stop() and reruns are BaseExceptions and pass through.
    """
    try:
        yield
    except SettingsError as exc:  # for whoever runs the server: every bad variable by name, in both languages
        st.error(md(str(exc)), icon=":material/error:")
    except Exception as exc:
        log.exception("page failed")
        st.error(t("public.database_unavailable") if is_unavailable(exc) else t("public.page_failed"), icon=":material/error:")
