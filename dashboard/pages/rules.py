"""评定办法 The rules: the rulebook in plain words, generated from its data (clauses, buckets, thresholds)."""

import pandas as pd
import streamlit as st

from dashboard import data, plain, ui
from dashboard.i18n import current, pick, t
from dashboard.labels import grade_label, kv, paren

ui.header("rules_title")
pubs = data.publications()
# No demo notice: the rulebook is the real regulation's, whatever data the database holds (only data can be demo).
# The rulebook of the latest publication (the default one before anything is published).
rulebook = data.rulebook(pubs.iloc[0]["rulebook"] if not pubs.empty else None)


def number(value) -> str:
    return f"{float(value):g}"


st.subheader(pick(rulebook.title_zh, rulebook.title_en))
st.markdown(kv(t("rules_source"), pick(rulebook.source_zh, rulebook.source_en)))
st.markdown(t("rules_total", total=number(rulebook.total)))

st.subheader(t("rules_buckets"))
for bucket in rulebook.buckets:
    who = "、".join(t(f"assessors_{a}") for a in bucket.assessors)
    st.markdown(kv(pick(bucket.label_zh, bucket.label_en) + paren(who), number(bucket.points)))
    plain.dataframe(
        pd.DataFrame([{t("period"): pick(p.label_zh, p.label_en), t("period_points"): p.points, t("floor"): p.floor}
                      for p in bucket.periods]),
        hide_index=True,
    )
st.caption(t("period_rule"))

st.subheader(t("rules_grades"))
rows = []
for g in rulebook.grades:
    if g.blacklist:
        text = t("range_blacklist", max=number(g.max))
    elif g.max == rulebook.total:
        text = t("range_top", min=number(g.min), max=number(g.max))
    else:
        text = t("range_mid", min=number(g.min), max=number(g.max))
    rows.append({t("grade"): grade_label(g.key, rulebook), t("range"): text})
plain.dataframe(pd.DataFrame(rows), hide_index=True)

st.subheader(t("rules_clauses"))
en = current() == "en"
effects = {
    "blacklist": lambda c: t("effect_blacklist"),
    "deduct": lambda c: t("effect_deduct", points=c.points),
    "bonus": lambda c: t("effect_bonus", points=c.points),
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
