"""概览 Overview: the chosen year's grades at a glance and a search; its chart, publication (version, digest) and
corrections on request."""

import streamlit as st

from dashboard import charts, data, plain, tables, ui
from dashboard.i18n import t
from dashboard.labels import grade_label, kv, local_date

ui.header("public.overview_title")
ui.notice_banner()  # years under 公示, apart from the published years below
pub = ui.year_picker()
if pub is None:
    st.stop()
ui.demo_notice(pub["demo"])
rulebook = data.rulebook(pub["rulebook"])
counts = data.grade_counts(int(pub["id"]))

with st.form("search_form", border=False):
    query = st.text_input(t("public.search"), placeholder=t("public.search_help"), key="overview_q")
    if st.form_submit_button(t("public.search_button"), icon=":material/search:"):
        ui.switch_to("ratings", year=pub["year"], q=query.strip() or None)

st.subheader(t("public.grade_counts"))
# A row that wraps, not columns: columns stack on a phone, one number per line, and take a whole screen.
with st.container(horizontal=True, gap="medium", key="grade_numbers"):
    st.metric(t("common.agencies_rated"), int(counts["count"].sum()), width="content")
    for row in counts.itertuples():
        st.metric(grade_label(row.grade, rulebook), int(row.count), width="content")
# Which version this is, on the first screen: a corrected year says so before anything is chosen.
st.markdown(kv(t("public.version"), t("public.version_value", version=pub["version"])) + "　"
            + kv(t("public.published_at"), local_date(pub["published_at"])))
# The grades' numbers are the page's answer; the chart, the publication's digests and the corrections are drawn only
# when chosen (a chart and code blocks on every visit doubled the browser's time to show the page).
shown = ui.more("overview", {"chart": "public.grade_chart", "publication": "public.publication",
                             "corrections": "public.corrections"})
if shown == "chart":
    st.vega_lite_chart(spec=charts.grade_counts_spec(int(pub["id"]), pub["rulebook"]), width="stretch")
elif shown == "publication":
    st.subheader(t("public.publication"))
    st.markdown(f"**{t('public.digest')}**")
    st.code(pub["digest"], language=None, wrap_lines=True)
    if pub["previous_digest"]:
        st.markdown(f"**{t('public.previous_digest')}**")
        st.code(pub["previous_digest"], language=None, wrap_lines=True)
    st.caption(t("public.digest_help"))
elif shown == "corrections":
    st.subheader(t("public.corrections"))
    history = data.publication_history(int(pub["year"]))
    corrections = history[history["version"] > 1]
    if corrections.empty:
        st.caption(t("public.no_corrections"))
    else:
        for row in corrections.sort_values("version", ascending=False).itertuples():
            changes = data.version_changes(int(pub["year"]), int(row.version))
            st.markdown(kv(t("public.version"), t("public.version_value", version=row.version)) + "　"
                        + kv(t("public.published_at"), local_date(row.published_at)))
            st.markdown(kv(t("public.reason"), row.reason))  # the whole reason, wrapped: never cut in a table cell
            with st.expander(t("public.correction_changes", version=row.version, count=len(changes)),
                             expanded=len(corrections) == 1):
                if changes.empty:
                    st.caption(t("public.correction_changed_nothing"))
                else:
                    table, config = tables.changes_table(changes, rulebook)
                    plain.dataframe(table, hide_index=True, column_config=config, key=f"changes-{row.version}")
ui.page_link("ratings", t("public.page_ratings"), year=pub["year"], icon=":material/table_view:")
ui.page_link("blacklist", t("public.page_blacklist"), year=pub["year"], icon=":material/block:")
ui.page_link("open_data", t("public.page_open_data"), icon=":material/download:")
