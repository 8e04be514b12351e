"""录入扣分记录 Record a finding: agency, clause (full text shown), date → period; town staff for their own town."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from core.towns import assessor_kind, own_assessor
from dashboard import data, plain
from dashboard.labels import assessor_label, period_labels
from dashboard.staff import session, widgets
from dashboard.staff.text import t
from db.accounts.roles import own_town
from db.findings.records import period_for, recent_findings, record_finding, suggest_interview_clause
from db.publishing.notice import draft_change

user = session.require("record_finding")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
# A town account acts for its own town, the bureau roles for the bureau (db.accounts.roles decides which is which).
assessor = own_assessor(own_town(user))
periods = period_labels(rulebook)

st.title(t("page_record_finding"))
# After a save the finding's own fields start empty (the agency, date and period stay for the next one).
widgets.empty_after_save("finding", {"finding_clause": None, "finding_practitioner": "", "finding_description": "",
                                     "finding_document_no": ""})

code, name = widgets.agency_picker("finding")

left, right = st.columns(2)
# Set every run, not as `value=`: a text input keeps its first value, so the English switch would not reach it.
st.session_state["finding_assessor"] = plain.text(assessor_label(assessor))
left.text_input(t("assessor"), disabled=True, key="finding_assessor")
date = right.date_input(t("date"), value=china_time.today(), key="finding_date", format="YYYY-MM-DD")
bucket = rulebook.bucket_for(assessor_kind(assessor))
period_choice = left.selectbox(
    t("period"), ["", *(p.key for p in bucket.periods)], key=widgets.keep("finding_period", ""),
    format_func=widgets.labels_of({"": t("period_auto"), **periods}),
)
year = right.selectbox(t("year"), [widgets.NO_CHOICE, date.year, date.year - 1],
                       key=widgets.keep("finding_year", widgets.NO_CHOICE),
                       format_func=widgets.labels_of({widgets.NO_CHOICE: t("period_auto")})) or None
rating_year = year or date.year
try:
    period_key, rating_year = period_for(assessor=assessor, date=date, year=year, period=period_choice or None,
                                         rulebook=rulebook)
    st.caption(t("period_is", year=rating_year, period=periods[period_key]))
except CreditBoardError as exc:
    st.warning(widgets.refusal(exc))

suggested = suggest_interview_clause(engine=engine, credit_code=code, year=rating_year, rulebook=rulebook) if code else None
if suggested:
    st.info(t("interview_suggestion", clause=suggested, text=rulebook.clause(suggested).text_zh))
    st.button(t("use_suggestion", clause=suggested), key="finding_use_suggestion",
              on_click=lambda: st.session_state.update(finding_clause=suggested))

codes = [c.code for c in rulebook.clauses]
clause = st.selectbox(t("clause"), codes, index=None, key=widgets.keep("finding_clause"), placeholder=t("choose"),
                      format_func=widgets.labels_of({c: widgets.clause_label(c, rulebook) for c in codes}))
if clause:
    st.markdown(f"**{t('clause_text')}（{clause}）**：{widgets.clause_text(clause, rulebook)}")

practitioner = st.text_input(t("practitioner"), key="finding_practitioner", max_chars=64)
description = st.text_area(t("description"), key="finding_description", max_chars=2000)
document_no = st.text_input(t("document_no"), key="finding_document_no", max_chars=64)

widgets.outcome("finding_outcome")
# Before the write: a finding of a year under notice changes the draft the agencies saw (the publish gate's rule).
widgets.warn_draft_change(draft_change(engine=engine, year=rating_year))
# Checked here too, not only by `disabled`: a click may arrive from a form drawn before it was emptied.
if st.button(t("record"), type="primary", disabled=not (code and clause), key="finding_save") and code and clause:
    try:
        stored = record_finding(
            engine=engine, user=acting, credit_code=code, agency_name=name, clause=clause, date=date,
            period=period_choice or None, year=year, practitioner=practitioner, description=description,
            document_no=document_no, rulebook=rulebook,
        )
    except CreditBoardError as exc:
        st.error(widgets.refusal(exc))
    else:
        widgets.saved_with_change(
            "finding", t("finding_saved", agency=plain.md(stored["agency_name"]), clause=stored["clause"],
                         period=periods[stored["period"]], year=stored["year"]),
            draft_change(engine=engine, year=int(stored["year"])))

st.subheader(t("recent_findings"))
recent = recent_findings(engine=engine, user=acting)
plain.dataframe(
    widgets.relabel(recent.assign(period=recent["period"].map(periods), assessor=recent["assessor"].map(assessor_label)), {
        "date": "date", "year": "year", "period": "period", "agency_name": "agency_name", "credit_code": "credit_code",
        "clause": "clause", "assessor": "assessor", "practitioner": "practitioner", "document_no": "document_no",
        "description": "description", "recorded_by": "recorded_by",
    }),
    hide_index=True, width="stretch",
)
