"""录入扣分记录 Record a finding: agency, clause (full text shown), date → period; town staff for their own town."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from core.towns import assessor_kind, own_assessor
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.labels import assessor_label, period_labels
from dashboard.staff import session, widgets
from db.accounts.roles import own_town
from db.findings.recording import period_for, recent_findings, record_finding, suggest_interview_clause
from db.publishing.notice import draft_change
from db.store.text import TEXT_LIMIT

user = session.require("record_finding")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
# A town account acts for its own town, the bureau roles for the bureau (db.accounts.roles decides which is which).
assessor = own_assessor(own_town(user))
periods = period_labels(rulebook)

st.title(t("staff.page_record_finding"))
# After a save the finding's own fields start empty (the agency, date and period stay for the next one).
widgets.empty_after_save("finding", {"finding_clause": None, "finding_practitioner": "", "finding_description": "",
                                     "finding_document_no": ""})

code, name = widgets.agency_picker("finding")

left, right = st.columns(2)
# Set every run, not as `value=`: a text input keeps its first value, so the English switch would not reach it.
st.session_state["finding_assessor"] = plain.text(assessor_label(assessor))
left.text_input(t("common.assessor"), disabled=True, key="finding_assessor")
date = right.date_input(t("common.date"), value=china_time.today(), key="finding_date", format="YYYY-MM-DD")
bucket = rulebook.bucket_for(assessor_kind(assessor))
period_choice = left.selectbox(
    t("common.period"), ["", *(p.key for p in bucket.periods)], key=widgets.keep("finding_period", ""),
    format_func=widgets.labels_of({"": t("staff.period_auto"), **periods}),
)
year = right.selectbox(t("common.year"), [widgets.NO_CHOICE, date.year, date.year - 1],
                       key=widgets.keep("finding_year", widgets.NO_CHOICE),
                       format_func=widgets.labels_of({widgets.NO_CHOICE: t("staff.period_auto")})) or None
rating_year = year or date.year
try:
    period_key, rating_year = period_for(assessor=assessor, date=date, year=year, period=period_choice or None,
                                         rulebook=rulebook)
    st.caption(t("staff.period_is", year=rating_year, period=periods[period_key]))
except CreditBoardError as exc:
    st.warning(refusal(exc))

suggested = suggest_interview_clause(engine=engine, credit_code=code, year=rating_year, rulebook=rulebook) if code else None
if suggested:
    st.info(t("staff.interview_suggestion", clause=suggested, text=rulebook.clause(suggested).text_zh))
    st.button(t("staff.use_suggestion", clause=suggested), key="finding_use_suggestion",
              on_click=lambda: st.session_state.update(finding_clause=suggested))

codes = [c.code for c in rulebook.clauses]
clause = st.selectbox(t("common.clause"), codes, index=None, key=widgets.keep("finding_clause"), placeholder=t("common.choose"),
                      format_func=widgets.labels_of({c: widgets.clause_label(c, rulebook) for c in codes}))
if clause:
    st.markdown(f"**{t('staff.clause_text')}（{clause}）**：{widgets.clause_text(clause, rulebook)}")

practitioner = st.text_input(t("staff.practitioner"), key="finding_practitioner", max_chars=64)
description = st.text_area(t("staff.description"), key="finding_description", max_chars=TEXT_LIMIT)
document_no = st.text_input(t("staff.document_no"), key="finding_document_no", max_chars=64)

widgets.outcome("finding_outcome")
# Before the write: a finding of a year under notice changes the draft the agencies saw (the publish gate's rule).
widgets.warn_draft_change(draft_change(engine=engine, year=rating_year))
# Checked here too, not only by `disabled`: a click may arrive from a form drawn before it was emptied.
if st.button(t("staff.record"), type="primary", disabled=not (code and clause), key="finding_save") and code and clause:
    try:
        stored = record_finding(
            engine=engine, user=acting, credit_code=code, agency_name=name, clause=clause, date=date,
            period=period_choice or None, year=year, practitioner=practitioner, description=description,
            document_no=document_no, rulebook=rulebook,
        )
    except CreditBoardError as exc:
        st.error(refusal(exc))
    else:
        widgets.saved_with_change(
            "finding", t("staff.finding_saved", agency=plain.md(stored["agency_name"]), clause=stored["clause"],
                         period=periods[stored["period"]], year=stored["year"]),
            draft_change(engine=engine, year=int(stored["year"])))

st.subheader(t("staff.recent_findings"))
recent = recent_findings(engine=engine, user=acting)
plain.dataframe(
    widgets.relabel(recent.assign(period=recent["period"].map(periods), assessor=recent["assessor"].map(assessor_label)), {
        "date": "common.date", "year": "common.year", "period": "common.period", "agency_name": "common.agency_full_name", "credit_code": "staff.credit_code",
        "clause": "common.clause", "assessor": "common.assessor", "practitioner": "staff.practitioner", "document_no": "staff.document_no",
        "description": "staff.description", "recorded_by": "staff.recorded_by",
    }),
    hide_index=True, width="stretch",
)
