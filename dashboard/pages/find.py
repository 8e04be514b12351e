"""找服务机构 Find an agency: my town + the specialty I need → rated agencies serving the town, best grade first.

Blacklisted agencies are not offered (a finder's list reads as a recommendation, and the bureau warns against
hiring them); how many were left out is said, with a link to the blacklist, so nothing is hidden silently.
"""

import streamlit as st

from core.service_facts import FINDER_SPECIALTIES
from dashboard import compare_view, data, facts_view, plain, state, tables, ui
from dashboard.i18n import t
from dashboard.labels import specialty_label


def specialty_choice() -> str:
    """The specialty needed (outside the fragment below: the browser redraws the row of choices on every run it is
    part of, and a town is chosen more often than a specialty)."""
    specialty = st.radio(
        t("public.find_specialty"), list(SPECIALTIES), format_func=SPECIALTIES.__getitem__, horizontal=True,
        key=state.seed("specialty", default=FINDER_SPECIALTIES[0], options=list(FINDER_SPECIALTIES)),
    )
    state.put("specialty", specialty)
    return specialty


@st.fragment
def finder(specialty: str) -> None:
    """The town and the list: choosing a town re-runs this part alone (a fragment), so the server and the browser
    redo the list, not the whole page (the menu, the title, the notices, the specialties)."""
    with ui.failure_guard():  # a fragment's own run is outside the page's guard
        choose_and_list(specialty)


def choose_and_list(specialty: str) -> None:
    towns = data.town_names()
    names = {x: plain.text(x) for x in towns}
    town = st.selectbox(
        t("public.find_town"), towns, format_func=names.__getitem__, placeholder=t("public.find_town_placeholder"),
        key=state.seed("town", default=None, options=towns),
    )
    state.put("town", town)
    if town is None:
        st.info(t("public.find_choose_town"))
        return

    answer = data.find_agencies(town, specialty)
    if not answer["any"]:
        st.info(t("public.find_no_filings"))
        return
    found = answer["found"]
    offered = found[~found["blacklisted"]]
    if offered.empty:
        st.info(t("public.find_none", year=answer["year"], town=plain.md(town), specialty=SPECIALTIES[specialty]))
    else:
        st.caption(t("public.find_found", n=len(offered), year=answer["year"], as_of=answer["as_of"].isoformat()))
        table, config = facts_view.finder_table(offered, data.rulebook())
        # Rows tall enough for a long name to wrap in its narrow pinned column (as on the ratings page).
        plain.dataframe(table, hide_index=True, column_config=config, key="find_table", row_height=tables.WRAP_ROW_HEIGHT)
        st.caption(t("public.visits_counted_note"))
        # Tick a few of them and compare them in one step (Compare's own URL state: compare=CODE1,CODE2). Drawn when
        # asked: after a town is chosen the browser draws the list first, as a bare Streamlit page would.
        if st.toggle(t("public.find_compare_toggle"), key="find_compare_open"):
            found_names = dict(zip(offered["credit_code"], (plain.text(n) for n in offered["agency_name"]), strict=True))
            ticked = st.multiselect(
                t("public.find_compare_choose", n=compare_view.COMPARE_MAX), list(found_names),
                format_func=found_names.__getitem__, max_selections=compare_view.COMPARE_MAX,
                placeholder=t("public.choose_agency_placeholder"), key="find_compare")
            if len(ticked) < 2:
                st.caption(t("public.find_compare_need_two"))
            else:
                ui.page_link("compare", t("public.find_compare_go", n=len(ticked)), compare=ticked,
                             icon=":material/compare_arrows:")
    listed = int(found["blacklisted"].sum())
    if listed:
        st.warning(t("public.find_blacklisted", n=listed), icon=":material/block:")
        ui.page_link("blacklist", t("public.page_blacklist"), icon=":material/block:")
    if answer["unrated"]:
        st.caption(t("public.find_unrated", n=answer["unrated"]))
    st.caption(t("public.find_note"))


ui.header("public.find_title")
ui.demo_notice(ui.any_demo())  # the grades the list is sorted by may be demo data
st.caption(t("public.find_intro"))
# Labels read at each run (the language may change between runs); the order is FINDER_SPECIALTIES'.
SPECIALTIES = {s: specialty_label(s) for s in FINDER_SPECIALTIES}
finder(specialty_choice())
