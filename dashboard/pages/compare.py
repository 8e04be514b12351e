"""机构对比 Compare: two to four agencies side by side — grades and totals by year, points lost, blacklist history."""

import streamlit as st

from dashboard import charts, compare_view, data, facts_view, plain, state, ui
from dashboard.i18n import t
from dashboard.labels import paren

ui.header("public.compare_title")
codes, label_of = ui.agency_choices()
if not codes:
    st.info(t("public.no_publication"))
    st.stop()
chosen = st.multiselect(
    t("public.compare_choose"), codes, format_func=label_of.__getitem__, max_selections=compare_view.COMPARE_MAX,
    select_all=False,
    placeholder=t("public.choose_agency_placeholder"), key=state.seed("compare", default=[], options=codes),
)
state.put("compare", chosen)
if len(chosen) < 2:
    st.info(t("public.compare_need_two"))
    st.stop()

found = data.compare(tuple(chosen))
years = found["years"]
ui.demo_notice(bool(years["demo"].any()))
rulebook = data.rulebook()
names = compare_view.column_names(chosen, data.agency_index())

st.subheader(t("public.totals_by_year"))
st.vega_lite_chart(spec=charts.compare_totals_spec(tuple(chosen), names), width="stretch")

st.subheader(t("public.grades_by_year"))
grades = compare_view.grades_by_year(years, chosen, names, rulebook)
plain.dataframe(grades, hide_index=True, column_config=compare_view.columns(grades))

st.subheader(t("public.points_lost"))
lost = compare_view.points_lost(found["points_lost"], chosen, names, rulebook)
plain.dataframe(lost, hide_index=True, column_config=compare_view.columns(lost))

st.subheader(t("public.blacklist_history_compare"))
plain.dataframe(compare_view.blacklist_history(found["blacklist"], chosen, names, rulebook), hide_index=True)

# Apart from the rating: the agencies' own filings, dated.
st.subheader(t("public.facts_title"))
facts = data.service_facts()
st.caption(t("public.facts_caption_all", year=facts["year"], as_of=facts["as_of"].isoformat()))
with st.container(horizontal=True, gap="small", key="facts_compare"):  # cards that wrap: none scrolls sideways
    for i, (name, rows) in enumerate(facts_view.compare_cards(facts, chosen, names)):
        facts_view.show_card(rows, key=f"facts_card_{i}", title=name)
st.caption(t("public.visits_counted_note"))

# The towns' inspections of their clients (一企双查): counts only, dated, apart from the rating.
effect_year = data.china_today().year
counts = data.inspection_counts(effect_year)
st.subheader(t("public.effect_title", year=effect_year))
shown = [(names[code], rows) for code in chosen if (rows := facts_view.effect_rows(counts, code)) is not None]
if not shown:
    st.info(t("public.effect_none"))
else:
    st.caption(t("public.effect_caption", as_of=max(counts.loc[counts["credit_code"].isin(chosen), "as_of"])))
    with st.container(horizontal=True, gap="small", key="effect_compare"):
        for i, (name, rows) in enumerate(shown):
            facts_view.show_card(rows, key=f"effect_card_{i}", title=name)

for code in chosen:
    ui.page_link("profile", f"{t('public.open_profile')}{paren(plain.md(names[code]))}", agency=code, icon=":material/apartment:")
