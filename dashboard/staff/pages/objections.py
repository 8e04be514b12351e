"""异议处理 Objections (bureau staff): open objections to uphold (the finding is withdrawn) or reject with a reason
the agency sees; record one from an agency's letter; every objection with its outcome."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.labels import local_date
from dashboard.staff import session, widgets
from dashboard.staff.text import t
from db.findings import objections
from db.publishing.notice import draft_change

user = session.require("resolve_objections")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
today = china_time.today()

st.title(t("page_objections"))
st.caption(t("objections_intro"))
widgets.outcome("objections_outcome")
widgets.outcome("letter_outcome")
everything = objections.objections(engine=engine, user=acting)


def done(text: str, year: int | None = None) -> None:
    data.clear()  # the agency's draft and the public notice read fresh
    widgets.saved_with_change("objections", text, None if year is None else
                              draft_change(engine=engine, year=year, withdrawal=True))


def finding_line(row) -> str:
    return t("objection_from", agency=row["agency_name"], code=row["credit_code"], year=row["year"],
             clause=row["clause"], date=local_date(row["date"]), assessor=row["assessor"])


# --- open objections ----------------------------------------------------------------------------------------------
st.subheader(t("objections_open"))
pending = everything[everything["status"] == "open"]
if pending.empty:
    st.caption(t("objections_none_open"))
for _, row in pending.iterrows():
    with st.container(border=True):
        oid = int(row["id"])
        st.markdown(plain.md(finding_line(row)))  # data inside: never bold, so no markup is made of it
        st.caption(plain.md(t("objection_filed", channel=t(f"channel_{row['channel']}"),
                              filed_on=local_date(row["filed_on"]), id=oid)))
        st.text(plain.text(row["text"]))
        reason = st.text_area(t("resolution_reason"), key=f"objection_reason_{oid}", max_chars=2000)
        # Upholding withdraws the finding: say before what that does to the year's notice.
        widgets.warn_draft_change(draft_change(engine=engine, year=int(row["year"]), withdrawal=True))
        uphold, reject = st.columns(2)
        choice = None
        if uphold.button(t("uphold"), type="primary", key=f"objection_uphold_{oid}"):
            choice = True
        if reject.button(t("reject"), key=f"objection_reject_{oid}"):
            choice = False
        if choice is not None:
            try:
                objections.resolve_objection(engine=engine, user=acting, objection_id=oid, uphold=choice, reason=reason)
            except CreditBoardError as exc:
                st.error(widgets.refusal(exc))
            else:
                done(t("objection_upheld"), int(row["year"])) if choice else done(t("objection_rejected"))

# --- from a letter --------------------------------------------------------------------------------------------------
st.subheader(t("letter_heading"))
choices = objections.findings_under_notice(engine=engine, user=acting)
if choices.empty:
    st.caption(t("letter_none"))
else:
    widgets.empty_after_save("letter", {"letter_finding": None, "letter_text": ""})
    labels = {int(r["id"]): finding_line(r) for _, r in choices.iterrows()}
    finding_id = st.selectbox(t("letter_finding"), list(labels), format_func=lambda i: plain.text(labels[i]),
                              index=None, key="letter_finding", placeholder=t("choose"))
    received = st.date_input(t("col_received_on"), value=today, max_value=today, key="letter_received",
                             format="YYYY-MM-DD")
    text = st.text_area(t("letter_text"), key="letter_text", max_chars=2000)
    if st.button(t("record"), type="primary", disabled=finding_id is None, key="letter_save") and finding_id:
        try:
            objections.record_letter(engine=engine, user=acting, finding_id=int(finding_id), text=text,
                                     received_on=received)
        except CreditBoardError as exc:
            st.error(widgets.refusal(exc))
        else:
            widgets.saved("letter", "success", t("letter_recorded"))

# --- every objection ----------------------------------------------------------------------------------------------
st.subheader(t("objections_all"))
if not everything.empty:
    shown = everything[["id", "year", "agency_name", "credit_code", "finding_id", "clause", "date", "channel",
                        "filed_by", "filed_on", "text", "status", "reason", "finding_action", "resolved_by",
                        "resolved_at"]].copy()
    shown["channel"] = shown["channel"].map(lambda c: t(f"channel_{c}"))
    shown["status"] = shown["status"].map(lambda s: t(f"status_{s}"))
    shown["finding_action"] = shown["finding_action"].map(lambda a: t("finding_withdrawn") if a else "")
    for column in ("date", "filed_on", "resolved_at"):
        shown[column] = shown[column].map(local_date)
    plain.dataframe(widgets.relabel(shown, {c: f"col_{c}" for c in shown.columns}), hide_index=True,
                    key="staff_objections")
