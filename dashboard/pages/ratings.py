"""评定结果 Ratings: the year's table; search by any part of the name or code; filter by grade and by town served
(the agencies' contracts of the year, not the towns that assessed them); sort."""

from typing import Any

import pandas as pd
import streamlit as st

from core.rulebook import Rulebook
from dashboard import data, plain, state, tables, ui
from dashboard.i18n import t
from dashboard.labels import grade_labels, paren
from db.public.reads import filter_ratings

SORTS = {
    "total_desc": (["total", "credit_code"], [False, True]),
    "total_asc": (["total", "credit_code"], [True, True]),
    "name": (["agency_name"], [True]),
    "code": (["credit_code"], [True]),
}
SORT_LABELS = {"total_desc": "public.sort_total_desc", "total_asc": "public.sort_total_asc",
               "name": "common.agency_full_name", "code": "common.credit_code"}


def filters(rulebook: Rulebook) -> tuple[list[str], str, str]:
    """The grade, town and sort filters (outside the fragment below: a filter is chosen less often than a search,
    and the browser redraws three select boxes on every run they are part of)."""
    labels = grade_labels(rulebook)
    towns = data.town_names()
    left, middle, right = st.columns(3)
    grades = left.multiselect(
        t("public.filter_grade"), list(labels), format_func=labels.__getitem__, placeholder=t("public.all_grades"),
        key=state.seed("grade", default=[], options=list(labels)),
    )
    state.put("grade", grades)
    town_names = {"": t("public.all_towns"), **{x: plain.text(x) for x in towns}}
    town = middle.selectbox(
        t("public.filter_town"), [""] + towns, format_func=town_names.__getitem__,
        key=state.seed("town", default="", options=[""] + towns),
    )
    state.put("town", town)
    sort_names = {s: t(key) for s, key in SORT_LABELS.items()}
    sort = right.selectbox(
        t("public.sort"), list(SORTS), format_func=sort_names.__getitem__,
        key=state.seed("sort", default="total_desc", options=list(SORTS)),
    )
    state.put("sort", sort)
    return grades, town, sort


@st.fragment
def results(pub: dict[str, Any], rulebook: Rulebook, frame: pd.DataFrame, grades: list[str], town: str, sort: str,
            ) -> None:
    """The search and the table: a search (Enter) or a row ticked re-runs this part alone (a fragment), so the server
    and the browser redo the table and its lines, not the whole page (the menu, the title, the year, the filters)."""
    with ui.failure_guard():  # a fragment's own run is outside the page's guard
        search_and_table(pub, rulebook, frame, grades, town, sort)


def search_and_table(pub: dict[str, Any], rulebook: Rulebook, frame: pd.DataFrame, grades: list[str], town: str,
                     sort: str) -> None:
    query = st.text_input(t("public.search"), key=state.seed("q", default=""), placeholder=t("public.search_help"))
    state.put("q", query.strip())
    served = data.serving(int(pub["year"]), town) if town else None
    shown = filter_ratings(frame, query=query, grades=grades, serving=served, keys=data.search_keys(int(pub["id"])))
    if town:  # the filter reads the agencies' own contracts: say so, and say when there are none to read
        st.caption(t("public.ratings_town_note" if served else "public.ratings_town_no_filings", year=pub["year"]))
    by, ascending = SORTS[sort]
    shown = tables.sorted_ratings(shown, pub, by, ascending)  # every agency: sorted once per publication
    st.caption(t("public.rows_shown", shown=len(shown), total=len(frame)))
    if shown.empty:
        # Say what was looked for and where else to look, not just "nothing".
        st.info(t("public.no_match_query", q=plain.md(query.strip()), year=pub["year"]) if query.strip() else t("public.no_rows"))
        st.caption(t("public.no_rows_hint"))
        ui.page_link("profile", t("public.page_profile"), icon=":material/apartment:")
        return

    table = tables.ratings_table(shown, pub)
    # A long table is sent in chunks as the visitor scrolls (the first rows show sooner); row selection needs the
    # whole table in the browser, so it is offered once search or filters narrow the list to LAZY_FROM rows or fewer.
    # Ticking rows is a switch under the table, off at first: a table that can be ticked took the browser half as
    # long again to redraw after each search (bench_switch_cost --steps), and most searches only look.
    lazy = len(table) > tables.LAZY_FROM
    ticking = not lazy and st.session_state.get("ratings_tick", False)  # the switch below, as last set
    compact, full = tables.ratings_order(rulebook)
    event = tables.show(
        table, tables.ratings_columns(rulebook), key="ratings_table", compact=compact, full=full,
        lazy=lazy, on_select="rerun" if ticking else "ignore", selection_mode="multi-row",
        row_height=tables.WRAP_ROW_HEIGHT,  # a long name wraps in its narrow pinned column instead of being cut
    )
    if lazy:
        st.caption(t("public.select_hint_long", n=tables.LAZY_FROM))
    else:
        st.toggle(t("public.tick_rows"), key="ratings_tick")
    if ticking:
        st.caption(t("public.select_hint"))

    chosen = [shown.iloc[i]["credit_code"] for i in event.selection.rows] if ticking else []
    # A search that narrows the table to a few agencies offers their profiles directly.
    quick = chosen or (shown["credit_code"].tolist() if query.strip() and len(shown) <= 5 else [])
    names = dict(zip(shown["credit_code"], shown["agency_name"], strict=True))
    for code in quick[:5]:
        ui.page_link("profile", f"{t('public.open_profile')}{paren(plain.md(names[code]))}", agency=code, icon=":material/apartment:")
    if 2 <= len(chosen) <= 4:
        ui.page_link("compare", t("public.compare_selected"), compare=chosen, icon=":material/compare_arrows:")


ui.header("public.ratings_title")
ui.notice_banner()  # years under 公示, apart from the published years below
pub = ui.year_picker()
if pub is None:
    st.stop()
ui.demo_notice(pub["demo"])
rulebook = data.rulebook(pub["rulebook"])
frame = data.ratings(int(pub["id"]))

results(pub, rulebook, frame, *filters(rulebook))
