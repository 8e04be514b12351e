"""扣分记录: every finding recorded against the signed-in agency, with its description (it concerns the agency);
during a year's 公示 an objection (异议) to each of them, and the agency's objections with status and reason."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.agency import session, widgets
from dashboard.i18n import t
from dashboard.labels import assessor_label, local_date, period_label
from db.agency import overview
from db.publishing import objections
from db.publishing.notice import public_notices
from db.store.text import TEXT_LIMIT

user = session.require()
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
st.title(t("agency.page_findings"))
st.caption(t("agency.only_yours"))
outcome = st.session_state.pop("agency_objection_outcome", None)
if outcome:
    st.success(outcome)

# --- objections during a notice -------------------------------------------------------------------------------------
notices = public_notices(engine=engine)
for _, notice in notices[notices["running"]].iterrows():
    st.info(t("agency.notice_open_for", year=notice["year"], ends_on=local_date(notice["ends_on"])))
objectable = objections.objectable_findings(engine=engine, user=acting)
if not notices.empty:
    st.subheader(t("agency.object_heading"))
    if objectable.empty:
        st.caption(t("agency.object_none"))
for _, row in objectable.iterrows():
    fid = int(row["id"])
    line = t("agency.object_finding", year=row["year"], clause=row["clause"], date=local_date(row["date"]),
             assessor=assessor_label(row["assessor"]))
    with st.expander(plain.md(f"{t('agency.object_button')} · {line}")):
        if row["description"]:
            st.text(plain.text(row["description"]))
        text = st.text_area(t("agency.object_text"), key=f"objection_text_{fid}", max_chars=TEXT_LIMIT)
        if st.button(t("agency.object_button"), type="primary", key=f"objection_file_{fid}"):
            try:
                objections.file_objection(engine=engine, user=acting, finding_id=fid, text=text)
            except CreditBoardError as exc:
                widgets.show_refusal(exc)
            else:
                st.session_state["agency_objection_outcome"] = t("agency.object_filed")
                st.rerun()

mine = objections.own_objections(engine=engine, user=acting)
if not mine.empty:
    st.subheader(t("agency.objections_heading"))
    shown = mine.assign(status=mine["status"].map(lambda s: t(f"common.objection_{s}")),
                        finding_action=mine["finding_action"].map(lambda a: t("common.finding_withdrawn") if a else ""))
    widgets.table(shown, ("year", "finding_id", "clause", "date", "status", "reason", "finding_action", "filed_on",
                          "text"), dates=("date", "filed_on"))

# --- every finding ------------------------------------------------------------------------------------------------
st.subheader(t("agency.findings_now"))
found = overview.own_findings(engine=engine, user=acting)
if found.empty:
    st.info(t("agency.no_findings"))
else:
    rulebook = data.rulebook()
    found = found.assign(assessor=found["assessor"].map(assessor_label),
                         period=found["period"].map(lambda p: period_label(p, rulebook)))
    widgets.table(found, ("year", "date", "clause", "assessor", "period", "practitioner", "description",
                          "document_no"), dates=("date",))
