"""黑名单 Blacklist: the year's listed agencies and practitioners with their grounds, earlier years' lists, the
listings in force (认定部门, 认定依据, 列入日期, 移出日期, 状态) and the history of listings and removals."""

import pandas as pd
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
listed = data.blacklist(int(pub["id"]), int(pub["year"]))
earlier = [y for y in data.published_years() if y < int(pub["year"])]
parts = []
for year in earlier:
    earlier_pub = data.current_publication(year)
    parts.append(data.blacklist(int(earlier_pub["id"]), year)["agencies"])
history = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

st.subheader(t("public.blacklist_agencies"))
if listed["agencies"].empty:
    st.info(t("public.no_blacklist"))
else:
    table, config = tables.blacklist_agencies_table(listed["agencies"], rulebook)
    tables.show(table, config, key="blacklist_agencies", compact=tables.BLACKLIST_AGENCIES_COMPACT,
                full=tables.BLACKLIST_AGENCIES_FULL, row_height=tables.grounds_row_height(table))
# Every clause the year's tables and the earlier years' name: in English the tables give only its number.
codes = [c for c in [*listed["agencies"]["clause"], *listed["practitioners"]["clause"],
                     *(history["clause"] if not history.empty else [])] if isinstance(c, str) and c]
if codes:
    st.markdown(f"**{t('public.clause_texts')}**")
    st.markdown(clause_legend(codes, rulebook))

st.subheader(t("public.blacklist_practitioners"))
if listed["practitioners"].empty:
    st.caption(t("public.no_blacklist_practitioners"))
else:
    table, config = tables.blacklist_practitioners_table(listed["practitioners"], rulebook)
    tables.show(table, config, key="blacklist_practitioners", compact=tables.BLACKLIST_PRACTITIONERS_COMPACT,
                full=tables.BLACKLIST_PRACTITIONERS_FULL, row_height=tables.grounds_row_height(table))

st.subheader(t("public.blacklist_history"))
if history.empty:
    st.caption(t("public.no_history"))
else:
    table, config = tables.blacklist_agencies_table(history, rulebook)
    tables.show(table, config, key="blacklist_history", compact=tables.BLACKLIST_AGENCIES_COMPACT,
                full=tables.BLACKLIST_AGENCIES_FULL, row_height=tables.grounds_row_height(table))

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
