"""评定办法 The rules: the rulebook in plain words, generated from its data: the grades first; buckets, clauses and the
reports' follow-up on request."""

import pandas as pd
import streamlit as st

from dashboard import data, plain, ui
from dashboard.i18n import current, pick, t
from dashboard.labels import grade_label, kv, paren

ui.header("public.rules_title")
pubs = data.publications()
# No demo notice: the rulebook is the real regulation's, whatever data the database holds (only data can be demo).
# The rulebook of the latest publication (the default one before anything is published).
rulebook = data.rulebook(pubs.iloc[0]["rulebook"] if not pubs.empty else None)


def number(value) -> str:
    return f"{float(value):g}"


st.subheader(pick(rulebook.title_zh, rulebook.title_en))
st.markdown(kv(t("public.rules_source"), pick(rulebook.source_zh, rulebook.source_en)))
st.markdown(t("public.rules_total", total=number(rulebook.total)))

st.subheader(t("public.rules_grades"))
rows = []
for g in rulebook.grades:
    if g.blacklist:
        text = t("public.range_blacklist", max=number(g.max))
    elif g.max == rulebook.total:
        text = t("public.range_top", min=number(g.min), max=number(g.max))
    else:
        text = t("public.range_mid", min=number(g.min), max=number(g.max))
    rows.append("- " + kv(grade_label(g.key, rulebook), text))
# A list, not a data grid: a few lines the browser draws at once (the page's first screen) and that wrap on a phone.
st.markdown("\n".join(rows))

# The grades and their ranges are the page's answer; where the points come from, the clauses and the reports are
# drawn only when chosen (a grid per bucket and the clauses' long list took the browser twice a bare page's time).
shown = ui.more("rules", {"buckets": "public.rules_buckets", "clauses": "public.rules_clauses", "reports": "public.hr_title"})
if shown == "buckets":
    st.subheader(t("public.rules_buckets"))
    for bucket in rulebook.buckets:
        who = "、".join(t(f"public.assessors_{a}") for a in bucket.assessors)
        st.markdown(kv(pick(bucket.label_zh, bucket.label_en) + paren(who), number(bucket.points)))
        plain.dataframe(
            pd.DataFrame([{t("common.period"): pick(p.label_zh, p.label_en), t("public.period_points"): p.points, t("public.floor"): p.floor}
                          for p in bucket.periods]),
            hide_index=True,
        )
    st.caption(t("public.period_rule"))
elif shown == "clauses":
    st.subheader(t("public.rules_clauses"))
    en = current() == "en"
    effects = {
        "blacklist": lambda c: t("public.effect_blacklist"),
        "deduct": lambda c: t("public.effect_deduct", points=c.points),
        "bonus": lambda c: t("public.effect_bonus", points=c.points),
    }
    for group in rulebook.groups:
        st.markdown(f"**{pick(group.label_zh, group.label_en)}**")
        # A list, not a table: the full text of a clause wraps on any screen instead of being cut off.
        lines = []
        for clause in (c for c in rulebook.clauses if c.group == group.key):
            line = f"- **{clause.code}** {clause.text_zh} — *{effects[clause.effect](clause)}*"
            if en and clause.gloss_en:
                line += f"  \n  {clause.gloss_en}"
            lines.append(line)
        st.markdown("\n".join(lines))
elif shown == "reports":
    # 拒不整改报告 (第十三、十四条): how the towns and the bureau followed up agencies' reports; counts only, no enterprise.
    st.subheader(t("public.hr_title"))
    st.markdown(t("public.hr_rule", ack=data.settings().report_acknowledge_working_days,
                  close=data.settings().report_close_working_days))
    years = data.hazard_report_counts()
    if not years:
        st.caption(t("public.hr_none"))
    else:
        # One table a year received, newest first, closed by its total. The year is the year a report came in, not a
        # rating year: it gets a heading of its own words, never a year picker beside the ratings' own.
        outcomes = {c: f"common.hr_outcome_{c}" for c in ("rectified", "case", "unfounded")}
        for counts in years:
            total = counts.total | {"town": t("public.hr_total")}
            shown_counts = pd.concat([counts.towns, pd.DataFrame([total])], ignore_index=True)
            labels = {"town": "common.town",
                      **{c: outcomes.get(c, f"public.hr_{c}") for c in shown_counts.columns if c != "town"}}
            st.markdown(f"**{t('public.hr_year', year=counts.year)}**")
            plain.dataframe(shown_counts.rename(columns={c: t(k) for c, k in labels.items()}), hide_index=True,
                            key=f"hr_counts_{counts.year}")
