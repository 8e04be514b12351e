"""黑名单 Blacklist: the year's listed agencies with their grounds first; on request its practitioners, earlier years'
lists, the listings in force (认定部门, 认定依据, 列入日期, 移出日期, 状态) and the history of listings and removals."""

import streamlit as st

from core.china_time import today
from dashboard import data, plain, tables, ui
from dashboard.i18n import t
from dashboard.labels import clause_legend

ui.header("public.blacklist_title")
pub = ui.year_picker()
if pub is None:
    st.stop()
ui.demo_notice(pub["demo"])
rulebook = data.rulebook(pub["rulebook"])
view = tables.blacklist_view(pub)  # labelled and measured once per publication and language

st.subheader(t("public.blacklist_agencies"))
if view["agencies"] is None:
    st.info(t("public.no_blacklist"))
else:
    table, config, height = view["agencies"]
    tables.show(table, config, key="blacklist_agencies", compact=tables.BLACKLIST_AGENCIES_COMPACT,
                full=tables.BLACKLIST_AGENCIES_FULL, row_height=height)
if view["clauses"]:
    st.markdown(f"**{t('public.clause_texts')}**")
    st.markdown(view["clauses"])

# The year's listed agencies are the page's answer; the practitioners, earlier years, the listings in force and their
# history are drawn only when chosen (five data grids on one screen took the browser twice a bare page's time).
shown = ui.more("blacklist", {"practitioners": "public.blacklist_practitioners", "history": "public.blacklist_history",
                              "listings": "public.listings_current", "listings_history": "public.listings_history"})
if shown == "practitioners":
    st.subheader(t("public.blacklist_practitioners"))
    if view["practitioners"] is None:
        st.caption(t("public.no_blacklist_practitioners"))
    else:
        table, config, height = view["practitioners"]
        tables.show(table, config, key="blacklist_practitioners", compact=tables.BLACKLIST_PRACTITIONERS_COMPACT,
                    full=tables.BLACKLIST_PRACTITIONERS_FULL, row_height=height)
elif shown == "history":
    st.subheader(t("public.blacklist_history"))
    if view["history"] is None:
        st.caption(t("public.no_history"))
    else:
        table, config, height = view["history"]
        tables.show(table, config, key="blacklist_history", compact=tables.BLACKLIST_AGENCIES_COMPACT,
                    full=tables.BLACKLIST_AGENCIES_FULL, row_height=height)
elif shown == "listings":  # the listings (docs/listings.md): every year's, in force now
    listings = data.listings(today())
    st.subheader(t("public.listings_current"))
    st.caption(t("public.listings_intro"))
    in_force = listings["listings"][listings["listings"]["status"] == "listed"]
    if in_force.empty:
        st.caption(t("public.no_listings"))
    else:
        table, config = tables.listings_table(in_force, rulebook)
        tables.show(table, config, key="listings_current", compact=tables.LISTINGS_COMPACT, full=tables.LISTINGS_FULL,
                    row_height=tables.grounds_row_height(table))
        listed_codes = [c for clauses in in_force["basis_clauses"] for c in str(clauses or "").split(";") if c]
        if listed_codes:
            st.markdown(f"**{t('public.clause_texts')}**")
            st.markdown(clause_legend(listed_codes, rulebook))
elif shown == "listings_history":  # what happened to the listings
    listings = data.listings(today())
    st.subheader(t("public.listings_history"))
    if listings["history"].empty:
        st.caption(t("public.no_listing_history"))
    else:
        table, config = tables.listing_history_table(listings["history"])
        plain.dataframe(table, hide_index=True, column_config=config, key="listings_history")
