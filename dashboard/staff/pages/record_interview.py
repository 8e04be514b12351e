"""录入约谈 Record an interview (bureau roles): the count per year drives the suggested clause (the rulebook's interview ladder)."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.staff import session, widgets
from db.findings.recording import interview_count, record_interview, suggest_interview_clause
from db.store.text import TEXT_LIMIT

user = session.require("record_interview")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()

st.title(t("staff.page_record_interview"))
# After a save the agency and notes start empty: with the agency still chosen, a second click would store the
# same interview again, and each interview moves the agency towards a harsher clause (the rulebook's interview ladder).
widgets.empty_after_save("interview", {"interview_agency": None, "interview_new_code": "", "interview_new_name": "",
                                       "interview_notes": ""})
code, name = widgets.agency_picker("interview")
date = st.date_input(t("common.date"), value=china_time.today(), key="interview_date", format="YYYY-MM-DD")
notes = st.text_area(t("staff.notes"), key="interview_notes", max_chars=TEXT_LIMIT)

if code:
    st.caption(t("staff.interviews_so_far", year=date.year,
                 n=interview_count(engine=engine, credit_code=code, year=date.year)))

widgets.outcome("interview_outcome")
widgets.outcome("interview_suggestion")
if st.button(t("staff.record"), type="primary", disabled=not code, key="interview_save") and code:
    try:
        stored = record_interview(engine=engine, user=acting, credit_code=code, agency_name=name, date=date,
                                  notes=notes)
    except CreditBoardError as exc:
        st.error(refusal(exc))
    else:
        suggested = suggest_interview_clause(engine=engine, credit_code=code, year=stored["year"], rulebook=rulebook)
        if suggested:
            widgets.outcome("interview_suggestion", "info",
                            t("staff.interview_suggestion", clause=suggested, text=rulebook.clause(suggested).text_zh))
        widgets.saved("interview", "success",
                      t("staff.interview_saved", agency=plain.md(stored["agency_name"]), year=stored["year"], n=stored["count_in_year"]))
