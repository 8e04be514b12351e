"""机构详情 Agency profile: score and grade for every published year, why points were lost, and apart from the rating,
the agency's own service facts (towns served by contract, clients, practitioners, reports on time, visits)."""

import streamlit as st

from dashboard import charts, data, facts_view, plain, state, tables, ui
from dashboard.i18n import pick, t
from dashboard.labels import blacklist_grounds, clause_legend, grade_label, kv, local_date, towns_text

ui.header("public.profile_title")
codes, label_of = ui.agency_choices()
if not codes:
    st.info(t("public.no_publication"))
    st.stop()
if state.read("agency") and state.read("agency") not in label_of:
    st.warning(t("public.unknown_agency"))
code = st.selectbox(
    t("public.choose_agency"), codes, format_func=label_of.__getitem__, placeholder=t("public.choose_agency_placeholder"),
    key=state.seed("agency", default=None, options=codes),
)
state.put("agency", code)
if code is None:
    st.stop()

profile = data.agency_profile(code)
years = profile["years"]
ui.demo_notice(bool(years["demo"].any()))
latest = years.iloc[-1]
rulebook = data.rulebook()

st.subheader(plain.md(profile["agency_name"]))
st.markdown(kv(t("public.credit_code"), code))
with st.container(horizontal=True, gap="small", key="latest_rating"):  # a row that wraps: columns stack on a phone
    st.metric(t("public.year_value", year=int(latest["year"])) + " · " + t("public.grade"), grade_label(latest["grade"], rulebook),
              width="content")
    st.metric(t("common.total"), int(latest["total"]), width="content")
    st.metric(t("public.rating_date"), local_date(latest["rated_on"]), width="content")
if latest["grade"] == rulebook.blacklist_grade.key:
    # Why, in words, where a phone shows it first: a listed agency may still have a high total (a clause lists it).
    st.error(t("public.profile_blacklisted", year=int(latest["year"]),
               grounds=blacklist_grounds(latest["blacklist_clauses"], latest["total"], rulebook)), icon=":material/block:")
st.markdown(kv(t("public.towns_served_all"), towns_text(";".join(profile["towns"])) or t("public.none")))
ui.page_link("compare", t("public.compare_with_others"), compare=[code], icon=":material/compare_arrows:")

st.subheader(t("public.score_by_year"))
st.vega_lite_chart(spec=charts.profile_totals_spec(code), width="stretch")

st.subheader(t("public.explanation"))
st.caption(t("public.explanation_note"))
charges = profile["charges"]
for row in years.sort_values("year", ascending=False).itertuples():
    of_year = charges[charges["year"] == row.year]
    title = (f"{t('public.year_value', year=row.year)} · {grade_label(row.grade, rulebook)} · {t('common.total')} {row.total}"
             f" · {t('public.version_value', version=row.version)}")
    with st.expander(title, expanded=row.Index == years.index[-1]):
        if row.grade == rulebook.blacklist_grade.key:
            st.markdown(kv(t("common.grounds"), blacklist_grounds(row.blacklist_clauses, row.total, rulebook)))
        for version in range(2, int(row.version) + 1):  # what each correction of the year changed for this agency
            changed = data.version_changes(int(row.year), version)
            mine = changed[changed["credit_code"] == code]
            if not mine.empty:
                table, config = tables.changes_table(mine, rulebook)
                change = table.iloc[0]
                st.info(plain.md(t("public.profile_correction", version=version, total=change["total"], grade=change["grade"]))
                        + "".join(f"  \n{plain.md(t('public.' + k))}：{plain.md(change[k])}" for k in ("added", "withdrawn")
                                  if change[k]), icon=":material/history:")
        part = profile["town_parts"].get(int(row.year))
        if part is not None and part["score"] is not None:
            # The town part under the reading the version was rated with, each town's own score where it is per town.
            reading = "pooled" if part["reading"] == "pooled" else f"per_town_{part['weights']}"
            bucket = plain.md(pick(part["label_zh"], part["label_en"]))
            lines = [t("public.town_part", bucket=bucket, score=part["score"], reading=t(f"public.town_reading_{reading}"))]
            lines += ["- " + t("public.town_part_row", town=plain.md(town["town"]), score=town["score"],
                               contracts=town["contracts"], weight=town["weight"]) for town in part["towns"]]
            st.markdown("\n\n".join([lines[0], "\n".join(lines[1:])]) if lines[1:] else lines[0])
        if of_year.empty:
            st.caption(t("public.no_charges"))
        else:
            table, config = tables.explanation_table(of_year, rulebook)
            compact, full = tables.explanation_order(table)
            tables.show(table, config, key=f"charges-{row.year}", compact=compact, full=full,
                        row_height=tables.WRAP_ROW_HEIGHT)
if not charges.empty:
    with st.expander(t("public.clause_texts")):
        st.markdown(clause_legend(charges["clause"], rulebook))

# The agency's own filings, under their own heading and dated: never read as part of the rating above.
st.subheader(t("public.facts_title"))
facts = data.agency_facts(code)
if facts is None:
    st.info(t("public.facts_none"))
else:
    st.caption(facts_view.facts_caption(facts))
    facts_view.show_card(facts_view.facts_rows(facts), key="facts_card", width="stretch",
                         contracts=facts_view.contract_lines(facts["contract_visits"]))
    st.caption(t("public.visits_counted_note"))

st.subheader(t("public.specialties"))
if facts is None:
    st.caption(t("public.no_specialties"))
else:  # the facts line's numbers, from the same function: they cannot disagree
    plain.dataframe(
        facts_view.specialty_table(facts), hide_index=True, key="specialties_table",
        column_config={"specialty": st.column_config.TextColumn(t("common.specialty")),
                       "count": st.column_config.NumberColumn(t("public.people"), format="%d")},
    )
st.caption(t("public.specialties_note"))

# The towns' inspections of its clients (一企双查): counts only, dated, under their own heading, never in the rating.
effect_year = data.china_today().year
counts = data.inspection_counts(effect_year)
st.subheader(t("public.effect_title", year=effect_year))
effect = facts_view.effect_rows(counts, code)
if effect is None:
    st.info(t("public.effect_none"))
else:
    st.caption(t("public.effect_caption", as_of=counts.loc[counts["credit_code"] == code, "as_of"].iloc[0]))
    facts_view.show_card(effect, key="effect_card", width="stretch")
