"""黑名单 Blacklist: the year's listed agencies and practitioners with their grounds, earlier years' lists, the
listings in force (认定部门, 认定依据, 列入日期, 移出日期, 状态) and the history of listings and removals."""

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

st.subheader(t("public.blacklist_practitioners"))
if view["practitioners"] is None:
    st.caption(t("public.no_blacklist_practitioners"))
else:
    table, config, height = view["practitioners"]
    tables.show(table, config, key="blacklist_practitioners", compact=tables.BLACKLIST_PRACTITIONERS_COMPACT,
                full=tables.BLACKLIST_PRACTITIONERS_FULL, row_height=height)

st.subheader(t("public.blacklist_history"))
if view["history"] is None:
    st.caption(t("public.no_history"))
else:
    table, config, height = view["history"]
    tables.show(table, config, key="blacklist_history", compact=tables.BLACKLIST_AGENCIES_COMPACT,
                full=tables.BLACKLIST_AGENCIES_FULL, row_height=height)

# The listings (docs/listings.md): every year's, in force now, and what happened to them.
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

st.subheader(t("public.listings_history"))
if listings["history"].empty:
    st.caption(t("public.no_listing_history"))
else:
    table, config = tables.listing_history_table(listings["history"])
    plain.dataframe(table, hide_index=True, column_config=config, key="listings_history")
